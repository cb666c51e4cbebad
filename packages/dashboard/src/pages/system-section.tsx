/**
 * System metrics (`system.*` keys of the events stream): every events line of each run, loaded in
 * pages and then tailed on live changes, drawn as one PointsChart per key against the run's time.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { fetchEvents, type EventsLine, type RunPath } from '../api.js';
import type { ChartRun, ChartSettings } from '../charts/contract.js';
import { PointsChart } from '../charts/points-chart.js';
import { watchLive } from '../live.js';
import { errorMessage, handleUnauthorized } from '../ui/api-errors.js';
import { Section } from '../ui/section.js';
import { filterKeys, systemSeries, systemX } from './chart-keys.js';
import { xAxisLabel } from './chart-toolbar.js';
import { LineTail } from './line-tail.js';
import { RunChangeTracker } from './run-change-tracker.js';

/** Every events line of each run (by position), tailed live. `paths` must keep its identity. */
function useEvents(paths: readonly RunPath[]) {
  const [events, setEvents] = useState<(readonly EventsLine[])[]>(() => paths.map(() => []));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const tails = paths.map(
      (path, index) =>
        new LineTail<EventsLine>(
          (from, limit) => fetchEvents(path, from, limit),
          (lines) => setEvents((old) => paths.map((_, i) => (i === index ? lines : (old[i] ?? [])))),
          (e) => !handleUnauthorized(e) && setError(errorMessage(e)),
        ),
    );
    for (const tail of tails) void tail.poll();
    // Only new events lines (or a resync after a reconnect) are worth a request.
    const unwatch = paths.map((path, index) => {
      const tracker = new RunChangeTracker();
      return watchLive(path, (change) => {
        if (tracker.next(change).events) void tails[index]!.poll();
      });
    });
    return () => {
      for (const tail of tails) tail.stop();
      for (const u of unwatch) u();
    };
  }, [paths]);
  return { events, error };
}

/** The runs and the shared chart settings. */
export interface SystemSectionProps {
  /** The runs, with their label and colour. */
  runs: readonly ChartRun[];
  xAxis: string;
  query: string;
  settings: ChartSettings;
  collapsed: boolean;
  onToggle: () => void;
}

/** The "System" section (`data-section="system"`); nothing while no run has system metrics. */
export function SystemSection({ runs, xAxis, query, settings, collapsed, onToggle }: SystemSectionProps) {
  // The same runs keep the same tails (a relabelled run is not fetched again).
  const pathKey = JSON.stringify(runs.map((r) => [r.path.entity, r.path.project, r.path.run]));
  const paths = useMemo(() => (JSON.parse(pathKey) as [string, string, string][]).map(([entity, project, run]) => ({ entity, project, run })), [pathKey]);
  const { events, error } = useEvents(paths);
  const x = systemX(xAxis);
  // Series of a run are rebuilt only when that run's lines changed (a tail replaces its array).
  const cache = useMemo(() => new WeakMap<readonly EventsLine[], Map<string, [number, number][]>>(), [x]);
  const perRun = useMemo(
    () =>
      events.map((lines) => {
        let series = cache.get(lines);
        if (!series) cache.set(lines, (series = systemSeries(lines, x)));
        return series;
      }),
    [events, x, cache],
  );
  const keys = useMemo(() => {
    const all = new Set<string>();
    for (const series of perRun) for (const k of series.keys()) all.add(k);
    return filterKeys([...all].sort(), query);
  }, [perRun, query]);
  // One stable series array per key, so a chart redraws only when its points, labels or colours
  // change (not when a run's history version moves).
  const looksKey = JSON.stringify(runs.map((r) => [r.label, r.color]));
  const looks = useMemo(() => JSON.parse(looksKey) as [string, string][], [looksKey]);
  const seriesByKey = useMemo(
    () => new Map(keys.map((key) => [key, looks.map(([label, color], i) => ({ label, color, points: perRun[i]?.get(key) ?? [] })).filter((s) => s.points.length > 0)])),
    [keys, looks, perRun],
  );
  if (keys.length === 0 && !error) return null;
  return (
    <Section title="System" section="system" note={String(keys.length)} collapsed={collapsed} onToggle={onToggle}>
      {error ? <p class="alert">{error}</p> : null}
      <div class="chart-grid">
        {keys.map((key) => (
          <div class="chart-cell" key={key}>
            <PointsChart
              title={key}
              xLabel={xAxisLabel(x)}
              series={seriesByKey.get(key) ?? []}
              settings={settings}
              syncGroup={x}
            />
          </div>
        ))}
      </div>
    </Section>
  );
}
