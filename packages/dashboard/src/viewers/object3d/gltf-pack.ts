/**
 * glTF into one self-contained GLB before three.js's GLTFLoader sees it. Pure (no DOM), so it runs
 * under Node's test runner.
 *
 * Why: the dashboard's CSP allows `fetch` of same-origin URLs only (`connect-src 'self'`), and
 * run files need the API key, so GLTFLoader must never fetch. It fetches a buffer given as a
 * `data:` or relative URI, and a relative image URI. Packing every buffer and image into the GLB's
 * binary chunk (relative files read through the caller's `resolve`) leaves it nothing to fetch;
 * images in buffer views become `blob:` URLs for an `<img>` (allowed by `img-src`).
 */

/** The glTF JSON, as far as packing looks at it. */
export interface GltfJson {
  buffers?: { uri?: string; byteLength: number; [key: string]: unknown }[];
  bufferViews?: { buffer: number; byteOffset?: number; byteLength: number; [key: string]: unknown }[];
  images?: { uri?: string; bufferView?: number; mimeType?: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

/** A GLB's parts: the JSON chunk and the binary chunk (null when absent). */
export interface GlbParts {
  json: GltfJson;
  bin: Uint8Array | null;
}

/** A file that is not valid glTF, or names a resource that cannot be read. */
export class GltfError extends Error {
  override name = 'GltfError';
}

const GLB_MAGIC = 0x46546c67; // "glTF"
const CHUNK_JSON = 0x4e4f534a; // "JSON"
const CHUNK_BIN = 0x004e4942; // "BIN\0"

const align4 = (n: number) => (n + 3) & ~3;

/** Splits a GLB (version 2) into its JSON and binary chunks. */
export function parseGlb(buffer: ArrayBuffer): GlbParts {
  const view = new DataView(buffer);
  if (buffer.byteLength < 20 || view.getUint32(0, true) !== GLB_MAGIC) throw new GltfError('not a GLB file (bad magic)');
  if (view.getUint32(4, true) !== 2) throw new GltfError(`GLB version ${view.getUint32(4, true)} is not supported (only 2)`);
  const total = Math.min(view.getUint32(8, true), buffer.byteLength);
  let json: GltfJson | null = null;
  let bin: Uint8Array | null = null;
  for (let offset = 12; offset + 8 <= total; ) {
    const length = view.getUint32(offset, true);
    const type = view.getUint32(offset + 4, true);
    const start = offset + 8;
    if (start + length > total) throw new GltfError('GLB chunk runs past the end of the file');
    if (type === CHUNK_JSON && !json) json = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, start, length))) as GltfJson;
    else if (type === CHUNK_BIN && !bin) bin = new Uint8Array(buffer, start, length);
    offset = start + align4(length);
  }
  if (!json) throw new GltfError('GLB without a JSON chunk');
  return { json, bin };
}

/** A GLB of `json` and `bin` (both chunks padded to 4 bytes as the format requires). */
export function buildGlb(json: GltfJson, bin: Uint8Array): ArrayBuffer {
  const text = new TextEncoder().encode(JSON.stringify(json));
  const jsonLength = align4(text.length);
  const binLength = align4(bin.length);
  const total = 12 + 8 + jsonLength + (binLength > 0 ? 8 + binLength : 0);
  const out = new ArrayBuffer(total);
  const view = new DataView(out);
  const bytes = new Uint8Array(out);
  view.setUint32(0, GLB_MAGIC, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, total, true);
  view.setUint32(12, jsonLength, true);
  view.setUint32(16, CHUNK_JSON, true);
  bytes.set(text, 20);
  bytes.fill(0x20, 20 + text.length, 20 + jsonLength); // JSON pads with spaces
  if (binLength > 0) {
    const at = 20 + jsonLength;
    view.setUint32(at, binLength, true);
    view.setUint32(at + 4, CHUNK_BIN, true);
    bytes.set(bin, at + 8); // the rest stays zero
  }
  return out;
}

/** The bytes and media type of a `data:` URI, or null for any other URI. */
export function decodeDataUri(uri: string): { mimeType: string; bytes: Uint8Array } | null {
  const match = /^data:([^,]*?)(;base64)?,(.*)$/s.exec(uri);
  if (!match) return null;
  const mimeType = (match[1] ?? '').split(';')[0] || 'application/octet-stream';
  const payload = match[3] ?? '';
  if (match[2]) {
    const binary = atob(payload.replace(/\s+/g, ''));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return { mimeType, bytes };
  }
  return { mimeType, bytes: new TextEncoder().encode(decodeURIComponent(payload)) };
}

/**
 * The run-file path of `uri` relative to the file at `basePath` (`media/object3D/a.gltf` +
 * `tex/b.png` → `media/object3D/tex/b.png`). Throws for absolute URLs and for paths that leave the
 * run's files.
 */
export function resolveRelative(basePath: string, uri: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/')) throw new GltfError(`external resource not loaded: ${uri}`);
  const parts = basePath.split('/').slice(0, -1);
  for (const part of decodeURIComponent(uri).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new GltfError(`resource outside the run's files: ${uri}`);
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

const IMAGE_TYPES: [RegExp, string][] = [
  [/\.png$/i, 'image/png'],
  [/\.jpe?g$/i, 'image/jpeg'],
  [/\.webp$/i, 'image/webp'],
  [/\.ktx2$/i, 'image/ktx2'],
];

/** Reads what a URI names: a `data:` URI in place, anything else through `resolve`. */
async function readUri(uri: string, resolve: (uri: string) => Promise<ArrayBuffer>): Promise<{ mimeType: string | null; bytes: Uint8Array }> {
  const data = decodeDataUri(uri);
  if (data) return data;
  const mimeType = IMAGE_TYPES.find(([pattern]) => pattern.test(uri.split(/[?#]/)[0]!))?.[1] ?? null;
  return { mimeType, bytes: new Uint8Array(await resolve(uri)) };
}

/** Collects byte ranges into one binary chunk, each starting on a 4-byte boundary. */
class BinWriter {
  private parts: Uint8Array[] = [];
  length = 0;
  /** Appends `bytes` and returns their offset. */
  add(bytes: Uint8Array): number {
    const offset = align4(this.length);
    if (offset > this.length) this.parts.push(new Uint8Array(offset - this.length));
    this.parts.push(bytes);
    this.length = offset + bytes.length;
    return offset;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(align4(this.length));
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

/**
 * One GLB holding everything `json` refers to: buffers (the GLB's own `bin`, `data:` URIs, or
 * relative files read through `resolve`) merged into one, and images given by URI moved into
 * buffer views. `resolve` gets the URI as written in the file.
 */
export async function packGltf(json: GltfJson, bin: Uint8Array | null, resolve: (uri: string) => Promise<ArrayBuffer>): Promise<ArrayBuffer> {
  const out: GltfJson = structuredClone(json);
  const writer = new BinWriter();
  const offsets: number[] = [];
  for (const [index, buffer] of (out.buffers ?? []).entries()) {
    if (buffer.uri === undefined) {
      if (!bin) throw new GltfError(`buffer ${index} has no uri and there is no GLB binary chunk`);
      offsets.push(writer.add(bin));
    } else offsets.push(writer.add((await readUri(buffer.uri, resolve)).bytes));
  }
  for (const view of out.bufferViews ?? []) {
    const offset = offsets[view.buffer];
    if (offset === undefined) throw new GltfError(`bufferView names buffer ${view.buffer}, which does not exist`);
    view.byteOffset = (view.byteOffset ?? 0) + offset;
    view.buffer = 0;
  }
  for (const image of out.images ?? []) {
    if (image.uri === undefined) continue;
    const { mimeType, bytes } = await readUri(image.uri, resolve);
    out.bufferViews = out.bufferViews ?? [];
    out.bufferViews.push({ buffer: 0, byteOffset: writer.add(bytes), byteLength: bytes.length });
    image.bufferView = out.bufferViews.length - 1;
    image.mimeType = image.mimeType ?? mimeType ?? 'image/png';
    delete image.uri;
  }
  const merged = writer.bytes();
  if (merged.length > 0) out.buffers = [{ byteLength: merged.length }];
  else delete out.buffers;
  return buildGlb(out, merged);
}
