/**
 * `Object3D` (W&B's `wandb.Object3D`): a 3D model file (obj, gltf, glb, babylon, stl), a point cloud,
 * or a lidar scene. Point clouds and scenes are written as `.pts.json`, the JSON W&B's 3D panel reads.
 */
import { copyBytes, FileMedia, readMediaFile } from './file-media.js';
import { mediaPathPrefix } from './media-path.js';
import { isNumericArrayView, toNdArray, type ShapedData, type TensorLike } from './ndarray.js';
import type { MediaContext, WBValue } from './wb-value.js';

/** File formats W&B's 3D panel reads (`Object3D.SUPPORTED_TYPES`). */
export type Object3DFormat = 'obj' | 'gltf' | 'glb' | 'babylon' | 'stl' | 'pts.json';

const FORMATS: readonly Object3DFormat[] = ['obj', 'gltf', 'glb', 'babylon', 'stl', 'pts.json'];

/** Points of a cloud: N×3 (x, y, z), N×4 (x, y, z, category 1–14) or N×6 (x, y, z, r, g, b). */
export type PointCloud = number[][] | ShapedData | TensorLike;

/** W&B's lidar scene: points plus optional boxes (`{corners, label, color, score}`) and vectors (`{start, end}`). */
export interface LidarScene {
  type: 'lidar/beta';
  points: PointCloud;
  boxes?: readonly unknown[];
  vectors?: readonly unknown[];
}

/** What an Object3D is made from. */
export type Object3DInput = string | Uint8Array | PointCloud | LidarScene;

/** Options of `new Object3D(...)`; W&B's `file_type` is accepted too. */
export interface Object3DOptions {
  /** Shown with the object. */
  caption?: string;
  /** The format of bytes (required for bytes; a path's extension names its format). */
  format?: Object3DFormat;
  fileType?: Object3DFormat;
  file_type?: Object3DFormat;
}

/**
 * A 3D object, logged as `{"_type": "object3D-file", "path": "media/object3D/<key>_<step>_<sha20>.<ext>",
 * "sha256", "size"}` plus `caption`.
 */
export class Object3D extends FileMedia {
  readonly wandbType = 'object3D-file';
  protected readonly kind = 'object3D';
  readonly format: Object3DFormat;

  constructor(data: Object3DInput, options: Object3DOptions = {}) {
    const object = encodeObject(data, options.format ?? options.fileType ?? options.file_type);
    super(object.bytes, object.format, options.caption, 'Object3D');
    this.format = object.format;
  }

  toWandbJson(ctx: MediaContext): Record<string, unknown> {
    return { ...this.fileJson(ctx), ...this.captionJson() };
  }

  /** W&B's `object3D`: file names relative to `media/object3D/`, and every object's JSON. */
  static seqToWandbJson(items: readonly WBValue[], ctx: MediaContext): Record<string, unknown> {
    const objects = items.map((item) => item.toWandbJson(ctx) as { path: string });
    const prefix = mediaPathPrefix('object3D');
    return { _type: 'object3D', filenames: objects.map((object) => object.path.slice(prefix.length)), count: objects.length, objects };
  }
}

function encodeObject(data: Object3DInput, format: Object3DFormat | undefined): { bytes: Uint8Array; format: Object3DFormat } {
  if (format !== undefined && !FORMATS.includes(format)) throw new TypeError(`Object3D format must be one of ${FORMATS.join(', ')}; got ${String(format)}`);
  if (typeof data === 'string') {
    const extension = FORMATS.find((candidate) => data.toLowerCase().endsWith(`.${candidate}`));
    if (extension === undefined) throw new TypeError(`Object3D files must be ${FORMATS.join(', ')} (by extension); got ${JSON.stringify(data)}`);
    return { bytes: readMediaFile(data, 'Object3D'), format: extension };
  }
  if (data instanceof Uint8Array) {
    if (format === undefined) throw new TypeError(`Object3D bytes need { format } (one of ${FORMATS.join(', ')})`);
    return { bytes: copyBytes(data), format };
  }
  if (isScene(data)) return { bytes: json(sceneJson(data)), format: 'pts.json' };
  return { bytes: json(points(data, 'Object3D')), format: 'pts.json' };
}

function isScene(data: unknown): data is LidarScene {
  return typeof data === 'object' && data !== null && !Array.isArray(data) && 'type' in data;
}

/** The scene as W&B writes it: keys sorted, missing lists empty. */
function sceneJson(scene: LidarScene): Record<string, unknown> {
  if (scene.type !== 'lidar/beta') throw new TypeError(`Object3D scene type must be 'lidar/beta', the only one W&B supports; got ${JSON.stringify(scene.type)}`);
  for (const list of ['boxes', 'vectors'] as const) {
    if (scene[list] !== undefined && !Array.isArray(scene[list])) throw new TypeError(`Object3D scene ${list} must be an array`);
  }
  return { boxes: scene.boxes ?? [], points: scene.points === undefined ? [] : points(scene.points, 'Object3D scene points'), type: scene.type, vectors: scene.vectors ?? [] };
}

/** The points as rows, checked to be N×3, N×4 or N×6. */
function points(data: unknown, what: string): number[][] {
  const array = toNdArray(data, what);
  if (array === null) throw new TypeError(`${what} needs a file path, bytes with { format }, points (N×3, N×4 or N×6 as nested arrays, { data, shape } or a tensor) or a { type: 'lidar/beta', points } scene`);
  const [rows = 0, columns = 0] = array.shape;
  if (array.shape.length !== 2 || ![3, 4, 6].includes(columns)) {
    throw new TypeError(`${what} must be N×3 (x y z), N×4 (x y z category) or N×6 (x y z r g b); got shape [${array.shape.join(', ')}]`);
  }
  return Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_v, c) => array.data[r * columns + c]!));
}

/** Compact JSON of `value`, typed arrays written as arrays. */
function json(value: unknown): Uint8Array {
  const text = JSON.stringify(value, (_key, item: unknown) => (isNumericArrayView(item) ? Array.from(item) : item));
  return new TextEncoder().encode(text);
}
