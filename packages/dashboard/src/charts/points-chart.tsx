/**
 * A chart of points the page already holds (system metrics from the events stream): the same
 * drawing, smoothing, log scale, zoom and cursor sync as HistoryChart, without fetching.
 */
import { useMemo } from 'preact/hooks';
import type { PointsChartProps } from './contract.js';
import { xKindOf, xKindOfLabel } from './format.js';
import { countInWindow, hasNumericValues, type PlotSeries } from './series-data.js';
import { UPlotChart, useZoomWindow } from './uplot-chart.js';

/** A chart of `series` (see the contract); its test hook has run null and key = title. */
export function PointsChart(props: PointsChartProps) {
  const { title, xLabel, series, settings, syncGroup } = props;
  const zoom = useZoomWindow(syncGroup);
  // The sync group is the x key by contract; the label may be prose ("Relative time (s)").
  const xKind = xKindOf(syncGroup) !== 'number' ? xKindOf(syncGroup) : xKindOfLabel(xLabel);
  const plotSeries = useMemo<PlotSeries[]>(
    () => series.map((s) => ({ label: s.label, color: s.color, run: null, points: s.points, rawCount: countInWindow(s.points, zoom), aggregated: false })),
    [series, zoom],
  );
  return (
    <UPlotChart
      chartKey={title}
      title={title}
      xKey={xLabel}
      xKind={xKind}
      series={plotSeries}
      settings={settings}
      syncGroup={syncGroup}
      zoom={zoom}
      state={hasNumericValues(plotSeries) ? 'ready' : 'empty'}
    />
  );
}
