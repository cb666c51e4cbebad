/**
 * What pages hand to charts. Pages own layout and settings; charts own fetching, drawing, zoom,
 * cursor sync and live refetching.
 *
 * Test hook (the browser tests read data, not pixels): every chart's root element is
 * `div.chart[data-chart-key=<yKey>]` with `data-state` = loading | ready | empty | error,
 * `data-aggregated` = true | false, `data-raw-count` = the raw points in view (summed over runs), and a
 * `chartData: ChartData` property holding exactly what is drawn.
 */
import type { RunPath } from '../api.js';

/** One run drawn on a chart (compare draws several). */
export interface ChartRun {
  path: RunPath;
  /** Legend label (display name or id). */
  label: string;
  /** CSS colour of this run's line. */
  color: string;
  /**
   * This run's history version: the page bumps it when the run got new history (live socket) or may
   * have missed some (a reconnect). A chart refetches the window in view of the runs whose version
   * changed, and only theirs, at most twice a second per run (the last change always fetched),
   * keeping zoom and scroll. A chart not zoomed follows the run's growth.
   */
  version: number;
}

/** The toolbar's settings, shared by all charts of a page. */
export interface ChartSettings {
  /**
   * Smoothing weight of TensorBoard's debiased EMA, 0 (off) to 0.999. History charts ask the server
   * for the EMA over every raw point (M4 points smoothed here would be wrong); points charts hold
   * every raw point and smooth them here.
   */
  smoothing: number;
  logScale: boolean;
}

export interface HistoryChartProps {
  /** The history key plotted on y. */
  yKey: string;
  /** The x axis: `_step`, `_runtime`, `_timestamp` or another history key. */
  xKey: string;
  runs: ChartRun[];
  settings: ChartSettings;
  /**
   * Charts with the same group share cursor and zoom (pages pass the x key, so charts on the same
   * x axis move together).
   */
  syncGroup: string;
}

/** A chart of points the page already holds (system metrics from the events stream). */
export interface PointsChartProps {
  title: string;
  xLabel: string;
  series: { label: string; color: string; points: [number, number][] }[];
  settings: ChartSettings;
  syncGroup: string;
}

/** What a chart shows, exposed on its root element as `chartData`. */
export interface ChartData {
  key: string;
  x: string;
  /** The x window in view, null when showing everything. */
  window: { min: number; max: number } | null;
  series: {
    label: string;
    run: RunPath | null;
    rawCount: number;
    aggregated: boolean;
    /** The points drawn (unsmoothed), [x, y]. */
    points: [number, number][];
    /**
     * The smoothed line drawn over them, [x, y]: the server's (history charts) or smoothed here
     * (points charts, or a server that sent none); null when smoothing is off.
     */
    smoothed: [number, number][] | null;
  }[];
}
