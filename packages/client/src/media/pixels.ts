/** Pixel conversions shared by Image and Video, and PNG encoding through pngjs. */
import { loadPngjs } from './codecs.js';

/** PNG colour modes, as PIL names them: grayscale, colour, colour with alpha. */
export type ImageMode = 'L' | 'RGB' | 'RGBA';

const CHANNELS: Record<ImageMode, 1 | 3 | 4> = { L: 1, RGB: 3, RGBA: 4 };
const PNG_COLOR_TYPE = { 1: 0, 3: 2, 4: 6 } as const;

/** The channel count of `mode`. */
export function modeChannels(mode: ImageMode): 1 | 3 | 4 {
  return CHANNELS[mode];
}

/** The mode W&B guesses from a channel count (`Image.guess_mode`). */
export function modeOf(channels: number): ImageMode {
  return channels === 1 ? 'L' : channels === 3 ? 'RGB' : 'RGBA';
}

/**
 * W&B's `Image.to_uint8`: data with a negative minimum is first rescaled to [0, 1]; data whose maximum
 * is at most 1 is then scaled by 255; values are rounded and clamped to 0..255 (NaN becomes 0).
 * W&B truncates instead of rounding; rounding keeps 0.5 → 128 rather than 127.
 */
export function toUint8Image(data: ArrayLike<number>): Uint8Array {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i += 1) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const out = new Uint8Array(data.length);
  const shift = min < 0 ? min : 0;
  const range = min < 0 ? max - min : 1;
  const scaledMax = min < 0 ? 1 : max;
  const factor = scaledMax <= 1 ? 255 : 1;
  for (let i = 0; i < data.length; i += 1) out[i] = clampByte(((data[i]! - shift) / range) * factor);
  return out;
}

/** Values taken as 0..255 bytes: rounded and clamped (NaN becomes 0). W&B's Video casts the same way. */
export function toUint8Clamped(data: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += 1) out[i] = clampByte(data[i]!);
  return out;
}

function clampByte(v: number): number {
  if (!(v > 0)) return 0; // NaN too
  return v >= 255 ? 255 : Math.round(v);
}

/**
 * Converts interleaved pixels from `from` channels to `to` channels, as PIL's `convert` does:
 * gray spreads to colour; colour becomes gray by ITU-R 601-2 luma; alpha is dropped or added opaque.
 */
export function convertChannels(pixels: Uint8Array, from: 1 | 3 | 4, to: 1 | 3 | 4): Uint8Array {
  if (from === to) return pixels;
  const count = pixels.length / from;
  const out = new Uint8Array(count * to);
  for (let p = 0; p < count; p += 1) {
    const i = p * from;
    const o = p * to;
    const r = pixels[i]!;
    const g = from === 1 ? r : pixels[i + 1]!;
    const b = from === 1 ? r : pixels[i + 2]!;
    if (to === 1) {
      out[o] = from === 1 ? r : (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
      continue;
    }
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    if (to === 4) out[o + 3] = from === 4 ? pixels[i + 3]! : 255;
  }
  return out;
}

/** An 8-bit PNG of interleaved `pixels` (1, 3 or 4 channels). */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4): Uint8Array {
  const { PNG } = loadPngjs();
  const colorType = PNG_COLOR_TYPE[channels];
  const image = { width, height, data: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength) };
  // Input and output colour types match, so pngjs takes the bytes as they are.
  return PNG.sync.write(image as InstanceType<typeof PNG>, { colorType, inputColorType: colorType, inputHasAlpha: channels === 4, bitDepth: 8 });
}
