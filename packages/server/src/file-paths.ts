/**
 * Run file paths as clients name them ("media/images/x_1_ab.png", "code/train.py") and where their
 * bytes live. A client path is validated and never joined to a filesystem path: the bytes of a file
 * are stored under <data dir>/files/<run id>/<sha256 of the path>.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Why `path` is not an acceptable run file path, or null when it is (the protocol's rule, shared with clients). */
export { invalidRunFilePath as invalidFilePath } from '@wandb-daemon/protocol';

/** The blob name (relative to the files dir) for a run's file. */
export function blobName(runId: number, path: string): string {
  return `${runId}/${createHash('sha256').update(path, 'utf8').digest('hex')}`;
}

/** The absolute location of a blob under `filesDir`. */
export function blobLocation(filesDir: string, blob: string): string {
  // Blob names are ours (digits/hex), checked again so that a corrupted row cannot escape the dir.
  if (!/^\d+\/[0-9a-f]{64}$/.test(blob)) throw new Error(`bad blob name ${blob}`);
  return join(filesDir, blob);
}

const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  txt: 'text/plain; charset=utf-8',
  log: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  py: 'text/x-python; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  // Images (wandb.Image writes png, jpg, gif; users save the others).
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  // Video (wandb.Video: gif, mp4, webm, ogg).
  mp4: 'video/mp4',
  webm: 'video/webm',
  ogv: 'video/ogg',
  ogg: 'video/ogg',
  mov: 'video/quicktime',
  // Audio (wandb.Audio writes wav).
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
  // 3D (wandb.Object3D: gltf, glb, obj, stl, babylon, and point clouds as .pts.json).
  gltf: 'model/gltf+json',
  glb: 'model/gltf-binary',
  obj: 'model/obj',
  stl: 'model/stl',
  babylon: 'application/json',
  pt: 'application/octet-stream',
};

/** The content type to serve a run file with, from its extension. */
export function contentTypeOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name.endsWith('.table.json')) return 'application/json';
  const dot = name.lastIndexOf('.');
  return (dot > 0 && CONTENT_TYPES[name.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}
