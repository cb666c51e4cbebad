/**
 * M4 downsampling of one history key: the x range is cut into equal-width buckets (pixel columns)
 * and each bucket keeps its first, min, max and last point, which draws the same line as every
 * point would. The rules, which the brute-force reference in the tests follows too:
 *
 * - Points are the key's numeric values (NaN and ±Infinity included); strings, media and other
 *   non-numeric values are no points of a line chart and are neither kept nor counted.
 * - Points are ordered by (x, line number); first and last follow that order and may be NaN (a run
 *   that diverged shows it). min and max ignore NaN; among equal values the earliest point wins.
 * - Bucket of x (AlignedM4Accumulator): floor(x / width), buckets [k·width, (k+1)·width) with
 *   origin 0, width a power of two (see alignedWidth). The same points and window always give the
 *   same buckets, and a growing run only adds or extends buckets at its end until the width steps up.
 *
 * The state of one bucket (a "summary", also stored per block so that a block inside one bucket is
 * merged without decoding) is SUMMARY_WIDTH numbers; see the offsets below.
 */

/** Numbers per bucket summary: count, then (x, y, line) of first, last, min and max. */
const SUMMARY_WIDTH = 13;
const COUNT = 0;
const FIRST = 1;
const LAST = 4;
const MIN = 7;
const MAX = 10;

/** Offsets in a summary: COUNT, then each point's x at the offset, y at +1 and line at +2 (line -1: none). */
export const SUMMARY_SLOTS = { COUNT, FIRST, LAST, MIN, MAX } as const;

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

/** M4 of one key: the raw point count in the window and the non-empty buckets in x order. */
export interface M4Result {
  rawCount: number;
  buckets: M4Bucket[];
}

/** True when point (x1, line1) comes before (x2, line2). */
const before = (x1: number, l1: number, x2: number, l2: number) => x1 < x2 || (x1 === x2 && l1 < l2);

/**
 * Accumulates points (or whole summaries) into `buckets` M4 buckets over [lo, hi]. The base
 * bucketOf cuts [lo, hi] into equal parts; it serves summarize() (one bucket), and
 * AlignedM4Accumulator replaces it with aligned buckets.
 */
export class M4Accumulator {
  /** SUMMARY_WIDTH numbers per bucket; a count of 0 marks an empty bucket. */
  readonly state: Float64Array;
  private readonly span: number;
  /** Scratch summary for addSorted. */
  private readonly segment = new Float64Array(SUMMARY_WIDTH);
  /** Added to a slot to give the bucket index results report. */
  protected indexBase = 0;

  constructor(readonly lo: number, readonly hi: number, readonly buckets: number) {
    this.state = new Float64Array(buckets * SUMMARY_WIDTH);
    this.span = hi - lo + 1;
  }

  /** The bucket (slot) of `x`, which must lie in [lo, hi]. */
  bucketOf(x: number): number {
    return Math.floor(((x - this.lo) * this.buckets) / this.span);
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
      out.push({ index: b + this.indexBase, count, first: point(FIRST)!, last: point(LAST)!, min: point(MIN), max: point(MAX) });
    }
    return { rawCount, buckets: out };
  }
}

/** Slots an aligned accumulator may hold: far above what buckets <= 100,000 and alignedWidth give. */
const MAX_ALIGNED_SLOTS = 1 << 22;

/**
 * M4 over aligned buckets: bucket k holds x in [k·width, (k+1)·width). Slots run from the bucket of
 * `lo` to the bucket of `hi` (the smallest and largest x that will be added); result() reports k as
 * each bucket's index. With a power-of-two width, x / width is exact, so boundaries are too.
 */
export class AlignedM4Accumulator extends M4Accumulator {
  private readonly firstBucket: number;

  constructor(lo: number, hi: number, readonly width: number) {
    const first = Math.floor(lo / width);
    const slots = Math.floor(hi / width) - first + 1;
    if (!(width > 0) || !(slots >= 1 && slots <= MAX_ALIGNED_SLOTS)) throw new RangeError(`${slots} buckets of width ${width} over [${lo}, ${hi}]`);
    super(lo, hi, slots);
    this.firstBucket = first;
    this.indexBase = first;
  }

  override bucketOf(x: number): number {
    return Math.floor(x / this.width) - this.firstBucket;
  }
}

/**
 * Aligned M4 whose width follows the points as they come, for reads that learn the window's extent
 * only while scanning: the width is alignedWidth over the window, an open bound closed at the
 * extent of the points so far. A growing extent can only widen the buckets, by a power of two, and a
 * bucket of width w·2^j is exactly the union of 2^j buckets of width w: merging the old buckets into
 * the new ones gives the buckets that accumulating at the final width from the start would.
 */
export class AdaptiveAlignedM4 {
  private acc: AlignedM4Accumulator | null = null;
  private lo = Infinity;
  private hi = -Infinity;

  constructor(private readonly min: number | undefined, private readonly max: number | undefined, private readonly buckets: number, private readonly integer: boolean) {}

  /** Adds one point (any order). */
  add(x: number, y: number, line: number): void {
    if (x < this.lo || x > this.hi) this.extend(x);
    this.acc!.add(x, y, line);
  }

  /** Adds points [0, n) of columns; `sorted` when they are in (x, line) order (then runs of a bucket merge at once). */
  addAll(xs: Float64Array, ys: Float64Array, lines: Float64Array, n: number, sorted: boolean): void {
    if (n === 0) return;
    if (!sorted) {
      for (let i = 0; i < n; i += 1) this.add(xs[i]!, ys[i]!, lines[i]!);
      return;
    }
    if (xs[0]! < this.lo) this.extend(xs[0]!);
    if (xs[n - 1]! > this.hi) this.extend(xs[n - 1]!);
    this.acc!.addSorted(xs, ys, lines, 0, n);
  }

  /** The buckets and their width; null before the first point. */
  result(): { width: number; result: M4Result } | null {
    return this.acc === null ? null : { width: this.acc.width, result: this.acc.result() };
  }

  private extend(x: number): void {
    this.lo = Math.min(this.lo, x);
    this.hi = Math.max(this.hi, x);
    const old = this.acc;
    const wlo = this.min ?? this.lo;
    const whi = this.max ?? this.hi;
    // Within the accumulator's range the width stays while it still fits (the common case: every
    // point of an increasing x), the same tests as alignedWidth's, exact for a power of two.
    if (old !== null && this.lo >= old.lo && this.hi <= old.hi) {
      const w = old.width;
      if ((whi - wlo) / w <= this.buckets && (this.integer || Math.max(Math.abs(wlo), Math.abs(whi)) * 2 ** -52 <= w)) return;
    }
    const width = alignedWidth(wlo, whi, this.buckets, this.integer);
    // Room for a quarter as many buckets again on each side: a growing extent rebuilds now and then
    // (O(buckets) each time), not at every new bucket.
    const slack = (Math.ceil(this.buckets / 4) + 1) * width;
    const lo = Math.max(this.min ?? -Infinity, this.lo - slack, -Number.MAX_VALUE);
    const hi = Math.min(this.max ?? Infinity, this.hi + slack, Number.MAX_VALUE);
    const acc = new AlignedM4Accumulator(lo, hi, width);
    if (old !== null) {
      for (let o = 0; o < old.state.length; o += SUMMARY_WIDTH) {
        // Every point of an old bucket falls in one new bucket: its first point tells which.
        if (old.state[o + COUNT]! > 0) acc.merge(acc.bucketOf(old.state[o + FIRST]!), old.state, o);
      }
    }
    this.acc = acc;
  }
}

/** The largest bucket width used: 2^1023 (the largest power of two a double holds). */
const MAX_WIDTH = 2 ** 1023;

/** The smallest power of two >= v (v > 0), capped at MAX_WIDTH; the smallest double for v <= 0. */
function powerOfTwoAtLeast(v: number): number {
  if (!(v > 0)) return Number.MIN_VALUE;
  if (v >= MAX_WIDTH) return MAX_WIDTH;
  let p = 2 ** Math.ceil(Math.log2(v));
  // log2 may round either way near an exact power.
  if (p < v) p *= 2;
  else if (p / 2 >= v) p /= 2;
  return Math.max(p, Number.MIN_VALUE);
}

/**
 * The width of aligned buckets for the x window [lo, hi] cut into at most `buckets` widths: the
 * smallest power of two w with (hi - lo) / w <= buckets, and at least 1 on an integer axis (`_step`).
 * On other axes w is never finer than the spacing of doubles near the window (|x|·2^-52), so that
 * x / w stays an exact integer below 2^53; for a window of one value that floor is the width. A
 * window may touch one bucket more than `buckets` (its ends need not sit on bucket boundaries).
 * Powers of two keep k·w and x / w exact in binary floating point.
 */
export function alignedWidth(lo: number, hi: number, buckets: number, integer: boolean): number {
  // hi - lo may overflow to Infinity for extreme finite windows: the width is then capped.
  const span = hi - lo;
  let width = span > 0 ? powerOfTwoAtLeast(span / buckets) : Number.MIN_VALUE;
  // span / buckets was rounded: settle on the exact rule (span / width is exact for a power of two).
  while (width < MAX_WIDTH && span / width > buckets) width *= 2;
  while (width / 2 >= Number.MIN_VALUE && span / (width / 2) <= buckets) width /= 2;
  const floor = integer ? 1 : powerOfTwoAtLeast(Math.max(Math.abs(lo), Math.abs(hi)) * 2 ** -52);
  return Math.max(width, floor);
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

/** The distinct points of buckets (a point may be both first and min, say), in (x, line) order. */
export function bucketPoints(buckets: readonly M4Bucket[]): M4Point[] {
  const out: M4Point[] = [];
  for (const bucket of buckets) {
    const points = new Map<number, M4Point>();
    for (const p of [bucket.first, bucket.min, bucket.max, bucket.last]) if (p) points.set(p.line, p);
    out.push(...[...points.values()].sort((a, b) => a.x - b.x || a.line - b.line));
  }
  return out;
}
