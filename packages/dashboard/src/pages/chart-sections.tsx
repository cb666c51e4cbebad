/**
 * History charts grouped into collapsible sections by key prefix (`train/loss` → `train`), in a
 * responsive grid. Charts on the same x axis share cursor and zoom (syncGroup = the x key). With many
 * keys, a chart mounts when it first nears the viewport (and then stays), so a run with hundreds of
 * keys does not fetch them all at once.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { MetricInfo } from '../api.js';
import type { ChartRun, ChartSettings } from '../charts/contract.js';
import { HistoryChart } from '../charts/history-chart.js';
import { Section } from '../ui/section.js';
import { effectiveX, filterKeys, groupSections } from './chart-keys.js';

/** Above this many charts on a page, charts mount lazily. */
const EAGER_LIMIT = 48;

/** The keys to chart and everything the charts share. */
export interface ChartSectionsProps {
  keys: readonly string[];
  metrics: readonly MetricInfo[];
  xAxis: string;
  query: string;
  hideEmpty: boolean;
  /** The runs with their history versions (see ChartRun.version). */
  runs: ChartRun[];
  settings: ChartSettings;
  collapsed: ReadonlySet<string>;
  onToggle: (key: string) => void;
}

/** Every chart key of a page, by section (collapsed sections render nothing). */
export function ChartSections({ keys, metrics, xAxis, query, hideEmpty, runs, settings, collapsed, onToggle }: ChartSectionsProps) {
  const sections = useMemo(() => groupSections(filterKeys(keys, query)), [keys, query]);
  const eager = keys.length <= EAGER_LIMIT;
  if (keys.length === 0) return <p class="empty">No history logged yet.</p>;
  if (sections.length === 0) return <p class="empty">No chart matches “{query}”.</p>;
  return (
    <div class={`chart-sections${hideEmpty ? ' hide-empty' : ''}`}>
      {sections.map((s) => (
        <Section key={s.name} title={s.name} section={s.name} note={String(s.keys.length)} collapsed={collapsed.has(`chart:${s.name}`)} onToggle={() => onToggle(`chart:${s.name}`)}>
          <div class="chart-grid">
            {s.keys.map((key) => {
              const x = effectiveX(key, xAxis, metrics);
              return (
                <Lazy key={key} eager={eager}>
                  <HistoryChart yKey={key} xKey={x} runs={runs} settings={settings} syncGroup={x} />
                </Lazy>
              );
            })}
          </div>
        </Section>
      ))}
    </div>
  );
}

/** A grid cell (class `chart-cell` unless given) that renders its content once it has come within a screen of the viewport. */
export function Lazy({ eager, children, className = 'chart-cell' }: { eager: boolean; children: ComponentChildren; className?: string }) {
  const [seen, setSeen] = useState(eager);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (seen || !ref.current) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setSeen(true), { rootMargin: '100% 0px' });
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, [seen]);
  return (
    <div class={`${className}${seen ? '' : ' placeholder'}`} ref={ref}>
      {seen ? children : null}
    </div>
  );
}
