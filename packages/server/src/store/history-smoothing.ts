/**
 * Smoothing of a history series, as TensorBoard smooths: a debiased exponential moving average over
 * every raw point of the key from the run's first, in (x, line) order. Computed on the server over
 * the raw points (not over what M4 kept), a point's smoothed value does not depend on the chart's
 * zoom or width or on how long the run is; the smoothed series is then reduced exactly as the raw
 * series of the same read (history-series.ts): every point of the window, or M4 over the same
 * aligned buckets, and the smoothed values of the same edge points.
 */
import { BLOCK_LINES } from './history-block.js';
import { AlignedM4Accumulator, bucketPoints, type M4Point } from './history-m4.js';
import { EMPTY_SERIES, PointBuffer, type SeriesQuery, type SeriesResult, type SmoothedSeries } from './history-series.js';

/**
 * TensorBoard's debiased EMA, one point at a time: state last = 0, n = 0; a non-finite y is its own
 * smoothed value and leaves the state alone; else last = last·w + (1 - w)·y, n += 1, and the
 * smoothed value is last / (1 - w^n). (TensorBoard's special case of a constant series is left out.)
 */
export class Ema {
  private last = 0;
  private n = 0;
  /** 1 - w^n; once w^n is too small to change it from 1 it stays 1, and w^n is no longer computed. */
  private debias = 0;

  /** `weight` is w, 0 <= w < 1. */
  constructor(readonly weight: number) {}

  /** The smoothed value of the next point. */
  next(y: number): number {
    if (!Number.isFinite(y)) return y;
    const w = this.weight;
    this.last = this.last * w + (1 - w) * y;
    this.n += 1;
    if (this.debias !== 1) this.debias = 1 - w ** this.n;
    return this.last / this.debias;
  }

  /** next() of ys[0, length) into out[0, length): the same arithmetic, with the state in locals. */
  nextAll(ys: ArrayLike<number>, out: Float64Array, length: number): void {
    const w = this.weight;
    let { last, n, debias } = this;
    for (let i = 0; i < length; i += 1) {
      const y = ys[i]!;
      if (!Number.isFinite(y)) {
        out[i] = y;
        continue;
      }
      last = last * w + (1 - w) * y;
      n += 1;
      if (debias !== 1) debias = 1 - w ** n;
      out[i] = last / debias;
    }
    this.last = last;
    this.n = n;
    this.debias = debias;
  }
}

/** The smoothed values of `ys` (in their order) with weight w. */
export function smoothEma(ys: ArrayLike<number>, weight: number, length = ys.length): Float64Array {
  const out = new Float64Array(length);
  new Ema(weight).nextAll(ys, out, length);
  return out;
}

/** The no-points smoothed series. */
export const EMPTY_SMOOTHED: SmoothedSeries = { points: [], before: null, after: null };

/** The smoothed read's reply for a key or x axis the run does not have (or an empty window). */
export const EMPTY_SMOOTHED_SERIES: SeriesResult = { ...EMPTY_SERIES, smoothed: EMPTY_SMOOTHED };

/** Where a smoothed stream's window points go: runs of them in (x, line) order. */
interface SmoothedWindow {
  addSorted(xs: Float64Array, ys: Float64Array, lines: Float64Array, from: number, to: number): void;
}

/**
 * The EMA along a key's points as a scan finds them, in memory bounded by a chunk: the points must
 * come in (x, line) order from the run's first and stop at the read's max (x <= max); those of the
 * window (x >= min) go to `window` with their smoothed y, and the last one before it is kept. The
 * first point that does not come after the ones before makes `add` refuse it and every later one
 * (then build anew from the sorted points: smoothedSeries).
 */
export class SmoothedStream {
  /** The last point before the window (x < min), smoothed. */
  before: M4Point | null = null;
  /** Points given to `window`. */
  count = 0;
  /** False once a point came out of order (here, or as a caller found): nothing more is taken. */
  ordered = true;
  readonly ema: Ema;
  private smoothed = new Float64Array(BLOCK_LINES);
  private lastX = -Infinity;
  private lastLine = -Infinity;

  constructor(weight: number, private readonly min: number, private readonly window: SmoothedWindow) {
    this.ema = new Ema(weight);
  }

  /**
   * Adds points [from, to) of columns, in (x, line) order among themselves; false when the first
   * does not come after the points added before (nothing is taken then, nor by any later call).
   */
  add(xs: Float64Array, ys: Float64Array, lines: Float64Array, from: number, to: number): boolean {
    if (!this.ordered) return false;
    if (to <= from) return true;
    if (xs[from]! < this.lastX || (xs[from] === this.lastX && lines[from]! < this.lastLine)) return (this.ordered = false);
    const n = to - from;
    if (this.smoothed.length < n) this.smoothed = new Float64Array(n);
    const smoothed = this.smoothed.subarray(0, n);
    this.ema.nextAll(ys.subarray(from, to), smoothed, n);
    // The points before the window are a prefix (they come in x order).
    let i = 0;
    if (xs[from]! < this.min) {
      while (i < n && xs[from + i]! < this.min) i += 1;
      this.before = { x: xs[from + i - 1]!, y: smoothed[i - 1]!, line: lines[from + i - 1]! };
    }
    this.count += n - i;
    this.window.addSorted(xs.subarray(from, to), smoothed, lines.subarray(from, to), i, n);
    this.lastX = xs[to - 1]!;
    this.lastLine = lines[to - 1]!;
    return true;
  }

  /**
   * The smoothed series of the read whose raw series is `raw`, given the reduced window `points`;
   * throws when the stream did not see the points that make up the raw series' window. The first
   * point past max (raw.after) is one more EMA step: no point lies between the window and it.
   */
  finish(raw: SeriesResult, points: M4Point[]): SmoothedSeries {
    if (!this.ordered || this.count !== raw.rawCount || (raw.before !== null && this.before?.line !== raw.before.line)) {
      throw new Error(`the smoothed series does not match the raw one: ${this.count} points in the window, not ${raw.rawCount}`);
    }
    const after = raw.after === null ? null : { ...raw.after, y: this.ema.next(raw.after.y) };
    return { points, before: raw.before === null ? null : this.before, after };
  }
}

/**
 * A stream whose window is reduced as the read's raw series `raw` was (known beforehand): every
 * point when not aggregated, else M4 over its aligned buckets. `finish` gives the smoothed series.
 */
export function smoothedLike(raw: SeriesResult, query: SeriesQuery): { stream: SmoothedStream; finish: () => SmoothedSeries } {
  const { buckets } = raw;
  if (raw.aggregated) {
    // The window holds a point, so there is a bucket, and the window's first and last points are
    // the first bucket's first and the last bucket's last.
    const m4 = new AlignedM4Accumulator(buckets[0]!.first.x, buckets[buckets.length - 1]!.last.x, raw.bucketWidth!);
    const stream = new SmoothedStream(query.smoothing ?? 0, query.min ?? -Infinity, m4);
    return { stream, finish: () => stream.finish(raw, bucketPoints(m4.result().buckets)) };
  }
  const kept = new PointBuffer(raw.rawCount);
  const stream = new SmoothedStream(query.smoothing ?? 0, query.min ?? -Infinity, { addSorted: (xs, ys, lines, from, to) => kept.append(xs, ys, lines, from, to) });
  return { stream, finish: () => stream.finish(raw, kept.points()) };
}

/** The smoothed series of a read from every point up to its max, in any order (sorted here). */
export function smoothedSeries(points: PointBuffer, raw: SeriesResult, query: SeriesQuery): SmoothedSeries {
  points.sort();
  const { stream, finish } = smoothedLike(raw, query);
  stream.add(points.xs, points.ys, points.lines, 0, points.length);
  return finish();
}
