/**
 * Turning the points of each run into uPlot's aligned columns, and the caption that says what is
 * drawn. Pure (uPlot's `join` touches no DOM), so it runs under Node's test runner.
 *
 * Gaps: uPlot breaks a line at `null` and bridges `undefined`. A non-finite y (and, on a log scale,
 * a y <= 0) becomes `null`, a visible gap. `uPlot.join` fills the x values one run lacks with
 * `undefined`, so a run's line runs on across the other runs' x values (and M4's sparse buckets).
 */
import uPlot from 'uplot';
import type { RunPath } from '../api.js';
import { formatCount } from './format.js';
import { clampSmoothing, smoothEma } from './smoothing.js';
import type { ZoomWindow } from './zoom-sync.js';

/** One line of a chart, as the chart components hand it to the drawing code. */
export interface PlotSeries {
  label: string;
  color: string;
  run: RunPath | null;
  /** [x, y] in x order; y may be NaN / ±Infinity. */
  points: [number, number][];
  /** Raw points in view (for M4: before downsampling). */
  rawCount: number;
  aggregated: boolean;
}

/** Where each run's columns are in the aligned data: all faint raw lines first, drawn underneath. */
export interface SeriesLayout {
  /** Column of the line drawn in full colour (smoothed when smoothing is on). */
  main: number[];
  /** Column of the faint raw line behind it, or null when smoothing is off. */
  raw: (number | null)[];
}

/** uPlot series layout for `runCount` runs. */
export function seriesLayout(runCount: number, smoothed: boolean): SeriesLayout {
  const runs = Array.from({ length: runCount }, (_, i) => i);
  if (!smoothed) return { main: runs.map((i) => 1 + i), raw: runs.map(() => null) };
  return { main: runs.map((i) => 1 + runCount + i), raw: runs.map((i) => 1 + i) };
}

/** A y value uPlot can draw, or null (a gap): non-finite, or <= 0 on a log scale. */
export function drawableY(y: number, logScale: boolean): number | null {
  if (!Number.isFinite(y)) return null;
  if (logScale && y <= 0) return null;
  return y;
}

export interface PlotOptions {
  smoothing: number;
  logScale: boolean;
}

type Column = (number | null | undefined)[];

/**
 * The aligned data for uPlot: [x, raw lines..., smoothed lines...] (see seriesLayout). Runs with
 * different x values are joined on x; smoothing runs over each run's own points before the join.
 */
export function buildPlotData(series: readonly PlotSeries[], options: PlotOptions): uPlot.AlignedData {
  const weight = clampSmoothing(options.smoothing);
  const smoothed = weight > 0;
  if (series.length === 0) return [[]];
  const tables = series.map((s) => {
    const xs = s.points.map((p) => p[0]);
    const ys = s.points.map((p) => p[1]);
    const table: Column[] = [xs, ys.map((y) => drawableY(y, options.logScale))];
    if (smoothed) table.push(smoothEma(ys, weight).map((y) => drawableY(y, options.logScale)));
    return table;
  });
  const joined = uPlot.join(tables as unknown as uPlot.AlignedData[]) as unknown as Column[];
  const perRun = smoothed ? 2 : 1;
  const layout = seriesLayout(series.length, smoothed);
  const out: Column[] = [joined[0] ?? []];
  series.forEach((_, i) => {
    const rawIdx = layout.raw[i];
    if (rawIdx != null) out[rawIdx] = joined[1 + i * perRun] ?? [];
    out[layout.main[i]!] = joined[1 + i * perRun + (smoothed ? 1 : 0)] ?? [];
  });
  return out as unknown as uPlot.AlignedData;
}

/** True when any series has a finite y (else the chart says "no numeric values"). */
export function hasNumericValues(series: readonly PlotSeries[]): boolean {
  return series.some((s) => s.points.some((p) => Number.isFinite(p[1])));
}

/** True when any series has a y a log scale can draw (> 0, finite). */
export function hasPositiveValues(series: readonly PlotSeries[]): boolean {
  return series.some((s) => s.points.some((p) => Number.isFinite(p[1]) && p[1] > 0));
}

/** Raw points in view, summed over the series. */
export const rawCountOf = (series: readonly PlotSeries[]) => series.reduce((n, s) => n + s.rawCount, 0);

/**
 * The line under the title: "M4: 1,000,000 points in view, 3,842 drawn" when any series is
 * downsampled, "1,000 points" otherwise, "no numeric values" for an empty chart.
 */
export function captionText(series: readonly PlotSeries[], logScale = false): string {
  if (!hasNumericValues(series)) return 'no numeric values';
  const raw = rawCountOf(series);
  const drawn = series.reduce((n, s) => n + s.points.length, 0);
  const noun = (n: number) => (n === 1 ? 'point' : 'points');
  const text = series.some((s) => s.aggregated)
    ? `M4: ${formatCount(raw)} ${noun(raw)} in view, ${formatCount(drawn)} drawn`
    : `${formatCount(raw)} ${noun(raw)}`;
  return logScale && !hasPositiveValues(series) ? `${text}; none above 0 for the log scale` : text;
}

/** Smallest and largest bucket counts asked of the server. */
export const MIN_BUCKETS = 16;
export const MAX_BUCKETS = 8192;

/**
 * Buckets for a plot area `widthPx` CSS pixels wide (one M4 bucket per pixel column), or null while
 * the plot has no width (hidden): nothing is fetched until it is laid out.
 */
export function bucketsForWidth(widthPx: number): number | null {
  if (!(widthPx >= 1) || !Number.isFinite(widthPx)) return null;
  return Math.min(MAX_BUCKETS, Math.max(MIN_BUCKETS, Math.round(widthPx)));
}

/** How many points lie inside `window` (all of them when null). */
export function countInWindow(points: readonly [number, number][], window: ZoomWindow | null): number {
  if (!window) return points.length;
  let n = 0;
  for (const [x] of points) if (x >= window.min && x <= window.max) n++;
  return n;
}
