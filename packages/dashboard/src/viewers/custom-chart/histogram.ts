/**
 * Binning a column for the histogram preset: equal-width bins spanning the values, 30 by default
 * (as W&B's preset). Pure, so it runs under Node's test runner.
 */

/** Bins `[start + i·width, start + (i+1)·width)`, the last one closed (it holds the maximum). */
export interface Histogram {
  start: number;
  width: number;
  counts: number[];
  /** Values counted (all finite values given). */
  total: number;
}

/** W&B's histogram preset draws about this many bins. */
const DEFAULT_BINS = 30;

/** The bin of `v`; a value on an edge (within rounding) belongs to the bin starting there. */
function binOf(v: number, start: number, width: number, bins: number): number {
  const k = (v - start) / width;
  const nearest = Math.round(k);
  const index = Math.abs(k - nearest) < 1e-9 ? nearest : Math.floor(k);
  return Math.min(bins - 1, Math.max(0, index));
}

/**
 * The histogram of the finite `values` in `bins` equal bins from their minimum to their maximum,
 * or null when there are none. All values equal: one bin of width 1 centred on them.
 */
export function binValues(values: readonly number[], bins = DEFAULT_BINS): Histogram | null {
  let min = Infinity;
  let max = -Infinity;
  let total = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    total++;
  }
  if (total === 0) return null;
  if (min === max) return { start: min - 0.5, width: 1, counts: [total], total };
  const n = Math.max(1, Math.floor(bins));
  const width = (max - min) / n;
  const counts = new Array<number>(n).fill(0);
  for (const v of values) if (Number.isFinite(v)) counts[binOf(v, min, width, n)]! += 1;
  return { start: min, width, counts, total };
}
