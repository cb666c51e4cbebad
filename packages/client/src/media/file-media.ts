/**
 * The base of values stored as a file next to the run (Image, Video, Audio, Html, Object3D): the
 * bytes are produced once, in the constructor, and named only when logged, because the name holds
 * the key and the step (`media/images/<key>_<step>_<sha256[:20]>.png`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MAX_MEDIA_BYTES } from '@wandb-daemon/protocol/lite';
import { mediaPath, mediaPathPrefix, type MediaKind } from './media-path.js';
import { WBValue, type MediaContext } from './wb-value.js';


/** Hex sha256 of `bytes`. */
function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Throws a RangeError when `bytes` is too large to be sent as one media file. */
export function checkMediaSize(bytes: Uint8Array, what: string): void {
  if (bytes.length > MAX_MEDIA_BYTES) {
    const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
    throw new RangeError(`${what} is ${mib(bytes.length)}; a logged media file is at most ${mib(MAX_MEDIA_BYTES)}`);
  }
}

/** The bytes of a file the caller named, read now (the caller may change or delete it later). */
export function readMediaFile(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TypeError(`${what}: cannot read ${JSON.stringify(path)} (${code ?? (error as Error).message})`);
  }
}

/** A copy of caller-owned bytes as a plain Uint8Array (the caller may reuse its buffer). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** The fields every file value's JSON starts with, in W&B's order (`Media.to_json`). */
export type MediaFileJson = { _type: string; sha256: string; size: number; path: string };

/**
 * Names `bytes` for `ctx` and registers the file: `media/<kind>/<key>_<step>_<sha256[:20]>.<extension>`,
 * or `media/<kind>/<sha256[:20]>.<extension>` in a table (`ctx.byContent`). Returns the first fields
 * of the value's JSON.
 */
export function mediaFileJson(ctx: MediaContext, type: string, kind: MediaKind, bytes: Uint8Array, extension: string, sha256 = sha256Hex(bytes)): MediaFileJson {
  const id = sha256.slice(0, 20);
  const path = ctx.byContent ? `${mediaPathPrefix(kind)}${id}.${extension}` : mediaPath(kind, ctx.key, ctx.step, id, extension);
  ctx.addFile({ path, bytes, sha256 });
  return { _type: type, sha256, size: bytes.length, path };
}

/** A value logged as one file under `media/<kind>/`. */
export abstract class FileMedia extends WBValue {
  /** Hex sha256 of the file. */
  readonly sha256: string;

  protected constructor(
    /** The file's bytes, encoded in the constructor. */
    readonly bytes: Uint8Array,
    /** The file's extension without the dot (`png`, `pts.json`). */
    readonly extension: string,
    readonly caption: string | undefined,
    what: string,
  ) {
    super();
    checkMediaSize(bytes, what);
    if (caption !== undefined && typeof caption !== 'string') throw new TypeError(`${what} caption must be a string, got ${typeof caption}`);
    this.sha256 = sha256Hex(bytes);
  }

  /** The folder under `media/` (W&B's `get_media_subdir`). */
  protected abstract readonly kind: MediaKind;

  /** The file's size in bytes. */
  get size(): number {
    return this.bytes.length;
  }

  /** Names the file for `ctx`, registers it, and returns the first fields of the JSON ({@link mediaFileJson}). */
  protected fileJson(ctx: MediaContext): MediaFileJson {
    return mediaFileJson(ctx, this.wandbType, this.kind, this.bytes, this.extension, this.sha256);
  }

  /** True when the value has a caption to show (W&B skips an empty one). */
  get hasCaption(): boolean {
    return this.caption !== undefined && this.caption !== '';
  }

  /** `caption` as a JSON field, when there is one. */
  protected captionJson(): { caption?: string } {
    return this.hasCaption ? { caption: this.caption! } : {};
  }
}
