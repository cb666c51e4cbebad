/**
 * Several runs of a project on the same charts: a legend (one colour per run, by position), the
 * shared toolbar, one chart per key of the union of the runs' keys, the runs' media side by side,
 * system metrics, and config and summary tables highlighting what differs. Follows every run live.
 */
import { useMemo } from 'preact/hooks';
import type { MetricInfo, RunDetail, RunPath } from '../api.js';
import type { ChartRun } from '../charts/contract.js';
import { CompareMedia, type CompareMediaRun } from '../media/compare-media.js';
import { mediaEntries, plainHistoryKeys } from '../media/media-keys.js';
import { routeHref } from '../router.js';
import { StateBadge } from '../ui/badges.js';
import { colorAt } from '../ui/palette.js';
import { Section } from '../ui/section.js';
import { chartKeys, xAxisOptions } from './chart-keys.js';
import { ChartSections } from './chart-sections.js';
import { ChartToolbar } from './chart-toolbar.js';
import { comparePaths } from './compare-paths.js';
import { CompareTable } from './compare-table.js';
import { SystemSection } from './system-section.js';
import { useChartPageState } from './use-page-state.js';
import { useRunDetails } from './use-run-details.js';

const pickConfig = (run: RunDetail) => run.config;
const pickSummary = (run: RunDetail) => run.summary;

/** The project and the run ids of the compare route. */
export interface CompareViewProps {
  entity: string;
  project: string;
  runs: string[];
}

/** The compare page (`data-page="compare"`). */
export function CompareView({ entity, project, runs: ids }: CompareViewProps) {
  // The ids as routed (an id may hold a ','); the paths keep their identity while the ids are equal.
  const idsKey = JSON.stringify(ids);
  const paths = useMemo<RunPath[]>(() => comparePaths(entity, project, JSON.parse(idsKey) as string[]), [entity, project, idsKey]);
  const { details, errors, versions } = useRunDetails(paths);
  const { toolbar, setToolbar, settings, collapsed, toggle, chartProps, panel } = useChartPageState();

  // Charts draw the runs that loaded (a run that is gone would only fail); the list keeps its
  // identity until a run loads, is renamed or its history version moves, so live detail refetches
  // do not reset the charts and a run's new history refetches that run alone.
  const shape = JSON.stringify(details.map((d, i) => (d ? [d.displayName ?? d.name, versions[i] ?? 0] : null)));
  const chartRuns = useMemo<ChartRun[]>(
    () => (JSON.parse(shape) as ([string, number] | null)[]).flatMap((entry, i) => (entry === null ? [] : [{ path: paths[i]!, label: entry[0], color: colorAt(i), version: entry[1] }])),
    [paths, shape],
  );
  const loaded = useMemo(() => details.flatMap((d, i) => (d ? [{ run: d, color: colorAt(i) }] : [])), [details]);
  // A key's definition comes from the first run that defines it.
  const metrics = useMemo<MetricInfo[]>(() => loaded.flatMap((l) => l.run.metrics ?? []), [loaded]);
  const historyKeys = useMemo(() => [...new Set(loaded.flatMap((l) => l.run.historyKeys))], [loaded]);
  // A key is charted when it is plain (not media) in any run.
  const plainKeys = useMemo(() => [...new Set(loaded.flatMap((l) => plainHistoryKeys(l.run.historyKeys, l.run.historyKeyTypes)))], [loaded]);
  const keys = useMemo(() => chartKeys(plainKeys, metrics), [plainKeys, metrics]);
  const mediaRuns = useMemo<CompareMediaRun[]>(
    () => details.flatMap((d, i) => (d ? [{ path: paths[i]!, label: d.displayName ?? d.name, color: colorAt(i), version: versions[i] ?? 0, entries: mediaEntries(d.historyKeys, d.historyKeyTypes, d.summary, d.metrics ?? []) }] : [])),
    [details, paths, versions],
  );
  const xOptions = useMemo(() => xAxisOptions(historyKeys, loaded.map((l) => l.run.summary)), [historyKeys, loaded]);

  const without = (id: string) => routeHref({ page: 'compare', entity, project, runs: ids.filter((r) => r !== id) });

  if (paths.length === 0) {
    return (
      <div class="page" data-page="compare">
        <p class="empty">
          No runs to compare. Select runs in the <a href={routeHref({ page: 'runs', entity, project })}>runs table</a>.
        </p>
      </div>
    );
  }

  return (
    <div class="page compare-page" data-page="compare">
      <div class="page-head">
        <h1>
          Compare {paths.length} runs <span class="muted">in {entity}/{project}</span>
        </h1>
      </div>
      <ul class="legend" aria-label="Runs">
        {paths.map((path, i) => {
          const d = details[i];
          return (
            <li key={path.run} data-run-id={path.run}>
              <span class="swatch" style={{ background: colorAt(i) }} />
              <a href={routeHref({ page: 'run', ...path })}>{d?.displayName ?? path.run}</a>
              {d ? <StateBadge state={d.state} /> : null}
              {errors[i] ? <span class="alert inline">{errors[i]}</span> : d ? null : <span class="muted">loading…</span>}
              {paths.length > 1 ? (
                <a class="remove" href={without(path.run)} title="Remove from the comparison" aria-label={`Remove ${path.run} from the comparison`}>
                  ×
                </a>
              ) : null}
            </li>
          );
        })}
      </ul>
      <div class="sticky-tools">
        <ChartToolbar state={toolbar} xOptions={xOptions} onChange={setToolbar} />
      </div>
      {loaded.length === 0 ? (
        <p class="muted">Loading…</p>
      ) : (
        <>
          <ChartSections keys={keys} metrics={metrics} runs={chartRuns} {...chartProps} />
          <CompareMedia runs={mediaRuns} query={toolbar.query} collapsed={collapsed} onToggle={toggle} />
          <SystemSection runs={chartRuns} xAxis={toolbar.xAxis} query={toolbar.query} settings={settings} {...panel('system')} />
          <Section title="Config" panel="config" {...panel('config')}>
            <CompareTable label="Config" runs={loaded} pick={pickConfig} />
          </Section>
          <Section title="Summary" panel="summary" {...panel('summary')}>
            <CompareTable label="Summary" runs={loaded} pick={pickSummary} />
          </Section>
        </>
      )}
    </div>
  );
}
