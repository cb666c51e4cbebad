/**
 * Axis-aligned bounds of 3D content and the camera placement that frames them. Pure (no three.js),
 * so it runs under Node's test runner.
 */

/** A point or direction in 3D. */
export type Vec3 = [number, number, number];

/** The smallest box holding every point of some content. */
export interface Bounds {
  min: Vec3;
  max: Vec3;
}

/** Bounds of flat xyz triples (`[x0, y0, z0, x1, ...]`), or null when there are none. */
export function boundsOfTriples(values: ArrayLike<number>): Bounds | null {
  if (values.length < 3) return null;
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i + 2 < values.length; i += 3) {
    for (let axis = 0; axis < 3; axis++) {
      const v = values[i + axis]!;
      if (v < min[axis]!) min[axis] = v;
      if (v > max[axis]!) max[axis] = v;
    }
  }
  return { min, max };
}

/** The bounds holding both (either may be null). */
export function mergeBounds(a: Bounds | null, b: Bounds | null): Bounds | null {
  if (!a) return b;
  if (!b) return a;
  return {
    min: [Math.min(a.min[0], b.min[0]), Math.min(a.min[1], b.min[1]), Math.min(a.min[2], b.min[2])],
    max: [Math.max(a.max[0], b.max[0]), Math.max(a.max[1], b.max[1]), Math.max(a.max[2], b.max[2])],
  };
}

/** Where a perspective camera goes to show all of some bounds. */
export interface CameraFit {
  /** The point looked at: the centre of the bounds. */
  target: Vec3;
  /** The camera position. */
  position: Vec3;
  /** Radius of the sphere around the bounds (at least a small positive size). */
  radius: number;
  /** Camera distance to the target. */
  distance: number;
  /** Clip planes: far enough to zoom out to 10× the distance. */
  near: number;
  far: number;
}

const length = (v: Vec3) => Math.hypot(v[0], v[1], v[2]);

/**
 * The camera placement that fits `bounds` (their bounding sphere) in a perspective view of
 * vertical field of view `fovDeg` and width/height `aspect`, looking along `-direction`. A
 * flat or single-point content still gets a positive radius, so the view is never degenerate.
 */
export function fitCamera(bounds: Bounds, fovDeg: number, aspect: number, direction: Vec3): CameraFit {
  const target: Vec3 = [0, 1, 2].map((i) => (bounds.min[i]! + bounds.max[i]!) / 2) as Vec3;
  const diagonal = length([bounds.max[0] - bounds.min[0], bounds.max[1] - bounds.min[1], bounds.max[2] - bounds.min[2]]);
  const scale = Math.max(Math.abs(target[0]), Math.abs(target[1]), Math.abs(target[2]), 1);
  const radius = Math.max(diagonal / 2, scale * 1e-6);
  // The narrower of the two fields of view decides: the sphere must fit both ways.
  const vertical = (fovDeg * Math.PI) / 180;
  const horizontal = 2 * Math.atan(Math.tan(vertical / 2) * Math.max(aspect, 1e-3));
  const distance = (radius / Math.sin(Math.min(vertical, horizontal) / 2)) * 1.05;
  const norm = length(direction) || 1;
  const position = target.map((t, i) => t + (direction[i]! / norm) * distance) as Vec3;
  return { target, position, radius, distance, near: distance / 1000, far: distance * 10 + radius * 2 };
}

/** A round grid size (1, 2 or 5 × a power of ten) at least `extent`. */
export function niceSize(extent: number): number {
  if (!(extent > 0) || !Number.isFinite(extent)) return 1;
  const power = 10 ** Math.floor(Math.log10(extent));
  for (const step of [1, 2, 5, 10]) if (step * power >= extent * (1 - 1e-12)) return step * power;
  return 10 * power;
}
