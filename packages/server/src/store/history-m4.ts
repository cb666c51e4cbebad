/**
 * M4 downsampling of one history key: the x range is cut into equal-width buckets (pixel columns)
 * and each bucket keeps its first, min, max and last point, which draws the same line as every
 * point would. The rules, which the brute-force reference in the tests follows too:
 *
 * - Points are the key's numeric values (NaN and ±Infinity included); strings, media and other
 *   non-numeric values are no points of a line chart and are neither kept nor counted.
 * - Points are ordered by (x, line number); first and last follow that order and may be NaN (a run
 *   that diverged shows it). min and max ignore NaN; among equal values the earliest point wins.
 * - Bucket of x: floor((x - lo) * buckets / (hi - lo + 1)) over the inclusive integer range [lo, hi]:
 *   the query's minStep and maxStep, else the smallest and largest step of the key's values.
 *
 * The state of one bucket (a "summary", also stored per block so that a block inside one bucket is
 * merged without decoding) is SUMMARY_WIDTH numbers; see the offsets below.
 */

/** Numbers per bucket summary: count, then (x, y, line) of first, last, min and max. */
export const SUMMARY_WIDTH = 13;
const COUNT = 0;
const FIRST = 1;
const LAST = 4;
const MIN = 7;
const MAX = 10;

/** A point of a chart: x (the step) and y (the value). */
export type ChartPoint = [x: number, y: number];

/** A raw point: x, y and the history line it comes from (which orders points of equal x). */
export interface M4Point {
  x: number;
  y: number;
  line: number;
}

/** One non-empty bucket: its index, how many points fell in it, and its M4 points. */
export interface M4Bucket {
  index: number;
  count: number;
  first: M4Point;
  last: M4Point;
  /** Null when every point of the bucket is NaN. */
  min: M4Point | null;
  max: M4Point | null;
}

/** What to downsample: the x axis (only `_step` so far), an optional step window, the bucket count. */
export interface M4Query {
  xKey?: '_step';
  minStep?: number;
  maxStep?: number;
  buckets: number;
}

/** M4 of one key: the raw point count in the window and the non-empty buckets in x order. */
export interface M4Result {
  rawCount: number;
  /** The x range the buckets cut, or null when the window holds no point. */
  range: { lo: number; hi: number } | null;
  buckets: M4Bucket[];
}

/** True when point (x1, line1) comes before (x2, line2). */
const before = (x1: number, l1: number, x2: number, l2: number) => x1 < x2 || (x1 === x2 && l1 < l2);

/** Accumulates points (or whole summaries) into `buckets` M4 buckets over [lo, hi]. */
export class M4Accumulator {
  /** SUMMARY_WIDTH numbers per bucket; a count of 0 marks an empty bucket. */
  readonly state: Float64Array;
  private readonly width: number;
  /** Scratch summary for addSorted. */
  private readonly segment = new Float64Array(SUMMARY_WIDTH);

  constructor(readonly lo: number, readonly hi: number, readonly buckets: number) {
    this.state = new Float64Array(buckets * SUMMARY_WIDTH);
    this.width = hi - lo + 1;
  }

  /** The bucket of `x`, which must lie in [lo, hi]. */
  bucketOf(x: number): number {
    return Math.floor(((x - this.lo) * this.buckets) / this.width);
  }

  /** Adds one point; x must lie in [lo, hi]. */
  add(x: number, y: number, line: number): void {
    const s = this.state;
    const o = this.bucketOf(x) * SUMMARY_WIDTH;
    const valid = !Number.isNaN(y);
    if (s[o + COUNT] === 0) {
      s[o + COUNT] = 1;
      setPoint(s, o + FIRST, x, y, line);
      setPoint(s, o + LAST, x, y, line);
      setPoint(s, o + MIN, valid ? x : 0, y, valid ? line : -1);
      setPoint(s, o + MAX, valid ? x : 0, y, valid ? line : -1);
      return;
    }
    s[o + COUNT]! += 1;
    if (before(x, line, s[o + FIRST]!, s[o + FIRST + 2]!)) setPoint(s, o + FIRST, x, y, line);
    if (before(s[o + LAST]!, s[o + LAST + 2]!, x, line)) setPoint(s, o + LAST, x, y, line);
    if (!valid) return;
    if (s[o + MIN + 2]! < 0 || y < s[o + MIN + 1]! || (y === s[o + MIN + 1]! && before(x, line, s[o + MIN]!, s[o + MIN + 2]!))) setPoint(s, o + MIN, x, y, line);
    if (s[o + MAX + 2]! < 0 || y > s[o + MAX + 1]! || (y === s[o + MAX + 1]! && before(x, line, s[o + MAX]!, s[o + MAX + 2]!))) setPoint(s, o + MAX, x, y, line);
  }

  /**
   * Adds points [from, to) of columns already in (x, line) order, all x in [lo, hi]: the same as
   * add() for each, but a run of points in one bucket costs a min/max scan, not a point-by-point merge.
   */
  addSorted(xs: ArrayLike<number>, ys: ArrayLike<number>, lines: ArrayLike<number>, from: number, to: number): void {
    const seg = this.segment;
    let i = from;
    while (i < to) {
      const bucket = this.bucketOf(xs[i]!);
      let j = i + 1;
      while (j < to && this.bucketOf(xs[j]!) === bucket) j += 1;
      let lo = -1;
      let hi = -1;
      for (let k = i; k < j; k += 1) {
        const y = ys[k]!;
        if (Number.isNaN(y)) continue;
        // Strict comparisons: among equal values the earliest point wins, as in add().
        if (lo < 0 || y < ys[lo]!) lo = k;
        if (hi < 0 || y > ys[hi]!) hi = k;
      }
      seg[COUNT] = j - i;
      setPoint(seg, FIRST, xs[i]!, ys[i]!, lines[i]!);
      setPoint(seg, LAST, xs[j - 1]!, ys[j - 1]!, lines[j - 1]!);
      if (lo < 0) {
        setPoint(seg, MIN, 0, Number.NaN, -1);
        setPoint(seg, MAX, 0, Number.NaN, -1);
      } else {
        setPoint(seg, MIN, xs[lo]!, ys[lo]!, lines[lo]!);
        setPoint(seg, MAX, xs[hi]!, ys[hi]!, lines[hi]!);
      }
      this.merge(bucket, seg);
      i = j;
    }
  }

  /** Merges a summary (SUMMARY_WIDTH numbers from `at`) whose points all fall in bucket `bucket`. */
  merge(bucket: number, summary: Float64Array, at = 0): void {
    const count = summary[at + COUNT]!;
    if (count === 0) return;
    const s = this.state;
    const o = bucket * SUMMARY_WIDTH;
    if (s[o + COUNT] === 0) {
      s.set(summary.subarray(at, at + SUMMARY_WIDTH), o);
      return;
    }
    s[o + COUNT]! += count;
    const pick = (slot: number, better: (x: number, y: number, l: number) => boolean) => {
      const x = summary[at + slot]!;
      const y = summary[at + slot + 1]!;
      const l = summary[at + slot + 2]!;
      if (l >= 0 && better(x, y, l)) setPoint(s, o + slot, x, y, l);
    };
    pick(FIRST, (x, _y, l) => before(x, l, s[o + FIRST]!, s[o + FIRST + 2]!));
    pick(LAST, (x, _y, l) => before(s[o + LAST]!, s[o + LAST + 2]!, x, l));
    pick(MIN, (x, y, l) => s[o + MIN + 2]! < 0 || y < s[o + MIN + 1]! || (y === s[o + MIN + 1]! && before(x, l, s[o + MIN]!, s[o + MIN + 2]!)));
    pick(MAX, (x, y, l) => s[o + MAX + 2]! < 0 || y > s[o + MAX + 1]! || (y === s[o + MAX + 1]! && before(x, l, s[o + MAX]!, s[o + MAX + 2]!)));
  }

  /** The non-empty buckets, in x order, and the total count. */
  result(): M4Result {
    const s = this.state;
    const out: M4Bucket[] = [];
    let rawCount = 0;
    for (let b = 0; b < this.buckets; b += 1) {
      const o = b * SUMMARY_WIDTH;
      const count = s[o + COUNT]!;
      if (count === 0) continue;
      rawCount += count;
      const point = (slot: number): M4Point | null => (s[o + slot + 2]! < 0 ? null : { x: s[o + slot]!, y: s[o + slot + 1]!, line: s[o + slot + 2]! });
      out.push({ index: b, count, first: point(FIRST)!, last: point(LAST)!, min: point(MIN), max: point(MAX) });
    }
    return { rawCount, range: rawCount > 0 ? { lo: this.lo, hi: this.hi } : null, buckets: out };
  }
}

function setPoint(s: Float64Array, at: number, x: number, y: number, line: number): void {
  s[at] = x;
  s[at + 1] = y;
  s[at + 2] = line;
}

/** The summary of points given in any order: one bucket over their whole x range. */
export function summarize(xs: ArrayLike<number>, ys: ArrayLike<number>, lines: ArrayLike<number>, include: (i: number) => boolean): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < xs.length; i += 1) {
    if (!include(i)) continue;
    lo = Math.min(lo, xs[i]!);
    hi = Math.max(hi, xs[i]!);
  }
  if (lo > hi) return new Float64Array(SUMMARY_WIDTH);
  const acc = new M4Accumulator(lo, hi, 1);
  for (let i = 0; i < xs.length; i += 1) if (include(i)) acc.add(xs[i]!, ys[i]!, lines[i]!);
  return acc.state;
}

/** The distinct points of the buckets (a point may be both first and min, say), in (x, line) order. */
export function m4Points(result: M4Result): ChartPoint[] {
  const out: ChartPoint[] = [];
  for (const bucket of result.buckets) {
    const points = new Map<number, M4Point>();
    for (const p of [bucket.first, bucket.min, bucket.max, bucket.last]) if (p) points.set(p.line, p);
    const sorted = [...points.values()].sort((a, b) => a.x - b.x || a.line - b.line);
    for (const p of sorted) out.push([p.x, p.y]);
  }
  return out;
}
