/** Helpers of the media tests: a recording MediaContext, and a GIF decoder to check encoded videos. */
import { createHash } from 'node:crypto';
import type { MediaContext, MediaFileOut } from '../src/media/wb-value.js';

/** A context that records the files a value adds. */
export function recorder(key = 'k', step: number | 'summary' = 3): MediaContext & { files: MediaFileOut[] } {
  const files: MediaFileOut[] = [];
  return { key, step, files, addFile: (file) => void files.push(file) };
}

export const sha256 = (bytes: string | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** One decoded GIF frame: its delay (hundredths of a second) and its pixels as RGB triples. */
export interface GifFrame {
  delay: number;
  localPalette: boolean;
  rgb: number[][];
}

/** A decoded GIF: screen size, the NETSCAPE loop count (null when absent), frames. */
export interface DecodedGif {
  version: string;
  width: number;
  height: number;
  loop: number | null;
  frames: GifFrame[];
}

/** Decodes a GIF file (no interlace, no transparency needed) to check what the encoder wrote. */
export function decodeGif(bytes: Uint8Array): DecodedGif {
  let pos = 0;
  const u8 = () => bytes[pos++]!;
  const u16 = () => u8() | (u8() << 8);
  const table = (size: number) => Array.from({ length: size }, () => [u8(), u8(), u8()]);
  const version = String.fromCharCode(...bytes.subarray(0, 6));
  pos = 6;
  const width = u16();
  const height = u16();
  const packed = u8();
  pos += 2;
  const global = packed & 0x80 ? table(1 << ((packed & 7) + 1)) : [];
  const frames: GifFrame[] = [];
  let loop: number | null = null;
  let delay = 0;
  const subBlocks = (): number[] => {
    const out: number[] = [];
    for (let size = u8(); size > 0; size = u8()) for (let i = 0; i < size; i += 1) out.push(u8());
    return out;
  };
  for (;;) {
    const block = u8();
    if (block === 0x3b) break;
    if (block === 0x21) {
      const label = u8();
      const data = subBlocks();
      if (label === 0xf9) delay = data[1]! | (data[2]! << 8);
      if (label === 0xff && String.fromCharCode(...data.slice(0, 11)) === 'NETSCAPE2.0') loop = data[12]! | (data[13]! << 8);
      continue;
    }
    if (block !== 0x2c) throw new Error(`unexpected GIF block 0x${block.toString(16)} at ${pos - 1}`);
    pos += 4;
    const w = u16();
    const h = u16();
    const flags = u8();
    const palette = flags & 0x80 ? table(1 << ((flags & 7) + 1)) : global;
    const minCodeSize = u8();
    const indices = lzwDecode(minCodeSize, subBlocks(), w * h);
    frames.push({ delay, localPalette: (flags & 0x80) !== 0, rgb: indices.map((i) => palette[i]!) });
  }
  return { version, width, height, loop, frames };
}

function lzwDecode(minCodeSize: number, data: number[], count: number): number[] {
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  let codeSize = minCodeSize + 1;
  let dict: number[][] = [];
  const reset = () => {
    dict = Array.from({ length: clear + 2 }, (_, i) => [i]);
    codeSize = minCodeSize + 1;
  };
  reset();
  const out: number[] = [];
  let prev: number[] | null = null;
  let bit = 0;
  const read = (): number => {
    let code = 0;
    for (let i = 0; i < codeSize; i += 1, bit += 1) code |= ((data[bit >> 3]! >> (bit & 7)) & 1) << i;
    return code;
  };
  while (out.length < count && bit + codeSize <= data.length * 8) {
    const code = read();
    if (code === clear) {
      reset();
      prev = null;
      continue;
    }
    if (code === end) break;
    let entry: number[];
    if (code < dict.length) entry = dict[code]!;
    else if (code === dict.length && prev) entry = [...prev, prev[0]!];
    else throw new Error(`bad LZW code ${code}`);
    out.push(...entry);
    if (prev) dict.push([...prev, entry[0]!]);
    prev = entry;
    if (dict.length === 1 << codeSize && codeSize < 12) codeSize += 1;
  }
  return out;
}
