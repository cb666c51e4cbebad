/**
 * `Image` (W&B's `wandb.Image`): PNG, JPEG or GIF bytes or a file, kept as they are; or pixels
 * (nested arrays, `{ data, shape }` or a TensorFlow.js tensor, H×W or H×W×C with C = 1, 3 or 4),
 * encoded as PNG in the constructor. Logged as an `image-file`; a list of images as
 * `images/separated`.
 */
import { loadImageSize } from './codecs.js';
import { copyBytes, FileMedia, readMediaFile } from './file-media.js';
import { toNdArray, type ShapedData, type TensorLike } from './ndarray.js';
import { convertChannels, encodePng, modeChannels, modeOf, toUint8Image, type ImageMode } from './pixels.js';
import type { MediaContext, WBValue } from './wb-value.js';

/** Encoded formats an Image keeps as they are; W&B's web app shows all three. */
export type ImageFormat = 'png' | 'jpg' | 'gif';

/** What an Image is made from. */
export type ImageInput = string | Uint8Array | number[][] | number[][][] | ShapedData | TensorLike;

/** Options of `new Image(...)`. */
export interface ImageOptions {
  /** Shown under the image. */
  caption?: string;
  /**
   * For pixels: the PNG's colour mode, converting the channels as PIL's `convert` does (default: L
   * for 1 channel, RGB for 3, RGBA for 4). Ignored for encoded bytes and files.
   */
  mode?: ImageMode;
}

const FORMATS: Record<string, ImageFormat> = { png: 'png', jpg: 'jpg', gif: 'gif' };

/**
 * An image, logged as `{"_type": "image-file", "path": "media/images/<key>_<step>_<sha20>.<ext>",
 * "sha256", "size", "format", "width", "height"}` plus `caption`.
 *
 * A string is a file path (read now; its format comes from its content). A Uint8Array is an encoded
 * PNG, JPEG or GIF file. Pixels are 0–255 numbers, or 0–1 floats (W&B's rule: data whose maximum is
 * at most 1 is scaled by 255; data with negative values is first rescaled to 0–1).
 */
export class Image extends FileMedia {
  readonly wandbType = 'image-file';
  protected readonly kind = 'images';
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;

  constructor(data: ImageInput, options: ImageOptions = {}) {
    const encoded = encodeImage(data, options.mode);
    super(encoded.bytes, encoded.format, options.caption, 'Image');
    this.format = encoded.format;
    this.width = encoded.width;
    this.height = encoded.height;
  }

  toWandbJson(ctx: MediaContext): Record<string, unknown> {
    return { ...this.fileJson(ctx), format: this.format, width: this.width, height: this.height, ...this.captionJson() };
  }

  /**
   * W&B's `images/separated`: one file per image, named in `filenames`; width, height and format of
   * the first; `captions` when some image has one (null for the others, as W&B writes them).
   */
  static seqToWandbJson(items: readonly WBValue[], ctx: MediaContext): Record<string, unknown> {
    const images = items as readonly Image[];
    const first = images[0]!;
    const filenames = images.map((image) => (image.toWandbJson(ctx) as { path: string }).path);
    const captioned = images.some((image) => image.hasCaption);
    return {
      _type: 'images/separated',
      width: first.width,
      height: first.height,
      format: first.format,
      count: images.length,
      filenames,
      ...(captioned ? { captions: images.map((image) => (image.hasCaption ? image.caption! : null)) } : {}),
    };
  }
}

interface EncodedImage {
  bytes: Uint8Array;
  format: ImageFormat;
  width: number;
  height: number;
}

function encodeImage(data: ImageInput, mode: ImageMode | undefined): EncodedImage {
  if (mode !== undefined && !['L', 'RGB', 'RGBA'].includes(mode)) throw new TypeError(`Image mode must be 'L', 'RGB' or 'RGBA', got ${String(mode)}`);
  if (typeof data === 'string') return identify(readMediaFile(data, 'Image'), `the file ${JSON.stringify(data)} holds`);
  if (data instanceof Uint8Array) return identify(copyBytes(data), 'the bytes given hold');
  const array = toNdArray(data, 'Image');
  if (array === null) throw new TypeError(`Image needs a file path, PNG/JPEG/GIF bytes, pixels (nested arrays or { data, shape }) or a tensor; got ${describe(data)}`);
  const [height, width, channels = 1] = array.shape;
  const rank = array.shape.length;
  if ((rank !== 2 && rank !== 3) || ![1, 3, 4].includes(channels) || !height || !width) {
    throw new TypeError(`Image pixels must be H×W or H×W×C with C = 1, 3 or 4, and H, W ≥ 1; got shape [${array.shape.join(', ')}]`);
  }
  const from = channels as 1 | 3 | 4;
  const to = modeChannels(mode ?? modeOf(from));
  const pixels = convertChannels(toUint8Image(array.data), from, to);
  return { bytes: encodePng(pixels, width, height, to), format: 'png', width, height };
}

/** Format and size of encoded image bytes, read from the content. */
function identify(bytes: Uint8Array, what: string): EncodedImage {
  let found: { type?: string; width?: number; height?: number } | undefined;
  try {
    found = loadImageSize().imageSize(bytes);
  } catch {
    found = undefined;
  }
  const format = found?.type === undefined ? undefined : FORMATS[found.type];
  if (format === undefined || !found?.width || !found.height) {
    throw new TypeError(`Image: ${what} no PNG, JPEG or GIF image${found?.type ? ` (found ${found.type})` : ''}; raw pixels need a shape: pass { data, shape: [height, width, channels] }`);
  }
  return { bytes, format, width: found.width, height: found.height };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}
