/**
 * What every uPlot chart of the dashboard shares (history and system charts, custom charts): uPlot's
 * stylesheet with the dashboard's legend and selection, the axis colours, the x range of a single
 * point, and keeping the plot as wide as its host.
 */
import 'uplot/dist/uPlot.min.css';
import './uplot.css';
import type uPlot from 'uplot';
import { useLayoutEffect } from 'preact/hooks';

/** Colour of the axes' labels and lines. */
export const AXIS_STROKE = '#555';
/** The faint grid lines and tick marks. */
export const GRID = { stroke: 'rgba(0,0,0,0.08)', width: 1 };

/** True for a value uPlot can place (a finite number). */
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The x range of the data: one unit either side of a single x, [0, 1] without data. */
export function xRange(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min == null || max == null) return [0, 1];
  if (min === max) return [min - 1, max + 1];
  return [min, max];
}

/** Keeps the uPlot instance in `plotRef` as wide as `hostRef`'s element, at `height` (a hidden host, width 0, is left alone). */
export function useFitWidth(hostRef: { current: HTMLDivElement | null }, plotRef: { current: uPlot | null }, height: number): void {
  useLayoutEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let lastWidth = -1;
    const observer = new ResizeObserver((entries) => {
      const width = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (width === lastWidth || width < 1) return; // height changes (the legend growing) are not ours to follow
      lastWidth = width;
      const plot = plotRef.current;
      if (plot && plot.width !== width) plot.setSize({ width, height });
    });
    observer.observe(host);
    return () => observer.disconnect();
  }, []);
}
