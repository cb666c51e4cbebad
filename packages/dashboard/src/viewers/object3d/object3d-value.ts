/**
 * The files a logged `wandb.Object3D` value points at, and how each is read (by its extension).
 * Pure, so it runs under Node's test runner.
 *
 * One object is `{"_type": "object3D-file", "path", "sha256", "size", "caption"?}`; a list of them
 * arrives as an array of those, or as W&B's sequence value
 * `{"_type": "object3D", "count", "filenames", "objects"?: [...]}` (filenames relative to
 * `media/object3D/`).
 */

/** How a file is read: a JSON point cloud or one of three.js's mesh formats. */
export type Object3DKind = 'points' | 'obj' | 'gltf' | 'glb' | 'stl';

/** One file to show. */
export interface Object3DRef {
  path: string;
  sha256: string | null;
  size: number | null;
  caption: string | null;
  /** Null for an extension no loader reads. */
  kind: Object3DKind | null;
}

/** Where W&B's sequence value keeps its files. */
const MEDIA_DIR = 'media/object3D/';

const EXTENSIONS: [string, Object3DKind][] = [
  ['.pts.json', 'points'],
  ['.obj', 'obj'],
  ['.gltf', 'gltf'],
  ['.glb', 'glb'],
  ['.stl', 'stl'],
];

/** The reader of a file path, by its extension (case-insensitive), or null. */
export function kindOfPath(path: string): Object3DKind | null {
  const lower = path.toLowerCase();
  return EXTENSIONS.find(([ext]) => lower.endsWith(ext))?.[1] ?? null;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function refOf(value: unknown): Object3DRef | null {
  if (!isRecord(value) || typeof value.path !== 'string' || value.path === '') return null;
  return {
    path: value.path,
    sha256: typeof value.sha256 === 'string' ? value.sha256 : null,
    size: typeof value.size === 'number' ? value.size : null,
    caption: typeof value.caption === 'string' && value.caption !== '' ? value.caption : null,
    kind: kindOfPath(value.path),
  };
}

function refsOfSequence(value: Record<string, unknown>): Object3DRef[] {
  if (Array.isArray(value.objects)) return value.objects.map(refOf).filter((r): r is Object3DRef => r !== null);
  if (!Array.isArray(value.filenames)) return [];
  return value.filenames
    .filter((name): name is string => typeof name === 'string' && name !== '')
    .map((name) => refOf({ path: name.startsWith(MEDIA_DIR) ? name : `${MEDIA_DIR}${name}` })!);
}

/** The files of a logged value (one, a list, or W&B's sequence value); empty when it is none of these. */
export function object3DRefs(value: unknown): Object3DRef[] {
  if (Array.isArray(value)) return value.flatMap((item) => object3DRefs(item));
  if (!isRecord(value)) return [];
  if (value._type === 'object3D') return refsOfSequence(value);
  const ref = refOf(value);
  return ref ? [ref] : [];
}

/** `data-state` of the 3D panel and of each of its files. */
export type Object3DState = 'loading' | 'ready' | 'error';

/**
 * The panel's state from its files' (undefined: not reported yet): loading while any loads, then
 * error when any failed (or there is no file at all), else ready.
 */
export function panelState(states: readonly (Object3DState | undefined)[]): Object3DState {
  if (states.length === 0) return 'error';
  if (states.some((s) => s === undefined || s === 'loading')) return 'loading';
  return states.includes('error') ? 'error' : 'ready';
}
