/**
 * Custom charts (`wandb.plot.line`, `confusion_matrix`, `pr_curve`...) in the charts area: each
 * draws the table logged under its `tableKey` (the summary value, or else the key's last history
 * value) with the custom chart viewer. The table is fetched again when the summary names a new file.
 */
import type { CustomChartSpec, RunPath } from '../api.js';
import { filterKeys } from '../pages/chart-keys.js';
import { Section } from '../ui/section.js';
import { CustomChartPanel } from '../viewers/index.js';
import { PanelBoundary } from './panel-boundary.js';
import { frameState, MediaFrame } from './media-frame.js';
import { summaryValueAt } from './media-keys.js';
import { fileItem, typeOf } from './media-types.js';
import { useRunFile } from './run-files.js';
import { readTable } from './table-panel.js';
import { useStepValues } from './use-step-values.js';

/** One custom chart of a run. */
interface CustomChartCellProps {
  run: RunPath;
  chart: CustomChartSpec;
  summary: Readonly<Record<string, unknown>>;
  version: number;
}

/** The table-file value a chart draws: the summary's, else the last one in history. */
function useChartTableRef({ run, chart, summary, version }: CustomChartCellProps) {
  const fromSummary = summaryValueAt(summary, chart.tableKey);
  const inSummary = typeOf(fromSummary) === 'table-file';
  // Limit 1: the server sends the key's last value.
  const history = useStepValues(run, inSummary ? null : chart.tableKey, version, 1);
  const last = history.values[history.values.length - 1]?.value;
  return { ref: inSummary ? fromSummary : last, source: inSummary ? ('summary' as const) : ('history' as const), loading: !inSummary && history.loading, error: inSummary ? null : history.error };
}

/** A custom chart in its frame (`data-media-type="custom-chart"`). */
function CustomChartCell(props: CustomChartCellProps) {
  const { run, chart, version } = props;
  const ref = useChartTableRef(props);
  const path = fileItem(ref.ref)?.path ?? null;
  const file = useRunFile(run, path, readTable, version);
  const table = file.state === 'ready' ? file.value : null;
  const error = ref.error ?? (file.state === 'error' ? file.error : null);
  const state = frameState(ref.loading || (path !== null && file.state === 'loading'), table !== null, error);
  const attrs = { 'data-panel-def': chart.panelDefId, 'data-table-key': chart.tableKey, 'data-path': path ?? undefined, 'data-row-total': table?.data.length };
  return (
    <MediaFrame mediaKey={chart.key} type="custom-chart" source={ref.source} state={state} error={error} attrs={attrs}>
      {table ? (
        <PanelBoundary mediaKey={chart.key}>
          <CustomChartPanel chart={chart} table={table} />
        </PanelBoundary>
      ) : null}
    </MediaFrame>
  );
}

/** The run's custom charts and the page's shared state. */
export interface CustomChartsProps {
  run: RunPath;
  charts: readonly CustomChartSpec[];
  summary: Readonly<Record<string, unknown>>;
  version: number;
  query: string;
  collapsed: boolean;
  onToggle: () => void;
}

/** The "Custom charts" section (`data-section="custom-charts"`); nothing when the run has none. */
export function CustomCharts({ run, charts, summary, version, query, collapsed, onToggle }: CustomChartsProps) {
  if (charts.length === 0) return null;
  const keys = new Set(filterKeys(charts.map((c) => c.key), query));
  const shown = charts.filter((c) => keys.has(c.key));
  if (shown.length === 0) return null;
  return (
    <Section title="Custom charts" section="custom-charts" note={String(shown.length)} collapsed={collapsed} onToggle={onToggle}>
      <div class="chart-grid">
        {shown.map((chart) => (
          <div class="chart-cell" key={chart.key}>
            <CustomChartCell run={run} chart={chart} summary={summary} version={version} />
          </div>
        ))}
      </div>
    </Section>
  );
}
