/**
 * One history key against an x axis, as a chart asks for it: every raw point of the x window when
 * there are few, else M4 over aligned buckets (history-m4.ts). The rules, which the brute-force
 * reference in the tests follows too:
 *
 * - A point is a history line where the key's value is a number (NaN and ±Infinity included) and
 *   the x value is a finite number: the line's step for x = `_step`, else the x key's value on the
 *   same line. Points are ordered by (x, line number).
 * - The window is [min, max], inclusive; an absent bound is open. rawCount counts the points in it.
 * - rawCount <= raw: every point of the window. Otherwise M4 with aligned buckets of width
 *   alignedWidth(lo, hi, buckets) where lo and hi are the window's bounds, an absent one replaced by
 *   the smallest (largest) x of the points in the window.
 * - With a bound given, `before` is the last point (by (x, line)) with x < min and `after` the first
 *   with x > max, when there is one: not counted, they let a zoomed line run to the chart's edges.
 * - With `smoothing` w > 0, `smoothed` is the same series of the key's EMA (history-smoothing.ts):
 *   every point's y replaced by its smoothed value over all points from the run's first, then
 *   reduced as above with the same window, bucket width and edges.
 */
import { AdaptiveAlignedM4, bucketPoints, type M4Bucket, type M4Point } from './history-m4.js';

/** A series read: x axis, window, bucket count and raw limit. */
export interface SeriesQuery {
  /** `_step`, or any history key (`_runtime`, `_timestamp`, ...). */
  x: string;
  /** Inclusive x window; an absent bound is open. */
  min?: number;
  max?: number;
  /** Most buckets wanted (a window may touch one more; see alignedWidth). */
  buckets: number;
  /** Every raw point is returned when the window holds at most this many. */
  raw: number;
  /** EMA weight w, 0 <= w < 1 (history-smoothing.ts); absent or 0: no smoothed series. */
  smoothing?: number;
}

/** The smoothed series of a read: the raw series' points (or M4 of the smoothed values) and edges. */
export interface SmoothedSeries {
  /** Every smoothed point of the window when the raw series is not aggregated, else their M4 points. */
  points: M4Point[];
  before: M4Point | null;
  after: M4Point | null;
}

/** A series: the raw points of the window or its M4 buckets, and the points just outside it. */
export interface SeriesResult {
  rawCount: number;
  aggregated: boolean;
  /** Width of the aligned buckets; null when not aggregated. */
  bucketWidth: number | null;
  /** The non-empty buckets in x order, each indexed by k (it covers [k·width, (k+1)·width)); empty when not aggregated. */
  buckets: M4Bucket[];
  /** Every raw point of the window when not aggregated, else the distinct M4 points; in (x, line) order. */
  points: M4Point[];
  /** The last point before `min`, when `min` is given and there is one. */
  before: M4Point | null;
  /** The first point after `max`, when `max` is given and there is one. */
  after: M4Point | null;
  /** Present only when the query's smoothing is above 0. */
  smoothed?: SmoothedSeries;
}

/** The reply for a key or x axis the run does not have. */
export const EMPTY_SERIES: SeriesResult = { rawCount: 0, aggregated: false, bucketWidth: null, buckets: [], points: [], before: null, after: null };

/** Points as growable columns, with whether they arrived in (x, line) order. */
export class PointBuffer {
  xs: Float64Array;
  ys: Float64Array;
  lines: Float64Array;
  length = 0;
  /** True while every point came after the previous one in (x, line) order. */
  inOrder = true;

  constructor(capacity = 1024) {
    const n = Math.max(1, capacity);
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    this.lines = new Float64Array(n);
  }

  push(x: number, y: number, line: number): void {
    const n = this.length;
    if (n === this.xs.length) this.grow();
    if (n > 0 && (x < this.xs[n - 1]! || (x === this.xs[n - 1]! && line < this.lines[n - 1]!))) this.inOrder = false;
    this.xs[n] = x;
    this.ys[n] = y;
    this.lines[n] = line;
    this.length = n + 1;
  }

  /** Adds points [from, to) of columns in (x, line) order among themselves, at once. */
  append(xs: Float64Array, ys: Float64Array, lines: Float64Array, from: number, to: number): void {
    if (to <= from) return;
    while (this.length + (to - from) > this.xs.length) this.grow();
    const n = this.length;
    if (n > 0 && (xs[from]! < this.xs[n - 1]! || (xs[from]! === this.xs[n - 1]! && lines[from]! < this.lines[n - 1]!))) this.inOrder = false;
    this.xs.set(xs.subarray(from, to), n);
    this.ys.set(ys.subarray(from, to), n);
    this.lines.set(lines.subarray(from, to), n);
    this.length = n + (to - from);
  }

  /** Drops every point, keeping the capacity. */
  clear(): void {
    this.length = 0;
    this.inOrder = true;
  }

  /**
   * Puts the points in (x, line) order; returns the order applied (new index → old index), or null
   * when they came in order (nothing moved).
   */
  sort(): number[] | null {
    if (this.inOrder) return null;
    const { xs, ys, lines } = this;
    const order = Array.from({ length: this.length }, (_, i) => i).sort((a, b) => xs[a]! - xs[b]! || lines[a]! - lines[b]!);
    this.xs = Float64Array.from(order, (i) => xs[i]!);
    this.ys = Float64Array.from(order, (i) => ys[i]!);
    this.lines = Float64Array.from(order, (i) => lines[i]!);
    this.inOrder = true;
    return order;
  }

  /** The points, in (x, line) order. */
  points(): M4Point[] {
    this.sort();
    return Array.from({ length: this.length }, (_, i) => ({ x: this.xs[i]!, y: this.ys[i]!, line: this.lines[i]! }));
  }

  /** Smallest and largest x. */
  extent(): { lo: number; hi: number } {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < this.length; i += 1) {
      const x = this.xs[i]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    return { lo, hi };
  }

  private grow(): void {
    const resize = (a: Float64Array) => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.xs = resize(this.xs);
    this.ys = resize(this.ys);
    this.lines = resize(this.lines);
  }
}

/** Tracks the nearest points outside a window: the last before `min`, the first after `max`. */
export class EdgePoints {
  before: M4Point | null = null;
  after: M4Point | null = null;

  constructor(readonly min: number | undefined, readonly max: number | undefined) {}

  /** Considers a point outside the window (x < min or x > max). */
  consider(x: number, y: number, line: number): void {
    if (this.min !== undefined && x < this.min) {
      const b = this.before;
      if (b === null || x > b.x || (x === b.x && line > b.line)) this.before = { x, y, line };
    } else if (this.max !== undefined && x > this.max) {
      const a = this.after;
      if (a === null || x < a.x || (x === a.x && line < a.line)) this.after = { x, y, line };
    }
  }
}

/** The window's span for alignedWidth: its bounds, an open one closed at the data's extent. */
export function windowOf(query: SeriesQuery, extent: { lo: number; hi: number }): { lo: number; hi: number } {
  return { lo: query.min ?? extent.lo, hi: query.max ?? extent.hi };
}

/** Points a SeriesBuilder gathers before handing them on together. */
const CHUNK_POINTS = 1024;

/**
 * Builds a series from the window's points as a scan finds them (any order), in memory bounded by
 * the raw limit and the bucket count: it keeps the raw points while there are at most `raw`, and M4
 * buckets that widen as the extent grows (AdaptiveAlignedM4). Points go on in chunks, so that a run
 * of them in order costs one range check and a sorted merge, not a bucket lookup each.
 */
export class SeriesBuilder {
  private rawPoints: PointBuffer | null;
  private readonly m4: AdaptiveAlignedM4;
  private chunk = new PointBuffer(CHUNK_POINTS);
  private count = 0;

  constructor(private readonly query: SeriesQuery, integer: boolean, capacity: number) {
    this.rawPoints = new PointBuffer(Math.min(capacity, query.raw + 1));
    this.m4 = new AdaptiveAlignedM4(query.min, query.max, query.buckets, integer);
  }

  /** Adds a point of the window. */
  add(x: number, y: number, line: number): void {
    this.chunk.push(x, y, line);
    if (this.chunk.length === CHUNK_POINTS) this.flush();
  }

  /** Adds points [from, to) of columns of the window, in (x, line) order among themselves, at once. */
  addSorted(xs: Float64Array, ys: Float64Array, lines: Float64Array, from: number, to: number): void {
    this.flush();
    this.take(xs.subarray(from, to), ys.subarray(from, to), lines.subarray(from, to), to - from, true);
  }

  /** The series, with the edges found. */
  finish(edges: Pick<EdgePoints, 'before' | 'after'>): SeriesResult {
    this.flush();
    const rawCount = this.count;
    const outside = { before: edges.before, after: edges.after };
    const m4 = this.rawPoints === null ? this.m4.result() : null;
    if (m4 === null) return { rawCount, aggregated: false, bucketWidth: null, buckets: [], points: this.rawPoints?.points() ?? [], ...outside };
    const buckets = m4.result.buckets;
    return { rawCount, aggregated: true, bucketWidth: m4.width, buckets, points: bucketPoints(buckets), ...outside };
  }

  private flush(): void {
    const { xs, ys, lines, length, inOrder } = this.chunk;
    this.take(xs, ys, lines, length, inOrder);
    this.chunk.clear();
  }

  /** Takes points [0, n) of columns; `sorted` when they are in (x, line) order. */
  private take(xs: Float64Array, ys: Float64Array, lines: Float64Array, n: number, sorted: boolean): void {
    this.count += n;
    this.m4.addAll(xs, ys, lines, n, sorted);
    if (this.rawPoints !== null && this.count > this.query.raw) this.rawPoints = null;
    for (let i = 0; this.rawPoints !== null && i < n; i += 1) this.rawPoints.push(xs[i]!, ys[i]!, lines[i]!);
  }
}
