/**
 * The encoders behind the media classes, loaded on first use: importing the client stays cheap for
 * the many runs that log only scalars. They are CommonJS packages, so `require` loads them
 * synchronously, as the media constructors (which encode eagerly, in the caller) need.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type Pngjs = typeof import('pngjs');
type Gifenc = typeof import('gifenc');
type Wavefile = typeof import('wavefile');
type ImageSize = typeof import('image-size');

let pngjs: Pngjs | undefined;
let gifenc: Gifenc | undefined;
let wavefile: Wavefile | undefined;
let imageSizeModule: ImageSize | undefined;

/** pngjs: PNG encoding (`PNG.sync.write`). */
export function loadPngjs(): Pngjs {
  return (pngjs ??= require('pngjs') as Pngjs);
}

/** gifenc: GIF encoding and colour quantization. */
export function loadGifenc(): Gifenc {
  return (gifenc ??= require('gifenc') as Gifenc);
}

/** wavefile: WAV writing and header parsing. */
export function loadWavefile(): Wavefile {
  return (wavefile ??= require('wavefile') as Wavefile);
}

/** image-size: format and dimensions of encoded image bytes. */
export function loadImageSize(): ImageSize {
  return (imageSizeModule ??= require('image-size') as ImageSize);
}
