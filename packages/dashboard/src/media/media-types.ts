/**
 * W&B typed values (`{"_type": ...}`) as the run page shows them: which panel a `_type` gets, and
 * readers that take a logged value apart defensively (values come from users' processes). Pure,
 * for unit tests under Node.
 */

/** The panels of the media area; `other` shows a typed value it does not know as JSON. */
export type MediaKind = 'image' | 'images' | 'histogram' | 'table' | 'video' | 'audio' | 'html' | 'object3d' | 'graph' | 'other';

const KINDS: Readonly<Record<string, MediaKind>> = {
  'image-file': 'image',
  'images/separated': 'images',
  images: 'images',
  histogram: 'histogram',
  'table-file': 'table',
  'video-file': 'video',
  videos: 'video',
  'audio-file': 'audio',
  audio: 'audio',
  'html-file': 'html',
  'object3D-file': 'object3d',
  object3D: 'object3d',
  'graph-file': 'graph',
};

/** History key types that are not media: numbers are charted, plain JSON is left to the tables. */
const PLAIN_TYPES: ReadonlySet<string> = new Set(['number', 'json']);

/** The panel of a history key type or `_type`; null for numbers, plain JSON or no type. */
export function mediaKindOf(type: string | undefined): MediaKind | null {
  if (type === undefined || type === '' || PLAIN_TYPES.has(type)) return null;
  return Object.hasOwn(KINDS, type) ? KINDS[type]! : 'other';
}

/** The `_type` of a typed value, or null. */
export function typeOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const type = (value as { _type?: unknown })._type;
  return typeof type === 'string' && type !== '' ? type : null;
}

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const strings = (value: unknown): (string | null)[] => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : v === null || v === undefined ? null : String(v))) : []);

/** One file to show: an image, a video, an audio clip... */
export interface MediaItem {
  /** The run file path (`media/images/...`). */
  path: string;
  caption: string | null;
  width: number | null;
  height: number | null;
}

/** A file-backed value (`image-file`, `video-file`, `audio-file`, `html-file`, `object3D-file`, `graph-file`, `table-file`). */
export function fileItem(value: unknown): MediaItem | null {
  const v = record(value);
  const path = str(v.path);
  return path === null ? null : { path, caption: str(v.caption), width: num(v.width), height: num(v.height) };
}

/** Where W&B's list values of file-backed values keep the items (`{"_type": "audio", "audio": [...]}`). */
const LIST_FIELDS: Readonly<Record<string, string>> = { audio: 'audio', videos: 'videos' };

/**
 * The files of a value, in order: one for a file-backed value, every image of `images/separated`
 * (filenames with their captions), every clip of an `audio` or `videos` list. Entries without a
 * path are skipped.
 */
export function mediaItems(value: unknown): MediaItem[] {
  const v = record(value);
  const type = typeOf(value);
  if (type === 'images/separated' || type === 'images') {
    const captions = strings(v.captions);
    const width = num(v.width);
    const height = num(v.height);
    return strings(v.filenames).flatMap((path, i) => (path ? [{ path, caption: captions[i] ?? null, width, height }] : []));
  }
  const list = type !== null && Object.hasOwn(LIST_FIELDS, type) ? v[LIST_FIELDS[type]!] : undefined;
  if (Array.isArray(list)) {
    const captions = strings(v.captions);
    return list.flatMap((clip, i) => {
      const item = fileItem(clip);
      return item ? [{ ...item, caption: item.caption ?? captions[i] ?? null }] : [];
    });
  }
  const item = fileItem(value);
  return item ? [item] : [];
}

/** The lower-case file extension of a path (`gif`, `mp4`, `json`), or ''. */
export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** True for video files a `<video>` cannot play but an `<img>` can (W&B writes GIFs by default). */
export const isGif = (path: string) => extensionOf(path) === 'gif';
