/**
 * The drawing shared by HistoryChart and PointsChart: one uPlot instance inside the chart frame
 * (title, reset-zoom button, caption, test hook). Data changes go through setData on the same
 * instance; only a change of shape (lines, smoothing on/off, log scale, x key) recreates it.
 */
import uPlot from 'uplot';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ChartData, ChartSettings } from './contract.js';
import { xKindOf, type XKind } from './format.js';
import { PLOT_HEIGHT, plotOptions, type PlotCallbacks, type PlotShape } from './plot-options.js';
import { buildPlotData, captionText, rawCountOf, smoothedPoints, type PlotSeries, type Points } from './series-data.js';
import { clampSmoothing } from './smoothing.js';
import { useFitWidth } from './uplot-base.js';
import './charts.css';
import { getZoom, setZoom, subscribeZoom, type ZoomWindow } from './zoom-sync.js';

/** The chart's `data-state`. */
export type ChartState = 'loading' | 'ready' | 'empty' | 'error';

/** The x window of a sync group, re-rendering on every change. */
export function useZoomWindow(group: string): ZoomWindow | null {
  const [zoom, setZoomState] = useState(() => getZoom(group));
  useEffect(() => {
    setZoomState(getZoom(group));
    return subscribeZoom(group, setZoomState);
  }, [group]);
  return zoom;
}

export interface UPlotChartProps {
  /** `data-chart-key` and ChartData.key. */
  chartKey: string;
  title: string;
  /** The x key (or label): ChartData.x and the legend's name for x. */
  xKey: string;
  /** How x values are printed (default: from xKey). */
  xKind?: XKind;
  series: PlotSeries[];
  settings: ChartSettings;
  syncGroup: string;
  /** The sync group's x window (useZoomWindow: the chart component reads it once, for its data and for this). */
  zoom: ZoomWindow | null;
  state: ChartState;
  /** Why the chart failed (state error), or a note on runs that failed. */
  error?: string | null;
  /** The plot area's width in CSS pixels, after every resize. */
  onPlotWidth?: (px: number) => void;
}

type ChartElement = HTMLDivElement & { chartData?: ChartData };

/** The test hook on the root element: attributes and `chartData`, all set at once. */
function publish(root: ChartElement, props: UPlotChartProps, smoothedLines: readonly (Points | null)[]): void {
  const { zoom } = props;
  root.chartData = {
    key: props.chartKey,
    x: props.xKey,
    window: zoom ? { min: zoom.min, max: zoom.max } : null,
    series: props.series.map((s, i) => ({ label: s.label, run: s.run, rawCount: s.rawCount, aggregated: s.aggregated, points: s.points, smoothed: smoothedLines[i] ?? null })),
  };
  root.dataset.state = props.state;
  root.dataset.aggregated = String(props.series.some((s) => s.aggregated));
  root.dataset.rawCount = String(rawCountOf(props.series));
}

function captionOf(props: UPlotChartProps): string {
  const hasPoints = props.series.some((s) => s.points.length > 0);
  if (props.state === 'error') return `error: ${props.error ?? 'failed'}`;
  if (props.state === 'loading' && !hasPoints) return 'loading…';
  const text = captionText(props.series, props.settings.logScale);
  return props.error ? `${text} · ${props.error}` : text;
}

function overlayOf(props: UPlotChartProps): string | null {
  if (props.state === 'error') return props.error ?? 'failed';
  if (props.state === 'empty') return 'no numeric values';
  if (props.state === 'loading' && !props.series.some((s) => s.points.length > 0)) return 'loading…';
  return null;
}

/** One chart: frame, uPlot instance, zoom sync and the test hook. */
export function UPlotChart(props: UPlotChartProps) {
  const rootRef = useRef<ChartElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const { zoom } = props;
  const { smoothing, logScale } = props.settings;
  const smoothed = clampSmoothing(smoothing) > 0;
  // The EMA runs once per change of series or weight, for both the drawing and the test hook.
  const smoothedLines = useMemo(() => props.series.map((s) => smoothedPoints(s, smoothing)), [props.series, smoothing]);
  const data = useMemo(() => buildPlotData(props.series, { smoothing, logScale }, smoothedLines) as uPlot.AlignedData, [props.series, smoothing, logScale, smoothedLines]);
  const lines = props.series.map((s) => ({ label: s.label, color: s.color }));
  const xKind = props.xKind ?? xKindOf(props.xKey);
  const shapeKey = JSON.stringify([props.xKey, xKind, lines, smoothed, logScale, props.syncGroup]);

  useLayoutEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const shape: PlotShape = { xKey: props.xKey, xKind, lines, smoothed, logScale, syncGroup: props.syncGroup };
    const callbacks: PlotCallbacks = {
      onPlotWidth: (px) => latest.current.onPlotWidth?.(px),
      onDraw: () => {
        if (rootRef.current) rootRef.current.dataset.drawnAt = String(performance.now());
      },
    };
    const plot = new uPlot(plotOptions(shape, Math.floor(host.clientWidth), callbacks), data, host);
    plotRef.current = plot;
    return () => {
      plotRef.current = null;
      plot.destroy();
    };
  }, [shapeKey]);

  useFitWidth(hostRef, plotRef, PLOT_HEIGHT);

  useLayoutEffect(() => {
    const plot = plotRef.current;
    if (!plot) return;
    // One draw: new data with scales reset to it, then the zoom window on x (y re-ranges to the
    // points inside it). Not zoomed, the chart follows a growing run.
    plot.batch(() => {
      plot.setData(data, true);
      if (zoom) plot.setScale('x', zoom);
    });
    plot.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
  }, [data, zoom, shapeKey]);

  useLayoutEffect(() => {
    if (rootRef.current) publish(rootRef.current, props, smoothedLines);
  }, [props.series, props.state, props.chartKey, props.xKey, smoothing, zoom, smoothedLines]);

  const overlay = overlayOf(props);
  return (
    <div class="chart" data-chart-key={props.chartKey} ref={rootRef}>
      <div class="chart-head">
        <div class="chart-title" title={props.title}>
          {props.title}
        </div>
        {zoom && (
          <button type="button" class="chart-reset" title="Show everything (or double-click the chart)" onClick={() => setZoom(props.syncGroup, null)}>
            reset zoom
          </button>
        )}
      </div>
      <div class="chart-caption">{captionOf(props)}</div>
      <div class="chart-body">
        <div class="chart-plot" ref={hostRef} />
        {overlay && <div class="chart-overlay">{overlay}</div>}
      </div>
    </div>
  );
}
