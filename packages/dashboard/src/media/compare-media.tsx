/**
 * The compare view's media: for every media key of the runs, the runs' panels side by side (each
 * labelled with the run's colour and name, `div.media-compare-run[data-run-id]` around its panel),
 * grouped by key prefix like the charts.
 */
import type { RunPath } from '../api.js';
import { Lazy } from '../pages/chart-sections.js';
import { mediaSections, type MediaEntry } from './media-keys.js';
import { MediaPanel } from './media-panel.js';
import { EAGER_LIMIT, MediaArea } from './media-sections.js';

/** One run of the comparison with its media keys. */
export interface CompareMediaRun {
  path: RunPath;
  label: string;
  color: string;
  /** The run's history version (ChartRun.version). */
  version: number;
  entries: readonly MediaEntry[];
}

/** The runs and the page's shared state. */
export interface CompareMediaProps {
  runs: readonly CompareMediaRun[];
  query: string;
  collapsed: ReadonlySet<string>;
  onToggle: (key: string) => void;
}

/** Media sections of the compare view (`data-section="media:<name>"`); nothing when no run has media. */
export function CompareMedia({ runs, query, collapsed, onToggle }: CompareMediaProps) {
  const first = new Map<string, MediaEntry>();
  for (const run of runs) for (const e of run.entries) if (!first.has(e.key)) first.set(e.key, e);
  if (first.size === 0) return null;
  const eager = runs.reduce((n, r) => n + r.entries.length, 0) <= EAGER_LIMIT;
  return (
    <MediaArea sections={mediaSections([...first.values()], query)} collapsed={collapsed} onToggle={onToggle}>
      {(shown) =>
        shown.map(({ key }) => (
          <div class="media-grid media-compare-key" key={key} data-media-compare-key={key}>
            {runs.map((run) => {
              const entry = run.entries.find((e) => e.key === key);
              return entry ? (
                <Lazy key={run.path.run} eager={eager} className="media-cell media-compare-run">
                  <div class="media-run-label" data-run-id={run.path.run}>
                    <span class="swatch" style={{ background: run.color }} />
                    {run.label}
                  </div>
                  <MediaPanel run={run.path} entry={entry} version={run.version} />
                </Lazy>
              ) : null;
            })}
          </div>
        ))
      }
    </MediaArea>
  );
}
