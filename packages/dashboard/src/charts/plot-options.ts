/**
 * The uPlot options of a chart: series styling (smoothed line over a faint raw line), scales (log
 * on y), axes and legend formatting, and the zoom interaction, which goes through the group's zoom
 * store rather than uPlot's own setScale so that every chart of the group follows (and refetches).
 */
import uPlot from 'uplot';
import { formatLogTicks, formatNumber, formatRuntimeTicks, formatTicks, formatX, RUNTIME_INCRS, xLabelOf, type XKind } from './format.js';
import { seriesLayout } from './series-data.js';
import { AXIS_STROKE, GRID, isFiniteNumber, xRange } from './uplot-base.js';
import { setZoom } from './zoom-sync.js';

/** Height of the plot area with its axes, CSS pixels (the legend comes below). */
export const PLOT_HEIGHT = 220;
/** Width of the y axis: fixed, so the plot width (and the buckets asked) does not follow its labels. */
const Y_AXIS_SIZE = 60;
/** Faint raw line behind a smoothed one. */
const RAW_ALPHA = 0.25;
/** Class of the raw lines' legend rows and hover points, hidden by charts.css. */
const RAW_CLASS = 'chart-raw';

/** What the options depend on; a change of any of these recreates the uPlot instance. */
export interface PlotShape {
  xKey: string;
  xKind: XKind;
  lines: { label: string; color: string }[];
  smoothed: boolean;
  logScale: boolean;
  syncGroup: string;
}

/** Callbacks into the chart component (read at call time, so they can change without recreating). */
export interface PlotCallbacks {
  /** The plot area's width in CSS pixels, after every resize. */
  onPlotWidth(px: number): void;
  /** After every draw of the canvas. */
  onDraw(): void;
}

function yRange(logScale: boolean): uPlot.Range.Function {
  return (_u, min, max) => {
    if (logScale) return isFiniteNumber(min) && isFiniteNumber(max) && min > 0 ? uPlot.rangeLog(min, max, 10, true) : [1, 10];
    if (!isFiniteNumber(min) || !isFiniteNumber(max)) return [0, 1];
    return uPlot.rangeNum(min, max, { min: { pad: 0.1, soft: 0, mode: 3 }, max: { pad: 0.1, soft: 0, mode: 3 } });
  };
}

function xAxis(kind: XKind): uPlot.Axis {
  const axis: uPlot.Axis = { stroke: AXIS_STROKE, grid: GRID, ticks: GRID };
  if (kind === 'runtime') {
    axis.incrs = RUNTIME_INCRS;
    axis.values = (_u, splits, _i, _space, incr) => formatRuntimeTicks(splits, incr);
  } else if (kind === 'number') {
    axis.values = (_u, splits, _i, _space, incr) => formatTicks(splits, incr);
  } // timestamps: uPlot's own local-time ticks
  return axis;
}

function yAxis(logScale: boolean): uPlot.Axis {
  return {
    stroke: AXIS_STROKE,
    grid: GRID,
    ticks: GRID,
    size: Y_AXIS_SIZE,
    values: (_u, splits, _i, _space, incr) => (logScale ? formatLogTicks(splits) : formatTicks(splits, incr)),
  };
}

/** The legend value of a line: its y, and the raw y beside a smoothed one. */
function lineValue(rawIdx: number | null): uPlot.Series.Value {
  return (u, value, _s, idx) => {
    if (!isFiniteNumber(value)) return '--';
    const raw = rawIdx != null && idx != null ? u.data[rawIdx]?.[idx] : null;
    return isFiniteNumber(raw) ? `${formatNumber(value)} (raw ${formatNumber(raw)})` : formatNumber(value);
  };
}

function seriesOptions(shape: PlotShape): uPlot.Series[] {
  const kind = shape.xKind;
  const layout = seriesLayout(shape.lines.length, shape.smoothed);
  const series: uPlot.Series[] = [{ label: xLabelOf(shape.xKey), value: (_u, v) => (isFiniteNumber(v) ? formatX(kind, v) : '--') }];
  shape.lines.forEach((line, i) => {
    const rawIdx = layout.raw[i] ?? null;
    if (rawIdx != null) {
      series[rawIdx] = { label: `${line.label} (raw)`, class: RAW_CLASS, stroke: line.color, width: 1, alpha: RAW_ALPHA, points: { show: false }, spanGaps: false };
    }
    series[layout.main[i]!] = { label: line.label, stroke: line.color, width: 1.5, spanGaps: false, value: lineValue(rawIdx) };
  });
  return series;
}

/** A smoothed line and its raw line toggle together when the legend is clicked. */
function mirrorToggle(shape: PlotShape): (u: uPlot, idx: number | null) => void {
  const layout = seriesLayout(shape.lines.length, shape.smoothed);
  return (u, idx) => {
    const run = idx == null ? -1 : layout.main.indexOf(idx);
    const rawIdx = run < 0 ? null : layout.raw[run];
    if (idx == null || rawIdx == null) return;
    const visible = u.series[idx]?.show !== false;
    if ((u.series[rawIdx]?.show !== false) !== visible) u.setSeries(rawIdx, { show: visible }, false);
  };
}

/** The x span [first, last] of each column's points (undefined marks x values a run lacks). */
function xExtents(data: uPlot.AlignedData): ([number, number] | null)[] {
  const xs = data[0] as ArrayLike<number>;
  return data.map((col, i) => {
    if (i === 0) return null;
    const ys = col as ArrayLike<number | null | undefined>;
    let first = 0;
    while (first < ys.length && ys[first] === undefined) first++;
    let last = ys.length - 1;
    while (last > first && ys[last] === undefined) last--;
    return first < ys.length ? [xs[first]!, xs[last]!] : null;
  });
}

/** How near (CSS px) the cursor must be to a run's first or last point to show it, outside its span. */
const HOVER_EDGE_PX = 8;

/**
 * Options for one chart. Zoom: a drag on x selects a window, which goes to the group's zoom store
 * (the chart applies it when the store tells it, like every other chart of the group); a
 * double-click resets the group.
 */
export function plotOptions(shape: PlotShape, width: number, callbacks: PlotCallbacks): uPlot.Options {
  // True only while uPlot handles this chart's own mouseup: synced charts see the same selection
  // (their setSelect hook fires too) but must not publish it again with their own rounding.
  let ownMouseUp = false;
  // Each line's x span: hovering past the end of a shorter run shows "--" for it, not its last value.
  let extents: ([number, number] | null)[] = [];
  return {
    width,
    height: PLOT_HEIGHT,
    series: seriesOptions(shape),
    scales: {
      x: { time: shape.xKind === 'timestamp', range: xRange },
      y: shape.logScale ? { distr: 3, log: 10, range: yRange(true) } : { range: yRange(false) },
    },
    axes: [xAxis(shape.xKind), yAxis(shape.logScale)],
    legend: { live: true },
    cursor: {
      sync: { key: shape.syncGroup, setSeries: false, scales: ['x', null] },
      drag: { x: true, y: false, setScale: false },
      hover: {
        prox: (_u, idx, _closest, x) => {
          const span = extents[idx];
          return span && (x < span[0] || x > span[1]) ? HOVER_EDGE_PX : null;
        },
      },
      bind: {
        mouseup: (_u, _targ, handler) => (e) => {
          if (e.button !== 0) return null;
          ownMouseUp = true;
          try {
            handler(e);
          } finally {
            ownMouseUp = false;
          }
          return null;
        },
        dblclick: (_u, targ, _handler) => (e) => {
          if (e.button === 0 && e.target === targ) setZoom(shape.syncGroup, null);
          return null;
        },
      },
    },
    hooks: {
      setSelect: [
        (u) => {
          if (!ownMouseUp || u.select.width < 2) return;
          const min = u.posToVal(u.select.left, 'x');
          const max = u.posToVal(u.select.left + u.select.width, 'x');
          setZoom(shape.syncGroup, { min, max });
        },
      ],
      setData: [(u) => void (extents = xExtents(u.data))],
      setSeries: [mirrorToggle(shape)],
      setSize: [(u) => callbacks.onPlotWidth(u.bbox.width / uPlot.pxRatio)],
      draw: [() => callbacks.onDraw()],
    },
  };
}
