/**
 * Turning the points of each run into uPlot's aligned columns, and the caption that says what is
 * drawn. Pure, so it runs under Node's test runner.
 *
 * Gaps: uPlot breaks a line at `null` and bridges `undefined`. A non-finite y (and, on a log scale,
 * a y <= 0) becomes `null`, a visible gap. A line lacking a row of the aligned table (another line's
 * x, M4's sparse buckets) has `undefined` there, so it runs on across it.
 */
import type { RunPath } from '../api.js';
import { formatCount } from './format.js';
import { clampSmoothing, smoothEma } from './smoothing.js';
import type { ZoomWindow } from './zoom-sync.js';

/** A list of [x, y] points. */
export type Points = [number, number][];

/** One line of a chart, as the chart components hand it to the drawing code. */
export interface PlotSeries {
  label: string;
  color: string;
  run: RunPath | null;
  /** [x, y] in x order; y may be NaN / ±Infinity. */
  points: Points;
  /**
   * The smoothed line computed elsewhere (the server's EMA over every raw point), drawn when
   * smoothing is on. Absent or null: `points` are smoothed here.
   */
  smoothed?: Points | null;
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

/** One column of the aligned data: a y per row, null a gap, undefined no point of the line. */
export type Column = (number | null | undefined)[];

/**
 * The smoothed line of a series for `weight` (0: null): the one it carries (the server's), else
 * its points smoothed here.
 */
export function smoothedPoints(series: PlotSeries, weight: number): Points | null {
  const w = clampSmoothing(weight);
  if (w === 0) return null;
  if (series.smoothed) return series.smoothed;
  const ys = smoothEma(series.points.map((p) => p[1]), w);
  return series.points.map((p, i) => [p[0], ys[i]!]);
}

/** The points of a line in x order (a stable sort, only when they are not), finite x only. */
function inXOrder(points: Points): Points {
  const finite = points.every((p) => Number.isFinite(p[0])) ? points : points.filter((p) => Number.isFinite(p[0]));
  for (let i = 1; i < finite.length; i++) if (finite[i]![0] < finite[i - 1]![0]) return finite.map((p, j) => [p, j] as const).sort((a, b) => a[0][0] - b[0][0] || a[1] - b[1]).map(([p]) => p);
  return finite;
}

/**
 * Lines aligned on x, keeping every point: rows in x order, where the n-th point of each line at an
 * x shares the n-th row of that x, so a line with two points at one x (an M4 bucket whose first,
 * min, max and last share a step) gets two rows and both are drawn. (`uPlot.join` keeps one row
 * per x, and so only the last y of a repeated x.) A line without an n-th point at that x has
 * undefined in that row. Returns [xs, column per line] with y as given.
 */
export function alignLines(lines: readonly Points[]): [number[], (number | undefined)[][]] {
  const sorted = lines.map(inXOrder);
  const heads = sorted.map(() => 0);
  const xs: number[] = [];
  const columns: (number | undefined)[][] = sorted.map(() => []);
  for (;;) {
    let x = Number.POSITIVE_INFINITY;
    let any = false;
    sorted.forEach((line, i) => {
      const point = line[heads[i]!];
      if (point && (!any || point[0] < x)) {
        x = point[0];
        any = true;
      }
    });
    if (!any) break;
    xs.push(x);
    sorted.forEach((line, i) => {
      const point = line[heads[i]!];
      if (point && point[0] === x) {
        columns[i]!.push(point[1]);
        heads[i]! += 1;
      } else columns[i]!.push(undefined);
    });
  }
  return [xs, columns];
}

/**
 * The aligned data for uPlot: [x, raw lines..., smoothed lines...] (see seriesLayout). Every point
 * of every line is kept (see alignLines); smoothing runs over each run's own points before.
 * `smoothedLines` (one per series, as smoothedPoints returns them for this weight) saves smoothing
 * again lines the caller already has.
 */
export function buildPlotData(series: readonly PlotSeries[], options: PlotOptions, smoothedLines?: readonly (Points | null)[]): Column[] {
  const weight = clampSmoothing(options.smoothing);
  const smoothed = weight > 0;
  if (series.length === 0) return [[]];
  const lines: Points[] = series.map((s) => s.points);
  if (smoothed) series.forEach((s, i) => lines.push((smoothedLines ? smoothedLines[i] : smoothedPoints(s, weight)) ?? []));
  const [xs, columns] = alignLines(lines);
  const drawable = (col: (number | undefined)[]): Column => col.map((y) => (y === undefined ? undefined : drawableY(y, options.logScale)));
  // alignLines keeps the order of the lines: raw lines, then smoothed ones, as seriesLayout wants.
  return [xs, ...columns.map(drawable)];
}

/** True when any series has a finite y (else the chart says "no numeric values"). */
export function hasNumericValues(series: readonly PlotSeries[]): boolean {
  return series.some((s) => s.points.some((p) => Number.isFinite(p[1])));
}

/** True when any series has a y a log scale can draw (> 0, finite). */
function hasPositiveValues(series: readonly PlotSeries[]): boolean {
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

/** Smallest and largest bucket counts asked of the server (its limit is 100,000). */
const MIN_BUCKETS = 16;
const MAX_BUCKETS = 100_000;

/**
 * Buckets for a plot area `widthPx` CSS pixels wide, or null while the plot has no width (hidden):
 * nothing is fetched until it is laid out. The server widens buckets to a power of two at least
 * span/buckets wide, which returns between about half and all of the buckets asked: asking two per
 * pixel column leaves every column at least one.
 */
export function bucketsForWidth(widthPx: number): number | null {
  if (!(widthPx >= 1) || !Number.isFinite(widthPx)) return null;
  return Math.min(MAX_BUCKETS, Math.max(MIN_BUCKETS, Math.ceil(2 * widthPx)));
}

/** How many points lie inside `window` (all of them when null). */
export function countInWindow(points: readonly [number, number][], window: ZoomWindow | null): number {
  if (!window) return points.length;
  let n = 0;
  for (const [x] of points) if (x >= window.min && x <= window.max) n++;
  return n;
}
