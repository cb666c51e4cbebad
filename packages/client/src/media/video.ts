/**
 * `Video` (W&B's `wandb.Video`): frames (T×C×H×W, or a B×T×C×H×W batch tiled into one grid as W&B
 * does) encoded as an animated GIF with gifenc, or a gif/mp4/webm/ogg file or bytes kept as they are.
 */
import { loadGifenc, loadImageSize } from './codecs.js';
import { copyBytes, FileMedia, readMediaFile } from './file-media.js';
import { toNdArray, type ShapedData, type TensorLike } from './ndarray.js';
import { toUint8Clamped } from './pixels.js';
import type { MediaContext, WBValue } from './wb-value.js';

/** Video formats W&B shows (`Video.EXTS`). */
export type VideoFormat = 'gif' | 'mp4' | 'webm' | 'ogg';

const FORMATS: readonly VideoFormat[] = ['gif', 'mp4', 'webm', 'ogg'];

/** What a Video is made from. */
export type VideoInput = string | Uint8Array | number[][][][] | number[][][][][] | ShapedData | TensorLike;

/** Options of `new Video(...)`. */
export interface VideoOptions {
  /** Frames per second of an encoded GIF (default 4); ignored for files and bytes. */
  fps?: number;
  /** 'gif' (the default) for frames; for bytes whose content does not tell, the format they hold. */
  format?: VideoFormat;
  /** Shown under the video. */
  caption?: string;
}

/**
 * A video, logged as `{"_type": "video-file", "path": "media/videos/<key>_<step>_<sha20>.<ext>",
 * "sha256", "size", "width", "height"}` plus `caption`; width and height when known (frames, GIFs).
 *
 * Frames are 0–255 values (cast to bytes as W&B does: rounded, clamped, not rescaled), with 1 or 3
 * channels, as nested arrays, `{ data, shape }` or a tensor. A string is a file path; its extension
 * names the format. Bytes are a file's content; the format comes from the content, else `format`.
 */
export class Video extends FileMedia {
  readonly wandbType = 'video-file';
  protected readonly kind = 'videos';
  readonly format: VideoFormat;
  readonly width: number | undefined;
  readonly height: number | undefined;

  constructor(data: VideoInput, options: VideoOptions = {}) {
    const video = encodeVideo(data, options);
    super(video.bytes, video.format, options.caption, 'Video');
    this.format = video.format;
    this.width = video.width;
    this.height = video.height;
  }

  toWandbJson(ctx: MediaContext): Record<string, unknown> {
    return {
      ...this.fileJson(ctx),
      ...(this.width === undefined ? {} : { width: this.width }),
      ...(this.height === undefined ? {} : { height: this.height }),
      ...this.captionJson(),
    };
  }

  /** W&B's `videos`: every video's JSON; `captions` is false when no video has one, as W&B writes it. */
  static seqToWandbJson(items: readonly WBValue[], ctx: MediaContext): Record<string, unknown> {
    const videos = items as readonly Video[];
    const captioned = videos[0]!.hasCaption;
    return { _type: 'videos', count: videos.length, videos: videos.map((video) => video.toWandbJson(ctx)), captions: captioned ? videos.map((video) => (video.hasCaption ? video.caption! : null)) : false };
  }
}

interface EncodedVideo {
  bytes: Uint8Array;
  format: VideoFormat;
  width?: number;
  height?: number;
}

function encodeVideo(data: VideoInput, options: VideoOptions): EncodedVideo {
  const format = options.format;
  if (format !== undefined && !FORMATS.includes(format)) throw new TypeError(`Video format must be one of ${FORMATS.join(', ')}; got ${String(format)}`);
  if (typeof data === 'string') {
    const extension = data.slice(data.lastIndexOf('.') + 1).toLowerCase() as VideoFormat;
    if (!data.includes('.') || !FORMATS.includes(extension)) throw new TypeError(`Video files must be ${FORMATS.join(', ')} (by extension); got ${JSON.stringify(data)}`);
    return withGifSize({ bytes: readMediaFile(data, 'Video'), format: extension });
  }
  if (data instanceof Uint8Array) {
    const detected = sniff(data) ?? format;
    if (detected === undefined) throw new TypeError(`Video bytes: the content is not gif, mp4, webm or ogg that can be recognized; pass { format } (one of ${FORMATS.join(', ')})`);
    return withGifSize({ bytes: copyBytes(data), format: detected });
  }
  const array = toNdArray(data, 'Video');
  if (array === null) throw new TypeError('Video needs frames (T×C×H×W or B×T×C×H×W, as nested arrays, { data, shape } or a tensor), a file path, or file bytes');
  if ((format ?? 'gif') !== 'gif') {
    throw new TypeError(`Video frames can only be encoded as gif here (got format '${format}'); pass an ${format} file or its bytes to log one`);
  }
  const fps = options.fps ?? 4;
  if (typeof fps !== 'number' || !(fps > 0) || !Number.isFinite(fps)) throw new TypeError(`Video fps must be a positive number, got ${String(fps)}`);
  const frames = tileFrames(array.shape, toUint8Clamped(array.data));
  return { bytes: encodeGif(frames, fps), format: 'gif', width: frames.width, height: frames.height };
}

/** The format of video bytes, from their signature. */
function sniff(bytes: Uint8Array): VideoFormat | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if (ascii(4, 8) === 'ftyp') return 'mp4';
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'webm';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  return undefined;
}

function withGifSize(video: EncodedVideo): EncodedVideo {
  if (video.format !== 'gif') return video;
  try {
    const { width, height } = loadImageSize().imageSize(video.bytes);
    return { ...video, width, height };
  } catch {
    return video;
  }
}

/** Frames of one video, each H×W×C bytes. */
interface Frames {
  count: number;
  width: number;
  height: number;
  channels: 1 | 3;
  /** All frames, frame after frame, each row-major H×W×C. */
  pixels: Uint8Array;
}

/**
 * W&B's `Video._prepare_video` (from tensorboardX): T×C×H×W frames, or a batch B×T×C×H×W padded with
 * black videos to a power of two and tiled into a grid of 2^⌊(bitlength(B) - 1) / 2⌋ rows; the result
 * is T frames of H×W×C.
 */
function tileFrames(shape: readonly number[], data: Uint8Array): Frames {
  if (shape.length !== 4 && shape.length !== 5) throw new TypeError(`Video frames must be T×C×H×W or B×T×C×H×W; got shape [${shape.join(', ')}]`);
  const [b, t, c, h, w] = (shape.length === 4 ? [1, ...shape] : shape) as [number, number, number, number, number];
  if (c !== 1 && c !== 3) throw new TypeError(`Video frames must have 1 or 3 channels (T×C×H×W); got ${c} in shape [${shape.join(', ')}]`);
  if (b < 1 || t < 1 || h < 1 || w < 1) throw new TypeError(`Video needs at least one frame of at least 1×1 pixels; got shape [${shape.join(', ')}]`);
  const bitLength = 32 - Math.clz32(b);
  const padded = (b & (b - 1)) === 0 ? b : 2 ** bitLength;
  const rows = 2 ** Math.floor((bitLength - 1) / 2);
  const cols = padded / rows;
  const width = cols * w;
  const height = rows * h;
  const pixels = new Uint8Array(t * height * width * c); // padded videos stay black
  for (let video = 0; video < b; video += 1) {
    const top = Math.floor(video / cols) * h;
    const left = (video % cols) * w;
    for (let frame = 0; frame < t; frame += 1) {
      for (let channel = 0; channel < c; channel += 1) {
        const source = (((video * t + frame) * c + channel) * h) * w;
        for (let y = 0; y < h; y += 1) {
          const target = ((frame * height + top + y) * width + left) * c + channel;
          for (let x = 0; x < w; x += 1) pixels[target + x * c] = data[source + y * w + x]!;
        }
      }
    }
  }
  return { count: t, width, height, channels: c, pixels };
}

const GRAY_PALETTE = Array.from({ length: 256 }, (_, v) => [v, v, v]);

/**
 * An animated GIF of `frames`, looping forever. Gray frames use a 256-gray palette; colour frames use
 * one exact palette when the whole video has at most 256 colours, else an exact palette per frame
 * when the frame has at most 256, else gifenc's quantizer for that frame.
 */
function encodeGif(frames: Frames, fps: number): Uint8Array {
  const { GIFEncoder } = loadGifenc();
  const gif = GIFEncoder();
  const delay = 1000 / fps;
  const frameSize = frames.width * frames.height * frames.channels;
  const global = frames.channels === 3 ? exactPalette(frames.pixels) : null;
  for (let i = 0; i < frames.count; i += 1) {
    const pixels = frames.pixels.subarray(i * frameSize, (i + 1) * frameSize);
    const { index, palette } = frames.channels === 1 ? { index: pixels, palette: GRAY_PALETTE } : global ? applyExact(pixels, global) : paletteFor(pixels);
    gif.writeFrame(index, frames.width, frames.height, { palette: i === 0 || (global === null && frames.channels === 3) ? palette : undefined, delay, repeat: 0 });
  }
  gif.finish();
  return gif.bytes();
}

interface ExactPalette {
  colors: number[][];
  lookup: Map<number, number>;
}

/** The distinct RGB colours of `rgb`, or null when there are more than 256. */
function exactPalette(rgb: Uint8Array): ExactPalette | null {
  const lookup = new Map<number, number>();
  const colors: number[][] = [];
  for (let i = 0; i < rgb.length; i += 3) {
    const key = (rgb[i]! << 16) | (rgb[i + 1]! << 8) | rgb[i + 2]!;
    if (lookup.has(key)) continue;
    if (colors.length === 256) return null;
    lookup.set(key, colors.length);
    colors.push([rgb[i]!, rgb[i + 1]!, rgb[i + 2]!]);
  }
  return { colors, lookup };
}

function applyExact(rgb: Uint8Array, palette: ExactPalette): { index: Uint8Array; palette: number[][] } {
  const index = new Uint8Array(rgb.length / 3);
  for (let p = 0, i = 0; p < index.length; p += 1, i += 3) index[p] = palette.lookup.get((rgb[i]! << 16) | (rgb[i + 1]! << 8) | rgb[i + 2]!)!;
  return { index, palette: palette.colors };
}

function paletteFor(rgb: Uint8Array): { index: Uint8Array; palette: number[][] } {
  const exact = exactPalette(rgb);
  if (exact) return applyExact(rgb, exact);
  const { quantize, applyPalette } = loadGifenc();
  const rgba = new Uint8Array((rgb.length / 3) * 4);
  for (let i = 0, o = 0; i < rgb.length; i += 3, o += 4) {
    rgba[o] = rgb[i]!;
    rgba[o + 1] = rgb[i + 1]!;
    rgba[o + 2] = rgb[i + 2]!;
    rgba[o + 3] = 255;
  }
  const palette = quantize(rgba, 256);
  return { index: applyPalette(rgba, palette), palette };
}
