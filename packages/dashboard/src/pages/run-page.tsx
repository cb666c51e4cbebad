/**
 * One run: header, the chart toolbar and history charts by section (visible first) with the run's
 * custom charts, media panels (images, histograms, tables...), system metrics, config and summary
 * tables, console output and files — all following the run live.
 */
import { useMemo } from 'preact/hooks';
import type { RunPath } from '../api.js';
import type { ChartRun } from '../charts/contract.js';
import { CustomCharts } from '../media/custom-charts.js';
import { mediaEntries, plainHistoryKeys } from '../media/media-keys.js';
import { MediaSections } from '../media/media-sections.js';
import { KvTable } from '../ui/kv-table.js';
import { colorAt } from '../ui/palette.js';
import { Section } from '../ui/section.js';
import { chartKeys, xAxisOptions } from './chart-keys.js';
import { ChartSections } from './chart-sections.js';
import { ChartToolbar } from './chart-toolbar.js';
import { ConsolePanel } from './console-panel.js';
import { FilesPanel } from './files-panel.js';
import { RunHeader } from './run-header.js';
import { SystemSection } from './system-section.js';
import { jumpTo, useChartPageState } from './use-page-state.js';
import { useRunDetails } from './use-run-details.js';

const PARTS = [
  ['run-charts', 'Charts'],
  ['run-media', 'Media'],
  ['run-system', 'System'],
  ['run-config', 'Config'],
  ['run-console', 'Console'],
  ['run-files', 'Files'],
] as const;

/** The run page (`data-page="run"`). */
export function RunPage({ path }: { path: RunPath }) {
  const { entity, project, run: runId } = path;
  const paths = useMemo(() => [{ entity, project, run: runId }], [entity, project, runId]);
  const { details, errors, versions } = useRunDetails(paths);
  const run = details[0] ?? null;
  const error = errors[0] ?? null;
  const { toolbar, setToolbar, settings, collapsed, toggle, chartProps, panel } = useChartPageState();

  const label = run ? (run.displayName ?? run.name) : runId;
  const version = versions[0] ?? 0;
  const chartRuns = useMemo<ChartRun[]>(() => [{ path: paths[0]!, label, color: colorAt(0), version }], [paths, label, version]);
  const metrics = useMemo(() => run?.metrics ?? [], [run?.metrics]);
  const historyKeys = run?.historyKeys;
  const keyTypes = run?.historyKeyTypes;
  const plainKeys = useMemo(() => plainHistoryKeys(historyKeys ?? [], keyTypes), [historyKeys, keyTypes]);
  const keys = useMemo(() => chartKeys(plainKeys, metrics), [plainKeys, metrics]);
  const summary = run?.summary;
  const media = useMemo(() => mediaEntries(historyKeys ?? [], keyTypes, summary ?? {}, metrics), [historyKeys, keyTypes, summary, metrics]);
  const customCharts = run?.charts ?? [];
  const xOptions = useMemo(() => xAxisOptions(plainKeys, summary ? [summary] : []), [plainKeys, summary]);

  if (!run) {
    return (
      <div class="page run-page" data-page="run" data-run-id={runId}>
        {error ? <p class="alert">{error}</p> : <p class="muted">Loading…</p>}
      </div>
    );
  }

  return (
    <div class="page run-page" data-page="run" data-run-id={runId}>
      <RunHeader run={run} />
      {error ? <p class="alert">Refreshing failed: {error}</p> : null}
      <div class="sticky-tools">
        <ChartToolbar state={toolbar} xOptions={xOptions} onChange={setToolbar} />
        <nav class="jump" aria-label="Parts of the page">
          {PARTS.filter(([id]) => id !== 'run-media' || media.length > 0).map(([id, title]) => (
            <button type="button" class="link" key={id} onClick={() => jumpTo(id)}>
              {title}
            </button>
          ))}
        </nav>
      </div>
      <div id="run-charts">
        {keys.length > 0 || (media.length === 0 && customCharts.length === 0) ? <ChartSections keys={keys} metrics={metrics} runs={chartRuns} {...chartProps} /> : null}
        <CustomCharts run={paths[0]!} charts={customCharts} summary={run.summary} version={version} query={toolbar.query} {...panel('custom-charts')} />
      </div>
      <div id="run-media">
        <MediaSections run={paths[0]!} entries={media} version={version} query={toolbar.query} collapsed={collapsed} onToggle={toggle} />
      </div>
      <div id="run-system">
        <SystemSection runs={chartRuns} xAxis={toolbar.xAxis} query={toolbar.query} settings={settings} {...panel('system')} />
      </div>
      <div class="two-col" id="run-config">
        <Section title="Config" panel="config" {...panel('config')}>
          <KvTable label="Config" values={run.config} />
        </Section>
        <Section title="Summary" panel="summary" {...panel('summary')}>
          <KvTable label="Summary" values={run.summary} />
        </Section>
      </div>
      <div id="run-console">
        <Section title="Console" panel="console" {...panel('console')}>
          <ConsolePanel path={paths[0]!} />
        </Section>
      </div>
      <div id="run-files">
        <Section title="Files" panel="files" note={String(run.files.length)} {...panel('files')}>
          <FilesPanel path={paths[0]!} files={run.files} />
        </Section>
      </div>
    </div>
  );
}
