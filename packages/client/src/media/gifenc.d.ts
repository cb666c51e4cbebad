/** The part of gifenc (a GIF encoder shipped without types) that the client uses. */
declare module 'gifenc' {
  /** A palette: `[r, g, b]` (or `[r, g, b, a]`) byte triples, at most 256. */
  export type Palette = number[][];

  export interface FrameOptions {
    palette?: Palette;
    /** Milliseconds this frame shows; stored in hundredths of a second. */
    delay?: number;
    /** -1: play once; 0: loop forever; n: n repetitions. */
    repeat?: number;
    transparent?: boolean;
    transparentIndex?: number;
    dispose?: number;
  }

  export interface Encoder {
    writeFrame(index: Uint8Array, width: number, height: number, options?: FrameOptions): void;
    finish(): void;
    bytes(): Uint8Array;
  }

  export function GIFEncoder(options?: { auto?: boolean; initialCapacity?: number }): Encoder;
  export function quantize(rgba: Uint8Array | Uint8ClampedArray, maxColors: number, options?: { format?: 'rgb565' | 'rgb444' | 'rgba4444' }): Palette;
  export function applyPalette(rgba: Uint8Array | Uint8ClampedArray, palette: Palette, format?: 'rgb565' | 'rgb444' | 'rgba4444'): Uint8Array;
}
