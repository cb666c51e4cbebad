/**
 * The compare view's media: for every media key of the runs, the runs' panels side by side (each
 * labelled with the run's colour and name, `div.media-compare-run[data-run-id]` around its panel),
 * grouped by key prefix like the charts.
 */
import type { RunPath } from '../api.js';
import { Lazy } from '../pages/chart-sections.js';
import { DEFAULT_SECTION } from '../pages/chart-keys.js';
import { Section } from '../ui/section.js';
import { mediaSections, type MediaEntry } from './media-keys.js';
import { MediaPanel } from './media-panel.js';

/** Above this many panels (keys × runs), panels mount lazily. */
const EAGER_LIMIT = 24;

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
    <div class="media-sections" data-area="media">
      {mediaSections([...first.values()], query).map((s) => {
        const id = `media:${s.name}`;
        return (
          <Section key={s.name} title={s.name === DEFAULT_SECTION ? 'Media' : `Media · ${s.name}`} section={id} note={String(s.entries.length)} collapsed={collapsed.has(id)} onToggle={() => onToggle(id)}>
            {s.entries.map(({ key }) => (
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
            ))}
          </Section>
        );
      })}
    </div>
  );
}
