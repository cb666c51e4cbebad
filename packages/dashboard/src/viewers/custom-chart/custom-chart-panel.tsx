/**
 * A logged custom chart (`wandb.plot.*`): W&B's presets drawn without vega (see presets.ts), an
 * unknown preset as its raw table.
 *
 * Test hook on the root `div.custom-chart`: `data-chart-key`, `data-panel-def`, `data-state`
 * (loading while the table is null, error for a field naming a missing column, empty when nothing
 * is drawable, else ready), `data-series` and `data-points` (what is drawn: lines and their points;
 * bars; histogram bins; matrix classes and cells; the ROC diagonal is not counted), `data-matrix`
 * (confusion matrix: JSON `{labels, counts}`, counts[actual][predicted]) and `data-bins` (histogram:
 * JSON `{start, width, counts}`).
 */
import '../viewers.css';
import { useMemo } from 'preact/hooks';
import { formatNumber } from '../../charts/format.js';
import { colorAt } from '../../ui/palette.js';
import { BarChart } from './bar-chart.js';
import { MatrixGrid } from './matrix-grid.js';
import { chartModel, isEmptyModel, summaryOf, type ChartModel, type CustomChartSpec, type XYModel } from './presets.js';
import { RawTable } from './raw-table.js';
import type { ChartTable } from './table-columns.js';
import { XYPlot, type PlotLine, type XYPlotProps } from './xy-plot.js';

/** The chart's config and its table (null while it loads). */
export interface CustomChartPanelProps {
  chart: CustomChartSpec;
  table: ChartTable | null;
}

/** `data-state` of a custom chart. */
export type CustomChartState = 'loading' | 'ready' | 'empty' | 'error';

const GUIDE_COLOR = '#8c959f';

function modelOf(chart: CustomChartSpec, table: ChartTable): ChartModel {
  if (!Array.isArray(table.columns) || !Array.isArray(table.data)) return { kind: 'error', message: 'the table has no columns or rows' };
  try {
    return chartModel(chart, table);
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

function xyPlotProps(model: XYModel): XYPlotProps {
  const lines: PlotLine[] = model.series.map((s, i) => ({ label: s.label || `series ${i + 1}`, color: colorAt(i), style: model.mode === 'scatter' ? 'points' : 'line', points: s.points }));
  if (model.diagonal) lines.push({ label: 'chance (y = x)', color: GUIDE_COLOR, style: 'guide', points: [[0, 0], [1, 1]] });
  return { lines, xTitle: model.xTitle, yTitle: model.yTitle, legend: model.legend || model.diagonal };
}

function histogramPlotProps(model: Extract<ChartModel, { kind: 'histogram' }>): XYPlotProps | null {
  const h = model.histogram;
  if (!h) return null;
  const points = h.counts.map((count, i): [number, number] => [h.start + (i + 0.5) * h.width, count]);
  return {
    lines: [{ label: 'count', color: colorAt(0), style: 'bars', points }],
    xTitle: model.xTitle,
    yTitle: 'count',
    legend: false,
    xSpan: [h.start, h.start + h.counts.length * h.width],
    formatX: (x) => `${formatNumber(x - h.width / 2)} – ${formatNumber(x + h.width / 2)}`,
  };
}

function stateOf(table: ChartTable | null, model: ChartModel | null): CustomChartState {
  if (!table || !model) return 'loading';
  if (model.kind === 'error') return 'error';
  return isEmptyModel(model) ? 'empty' : 'ready';
}

function Body({ model, table }: { model: ChartModel; table: ChartTable }) {
  const plot = useMemo(() => (model.kind === 'xy' ? xyPlotProps(model) : model.kind === 'histogram' ? histogramPlotProps(model) : null), [model]);
  if (isEmptyModel(model)) return <div class="viewer-note">No drawable values in the table.</div>;
  switch (model.kind) {
    case 'xy':
    case 'histogram':
      return plot ? <XYPlot {...plot} /> : null;
    case 'bars':
      return <BarChart bars={model.bars} labelTitle={model.labelTitle} valueTitle={model.valueTitle} />;
    case 'matrix':
      return <MatrixGrid matrix={model.matrix} />;
    case 'raw':
      return (
        <>
          <div class="viewer-note">{model.note}</div>
          <RawTable table={table} />
        </>
      );
    case 'error':
      return <div class="viewer-error">{model.message}</div>;
  }
}

/** One custom chart; see the module comment for its test hook. */
export function CustomChartPanel({ chart, table }: CustomChartPanelProps) {
  // The chart config may be a new object on every render of the page: memoise on its content.
  const specKey = JSON.stringify([chart.panelDefId, chart.fields, chart.stringFields]);
  const model = useMemo(() => (table ? modelOf(chart, table) : null), [specKey, table]);
  const summary = model ? summaryOf(model) : { series: 0, points: 0 };
  const title = chart.stringFields?.title?.trim() || chart.key;
  return (
    <div
      class="viewer-panel custom-chart"
      data-chart-key={chart.key}
      data-panel-def={chart.panelDefId}
      data-state={stateOf(table, model)}
      data-series={summary.series}
      data-points={summary.points}
      data-matrix={model?.kind === 'matrix' ? JSON.stringify(model.matrix) : undefined}
      data-bins={model?.kind === 'histogram' && model.histogram ? JSON.stringify({ start: model.histogram.start, width: model.histogram.width, counts: model.histogram.counts }) : undefined}
    >
      <div class="viewer-title" title={`${title} (${chart.panelDefId})`}>
        {title}
      </div>
      {model && table ? <Body model={model} table={table} /> : <div class="viewer-note">loading…</div>}
    </div>
  );
}
