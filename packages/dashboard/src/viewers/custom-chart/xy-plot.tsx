/**
 * A uPlot chart of lines, points or histogram bars on numeric axes with titles, for custom charts.
 * Each line keeps its own x values (aligned as the history charts do, so none is lost); drag to
 * zoom on x, double-click to reset.
 */
import uPlot from 'uplot';
import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { formatNumber, formatTicks } from '../../charts/format.js';
import { alignLines } from '../../charts/series-data.js';
import { AXIS_STROKE, GRID, isFiniteNumber, useFitWidth, xRange } from '../../charts/uplot-base.js';

/** How a line is drawn. */
export type LineStyle = 'line' | 'points' | 'bars' | 'guide';

/** One line of the plot. */
export interface PlotLine {
  label: string;
  color: string;
  style: LineStyle;
  points: [number, number][];
}

/** The plot's lines, axis titles and options. */
export interface XYPlotProps {
  lines: PlotLine[];
  xTitle: string;
  yTitle: string;
  legend: boolean;
  /** The x span to show (histograms: the bins' edges); default: the data's. */
  xSpan?: [number, number];
  /** How the legend prints an x value (histograms: the bin's range). */
  formatX?: (x: number) => string;
}

/** Height of the plot area with its axes, CSS pixels. */
const PLOT_HEIGHT = 260;

function seriesOf(line: PlotLine): uPlot.Series {
  const value = (_u: uPlot, v: unknown) => (isFiniteNumber(v) ? formatNumber(v) : '--');
  const base: uPlot.Series = { label: line.label, stroke: line.color, width: 1.5, value, spanGaps: true };
  switch (line.style) {
    case 'points':
      return { ...base, paths: () => null, points: { show: true, size: 5, width: 1, stroke: line.color, fill: line.color } };
    case 'bars':
      return { ...base, width: 1, fill: `${line.color}99`, paths: uPlot.paths.bars?.({ size: [1, Infinity], gap: 1 }), points: { show: false } };
    case 'guide':
      // A reference line has no value worth reading (uPlot would show its nearest point's).
      return { ...base, width: 1, dash: [5, 5], points: { show: false }, value: () => '' };
    default:
      return base;
  }
}

function axis(title: string, size?: number): uPlot.Axis {
  const options: uPlot.Axis = { label: title, stroke: AXIS_STROKE, grid: GRID, ticks: GRID, values: (_u, splits, _i, _space, incr) => formatTicks(splits, incr) };
  // Only when given: an explicit undefined would replace uPlot's default size and hide the axis.
  if (size !== undefined) options.size = size;
  return options;
}

function options(props: XYPlotProps, width: number): uPlot.Options {
  const { xSpan, formatX } = props;
  const hasBars = props.lines.some((l) => l.style === 'bars');
  return {
    width,
    height: PLOT_HEIGHT,
    series: [{ label: props.xTitle || 'x', value: (_u, v) => (isFiniteNumber(v) ? (formatX ?? formatNumber)(v) : '--') }, ...props.lines.map(seriesOf)],
    scales: {
      x: { time: false, range: (u, min, max) => xSpan ?? xRange(u, min, max) },
      y: { range: (_u, min, max) => (isFiniteNumber(min) && isFiniteNumber(max) ? uPlot.rangeNum(hasBars ? 0 : min, max, 0.1, true) : [0, 1]) },
    },
    axes: [axis(props.xTitle), axis(props.yTitle, 60)],
    legend: { show: props.legend, live: true },
    cursor: { drag: { x: true, y: false } },
  };
}

/** The plot; recreated when its lines or titles change, resized with its host. */
export function XYPlot(props: XYPlotProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const data = useMemo(() => {
    const [xs, columns] = alignLines(props.lines.map((l) => l.points));
    return [xs, ...columns] as uPlot.AlignedData;
  }, [props.lines]);

  useLayoutEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const plot = new uPlot(options(props, Math.max(1, Math.floor(host.clientWidth))), data, host);
    plotRef.current = plot;
    return () => {
      plotRef.current = null;
      plot.destroy();
    };
  }, [data, props.xTitle, props.yTitle, props.legend, props.xSpan?.[0], props.xSpan?.[1]]);

  useFitWidth(hostRef, plotRef, PLOT_HEIGHT);

  return <div class="cc-plot" ref={hostRef} />;
}
