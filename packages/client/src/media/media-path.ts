/**
 * Where a logged value's file lives in the run: `media/<kind>/<key>_<step>_<id>.<ext>`, W&B's naming
 * (`Media.bind_to_run`). The key may contain '/', which W&B keeps as subfolders; anything the
 * protocol refuses in a path (empty, '.' or '..' segments, a leading '/', backslashes) or a file
 * system would (control characters, names past 255 bytes) is replaced, so a weird key never makes
 * logging fail.
 */

/** Longest key kept, in UTF-16 units: the path must stay within the protocol's 1024. */
const MAX_KEY_CHARS = 800;
/** Longest folder or file-name stem taken from the key, in UTF-8 bytes (file systems allow 255). */
const MAX_SEGMENT_BYTES = 180;

/** The folder under `media/` for each kind of value, as W&B names them. */
export type MediaKind = 'images' | 'videos' | 'audio' | 'html' | 'object3D' | 'table' | 'graph';

/** `key` made safe for a relative file path; '/' separates folders, as in W&B. */
export function sanitizeMediaKey(key: string): string {
  const cleaned = truncateChars(key, MAX_KEY_CHARS)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '_')
    .replace(/\\/g, '/');
  const segments = cleaned
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (segment === '.' || segment === '..' ? segment.replace(/\./g, '_') : truncateBytes(segment, MAX_SEGMENT_BYTES)));
  return segments.length === 0 ? '_' : segments.join('/');
}

/** The run-relative path of a value's file: `media/<kind>/<key>_<step>_<id>.<extension>`. */
export function mediaPath(kind: MediaKind, key: string, step: number | 'summary', id: string, extension: string): string {
  return `${mediaPathPrefix(kind)}${sanitizeMediaKey(key)}_${step}_${id}.${extension}`;
}

function truncateChars(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.charCodeAt(max - 1);
  return text.slice(0, cut >= 0xd800 && cut <= 0xdbff ? max - 1 : max); // never split a surrogate pair
}

function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return text.slice(0, end);
}

/** `media/<kind>/`, the folder every file of that kind is in. */
export function mediaPathPrefix(kind: MediaKind): string {
  return `media/${kind}/`;
}
