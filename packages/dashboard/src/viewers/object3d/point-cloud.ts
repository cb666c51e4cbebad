/**
 * W&B point clouds (`.pts.json` files of `wandb.Object3D`): parsing into flat arrays three.js can
 * draw, box edges and bounds. Pure (no three.js, no DOM), so it runs under Node's test runner.
 *
 * The file holds either an array of points, each `[x, y, z]`, `[x, y, z, category]` or
 * `[x, y, z, r, g, b]` (0–255), or W&B's scene object
 * `{type: 'lidar/beta', points, boxes?: [{corners: 8×[x,y,z], label?, color?, score?}],
 *   vectors?: [{start?, end, color?}]}`.
 */
import { boundsOfTriples, mergeBounds, type Bounds, type Vec3 } from './bounds.js';

/** An sRGB colour, 0–255 per channel. */
export type Rgb = [number, number, number];

/** A labelled 3D box (eight corners, in any order). */
export interface SceneBox {
  corners: Vec3[];
  label: string | null;
  color: Rgb;
  score: number | null;
}

/** An arrow from `start` to `end`. */
export interface SceneVector {
  start: Vec3;
  end: Vec3;
  color: Rgb;
}

/** A parsed point cloud: what the viewer draws and the tests count. */
export interface PointCloud {
  /** Points kept (rows with a finite x, y and z). */
  count: number;
  /** xyz of each point, `3 × count` values. */
  positions: Float32Array;
  /** sRGB of each point, `3 × count` bytes; null when no point carries a category or colour. */
  colors: Uint8Array | null;
  boxes: SceneBox[];
  vectors: SceneVector[];
  /** Bounds of points, box corners and vectors; null when there is nothing. */
  bounds: Bounds | null;
}

/** A file that is not a point cloud W&B writes. */
export class PointCloudError extends Error {
  override name = 'PointCloudError';
}

/** Colour of points without a category or colour, when others have one (the dashboard's blue). */
export const DEFAULT_POINT_RGB: Rgb = [31, 119, 180];
/** Colour of boxes without one. */
export const DEFAULT_BOX_RGB: Rgb = [214, 39, 40];
/** Colour of vectors without one. */
export const DEFAULT_VECTOR_RGB: Rgb = [255, 127, 14];

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const clampByte = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

/**
 * Colours of point categories, by category modulo its length (Tableau 20: distinct pairs). Its own
 * list rather than the run palette's module, so the lazily loaded 3D chunk shares no code with the
 * app bundle (a shared module would become a third file every page load waits for).
 */
export const CATEGORY_PALETTE: readonly Rgb[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
  [174, 199, 232], [255, 187, 120], [152, 223, 138], [255, 152, 150], [197, 176, 213],
  [196, 156, 148], [247, 182, 210], [199, 199, 199], [219, 219, 141], [158, 218, 229],
];

/** The palette colour of a category (categories are small integers; others are rounded). */
function categoryColor(category: number): Rgb {
  return CATEGORY_PALETTE[Math.abs(Math.round(category)) % CATEGORY_PALETTE.length]!;
}

/** `[x, y, z]` of a value, or null when it is not three finite numbers. */
function vec3Of(value: unknown): Vec3 | null {
  if (!Array.isArray(value) || value.length < 3) return null;
  const [x, y, z] = value as unknown[];
  return finite(x) && finite(y) && finite(z) ? [x, y, z] : null;
}

/** A colour given as `[r, g, b]` 0–255, or the fallback. */
function rgbOf(value: unknown, fallback: Rgb): Rgb {
  if (!Array.isArray(value) || value.length < 3 || !value.slice(0, 3).every(finite)) return fallback;
  return [clampByte(value[0] as number), clampByte(value[1] as number), clampByte(value[2] as number)];
}

/** The colour a point row carries: rgb from 6 values, a category from 4, none from 3. */
function rowColor(row: readonly unknown[]): Rgb | null {
  if (row.length >= 6 && row.slice(3, 6).every(finite)) return rgbOf(row.slice(3, 6), DEFAULT_POINT_RGB);
  if (row.length >= 4 && finite(row[3])) return categoryColor(row[3]);
  return null;
}

function parsePoints(rows: unknown): Pick<PointCloud, 'count' | 'positions' | 'colors'> {
  if (!Array.isArray(rows)) throw new PointCloudError('points must be an array of [x, y, z, ...] rows');
  const positions = new Float32Array(rows.length * 3);
  const colors = new Uint8Array(rows.length * 3);
  let count = 0;
  let colored = false;
  for (const row of rows) {
    const xyz = vec3Of(row);
    if (!xyz) continue;
    positions.set(xyz, count * 3);
    const rgb = rowColor(row as unknown[]);
    if (rgb) colored = true;
    colors.set(rgb ?? DEFAULT_POINT_RGB, count * 3);
    count++;
  }
  return { count, positions: positions.subarray(0, count * 3), colors: colored ? colors.subarray(0, count * 3) : null };
}

function parseBox(value: unknown): SceneBox | null {
  if (typeof value !== 'object' || value === null) return null;
  const box = value as { corners?: unknown; label?: unknown; color?: unknown; score?: unknown };
  const corners = Array.isArray(box.corners) ? box.corners.map(vec3Of) : [];
  if (corners.length !== 8 || corners.some((c) => c === null)) return null;
  return {
    corners: corners as Vec3[],
    label: typeof box.label === 'string' || finite(box.label) ? String(box.label) : null,
    color: rgbOf(box.color, DEFAULT_BOX_RGB),
    score: finite(box.score) ? box.score : null,
  };
}

function parseVector(value: unknown): SceneVector | null {
  if (typeof value !== 'object' || value === null) return null;
  const vector = value as { start?: unknown; end?: unknown; color?: unknown };
  const end = vec3Of(vector.end);
  if (!end) return null;
  return { start: vec3Of(vector.start) ?? [0, 0, 0], end, color: rgbOf(vector.color, DEFAULT_VECTOR_RGB) };
}

/** Keeps the items `parse` accepts (invalid boxes or vectors are skipped, not fatal). */
function listOf<T>(value: unknown, parse: (item: unknown) => T | null): T[] {
  if (!Array.isArray(value)) return [];
  return value.map(parse).filter((item): item is T => item !== null);
}

function boundsOf(cloud: Omit<PointCloud, 'bounds'>): Bounds | null {
  let bounds = boundsOfTriples(cloud.positions);
  for (const box of cloud.boxes) bounds = mergeBounds(bounds, boundsOfTriples(box.corners.flat()));
  for (const vector of cloud.vectors) bounds = mergeBounds(bounds, boundsOfTriples([...vector.start, ...vector.end]));
  return bounds;
}

/** Parses the JSON of a `.pts.json` file (see the module comment); throws PointCloudError. */
export function parsePointCloud(json: unknown): PointCloud {
  let parsed: Omit<PointCloud, 'bounds'>;
  if (Array.isArray(json)) {
    parsed = { ...parsePoints(json), boxes: [], vectors: [] };
  } else if (typeof json === 'object' && json !== null && 'points' in json) {
    const scene = json as { points: unknown; boxes?: unknown; vectors?: unknown };
    parsed = { ...parsePoints(scene.points), boxes: listOf(scene.boxes, parseBox), vectors: listOf(scene.vectors, parseVector) };
  } else {
    throw new PointCloudError('not a point cloud: expected an array of points or {type: "lidar/beta", points, ...}');
  }
  return { ...parsed, bounds: boundsOf(parsed) };
}

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dist = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** The edges of a parallelepiped whose corner 0 spans `u`, `v`, `w`, or null when the corners are not one. */
function parallelepipedEdges(corners: readonly Vec3[], u: Vec3, v: Vec3, w: Vec3, tolerance: number): [number, number][] | null {
  const origin = corners[0]!;
  // Each corner's coordinates in the (u, v, w) frame: bits of which spans it adds.
  const bits: number[] = [];
  for (const corner of corners) {
    let found = -1;
    for (let b = 0; b < 8 && found < 0; b++) {
      const expected: Vec3 = [0, 1, 2].map((i) => origin[i]! + (b & 1 ? u[i]! : 0) + (b & 2 ? v[i]! : 0) + (b & 4 ? w[i]! : 0)) as Vec3;
      if (dist(expected, corner) <= tolerance && !bits.includes(b)) found = b;
    }
    if (found < 0) return null;
    bits.push(found);
  }
  const edges: [number, number][] = [];
  for (let i = 0; i < 8; i++) for (let j = i + 1; j < 8; j++) if ([1, 2, 4].includes(bits[i]! ^ bits[j]!)) edges.push([i, j]);
  return edges;
}

/** Each corner joined to its three nearest: the fallback for corners that are not a box. */
function nearestEdges(corners: readonly Vec3[]): [number, number][] {
  const keys = new Set<string>();
  corners.forEach((corner, i) => {
    const nearest = corners.map((other, j) => [j, dist(corner, other)] as const).filter(([j]) => j !== i).sort((a, b) => a[1] - b[1]).slice(0, 3);
    for (const [j] of nearest) keys.add(i < j ? `${i},${j}` : `${j},${i}`);
  });
  return [...keys].map((key) => key.split(',').map(Number) as [number, number]);
}

/**
 * The 12 edges of a box given as 8 corners in any order (W&B does not fix an order), as index
 * pairs: corner 0 and three others spanning the box are found by geometry. Corners that form no
 * parallelepiped are joined each to its three nearest.
 */
export function boxEdges(corners: readonly Vec3[]): [number, number][] {
  if (corners.length !== 8) return [];
  const origin = corners[0]!;
  const size = Math.max(...corners.map((c) => dist(c, origin)));
  const tolerance = Math.max(size * 1e-6, 1e-12);
  for (let a = 1; a < 8; a++) {
    for (let b = a + 1; b < 8; b++) {
      for (let c = b + 1; c < 8; c++) {
        const edges = parallelepipedEdges(corners, sub(corners[a]!, origin), sub(corners[b]!, origin), sub(corners[c]!, origin), tolerance);
        if (edges) return edges;
      }
    }
  }
  return nearestEdges(corners);
}
