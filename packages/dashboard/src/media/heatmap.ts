/**
 * Histograms over steps as one heatmap: every step's bins are resampled onto one common value grid
 * (each bin's count spread over the grid rows it overlaps, as if uniform inside the bin), and each
 * step's column is normalised by its largest cell, so colour shows the shape of every step's
 * distribution whatever its sample count. Pure, for unit tests under Node.
 */
import { toNumber } from '../api.js';

/** One histogram: `edges` has one more entry than `counts`, ascending. */
export interface Histogram {
  edges: number[];
  counts: number[];
}

/** Grid rows when the histograms have few bins, and at most. */
const MIN_ROWS = 16;
const MAX_ROWS = 128;

const finite = (v: unknown): number | null => {
  const n = toNumber(v);
  return n !== null && Number.isFinite(n) ? n : null;
};

/** Bins drawn at most (W&B's limit is 512). */
const MAX_DRAWN_BINS = 4096;

/**
 * A logged `histogram` value (`values` + `bins` edges, or `values` + `packedBins` {min, size,
 * count}), or null when it is malformed: non-numeric or descending edges, edges not one more than
 * counts, more than MAX_DRAWN_BINS bins.
 */
export function parseHistogram(value: unknown): Histogram | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as { values?: unknown; bins?: unknown; packedBins?: { min?: unknown; size?: unknown; count?: unknown } };
  // W&B allows 512 bins; anything far beyond that is not a histogram we draw (one bar per bin).
  if (!Array.isArray(v.values) || v.values.length === 0 || v.values.length > MAX_DRAWN_BINS) return null;
  const counts = v.values.map((c) => Math.max(0, finite(c) ?? 0));
  let edges: (number | null)[];
  if (Array.isArray(v.bins)) edges = v.bins.map(finite);
  else {
    const min = finite(v.packedBins?.min);
    const size = finite(v.packedBins?.size);
    if (min === null || size === null || size < 0) return null;
    edges = counts.map((_, i) => min + i * size).concat(min + counts.length * size);
  }
  if (edges.length !== counts.length + 1 || edges.some((e, i) => e === null || (i > 0 && e < edges[i - 1]!))) return null;
  return { edges: edges as number[], counts };
}

/**
 * `h`'s counts on `rows` equal rows from `lo` to `hi`: a bin adds to each row the share of its
 * count its overlap with the row is of its width; a zero-width bin adds its count to the row of its value.
 */
export function resample(h: Histogram, lo: number, hi: number, rows: number): Float64Array {
  const out = new Float64Array(rows);
  const span = hi - lo;
  const rowOf = (y: number) => Math.min(rows - 1, Math.max(0, Math.floor(((y - lo) / span) * rows)));
  h.counts.forEach((count, i) => {
    const a = h.edges[i]!;
    const b = h.edges[i + 1]!;
    if (count === 0) return;
    if (b <= a) {
      out[rowOf(a)]! += count;
      return;
    }
    for (let r = rowOf(a); r <= rowOf(b); r++) {
      const top = lo + ((r + 1) / rows) * span;
      const bottom = lo + (r / rows) * span;
      const overlap = Math.min(b, top) - Math.max(a, bottom);
      if (overlap > 0) out[r]! += (count * overlap) / (b - a);
    }
  });
  return out;
}

/** The heatmap of histograms over steps. */
export interface Heatmap {
  /** The steps, one column each, ascending. */
  steps: number[];
  /** The value grid: `rows` equal rows from `lo` to `hi`. */
  lo: number;
  hi: number;
  rows: number;
  /** Resampled counts, column by column: `counts[col * rows + row]`. */
  counts: Float64Array;
  /** The counts divided by their column's largest (0..1; 0 for an empty column). */
  shade: Float64Array;
}

/**
 * The heatmap of `points` (a step and a logged histogram value each; malformed ones skipped). The
 * grid spans every step's range and has as many rows as the finest histogram has bins (16 to 128).
 */
export function buildHeatmap(points: readonly { step: number; value: unknown }[]): Heatmap | null {
  const parsed = points.flatMap((p) => {
    const h = parseHistogram(p.value);
    return h ? [{ step: p.step, h }] : [];
  });
  if (parsed.length === 0) return null;
  parsed.sort((a, b) => a.step - b.step);
  let lo = Math.min(...parsed.map((p) => p.h.edges[0]!));
  let hi = Math.max(...parsed.map((p) => p.h.edges[p.h.edges.length - 1]!));
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const rows = Math.min(MAX_ROWS, Math.max(MIN_ROWS, ...parsed.map((p) => p.h.counts.length)));
  const counts = new Float64Array(parsed.length * rows);
  const shade = new Float64Array(parsed.length * rows);
  parsed.forEach((p, col) => {
    const column = resample(p.h, lo, hi, rows);
    counts.set(column, col * rows);
    const max = Math.max(...column);
    if (max > 0) column.forEach((c, r) => (shade[col * rows + r] = c / max));
  });
  return { steps: parsed.map((p) => p.step), lo, hi, rows, counts, shade };
}

/** What the heatmap shows at a cell: the step, the value range of the row and its count. */
export function heatmapCell(map: Heatmap, col: number, row: number): { step: number; lo: number; hi: number; count: number } | null {
  if (col < 0 || col >= map.steps.length || row < 0 || row >= map.rows) return null;
  const height = (map.hi - map.lo) / map.rows;
  return { step: map.steps[col]!, lo: map.lo + row * height, hi: map.lo + (row + 1) * height, count: map.counts[col * map.rows + row]! };
}

/**
 * Column boundaries on the x axis (steps): each column spans halfway to its neighbours, the first
 * and last as wide as their inner half (one column: 1 step wide), so irregular steps keep their place.
 */
export function columnEdges(steps: readonly number[]): number[] {
  if (steps.length === 0) return [];
  if (steps.length === 1) return [steps[0]! - 0.5, steps[0]! + 0.5];
  const mids = steps.slice(1).map((s, i) => (steps[i]! + s) / 2);
  return [2 * steps[0]! - mids[0]!, ...mids, 2 * steps[steps.length - 1]! - mids[mids.length - 1]!];
}

/** The index of the interval of `edges` (ascending) holding `x`, or -1 outside them. */
export function intervalAt(edges: readonly number[], x: number): number {
  if (edges.length < 2 || x < edges[0]! || x > edges[edges.length - 1]!) return -1;
  let lo = 0;
  let hi = edges.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}
