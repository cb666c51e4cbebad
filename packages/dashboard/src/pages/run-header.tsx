/** The run page's header: name, id, state, times, where it ran, tags, notes. */
import type { ComponentChildren } from 'preact';
import type { RunDetail } from '../api.js';
import { RelTime, StateBadge, TagChips } from '../ui/badges.js';
import { formatDuration } from '../ui/format.js';

function Meta({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="meta">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The header block of the run page. */
export function RunHeader({ run }: { run: RunDetail }) {
  return (
    <div class="run-head">
      <div class="run-title">
        <h1>{run.displayName ?? run.name}</h1>
        <StateBadge state={run.state} />
        <span class="run-id mono" title="Run id">
          {run.name}
        </span>
      </div>
      <dl class="meta-grid">
        <Meta label="Created">
          <RelTime iso={run.createdAt} />
        </Meta>
        <Meta label="Runtime">{formatDuration(run.runtime)}</Meta>
        <Meta label="Last heartbeat">
          <RelTime iso={run.heartbeatAt} />
        </Meta>
        {run.host ? <Meta label="Host">{run.host}</Meta> : null}
        {run.program ? (
          <Meta label="Program">
            <span class="mono">{run.program}</span>
          </Meta>
        ) : null}
        {run.group ? <Meta label="Group">{run.group}</Meta> : null}
        {run.jobType ? <Meta label="Job type">{run.jobType}</Meta> : null}
        {run.sweep ? <Meta label="Sweep">{run.sweep}</Meta> : null}
        {run.commit ? (
          <Meta label="Commit">
            <span class="mono" title={run.repo ?? undefined}>
              {run.commit.slice(0, 12)}
            </span>
          </Meta>
        ) : null}
        {run.exitcode !== null ? (
          <Meta label="Exit code">
            <span class={run.exitcode === 0 ? undefined : 'bad'}>{run.exitcode}</span>
          </Meta>
        ) : null}
        {run.tags.length > 0 ? (
          <Meta label="Tags">
            <TagChips tags={run.tags} />
          </Meta>
        ) : null}
      </dl>
      {run.notes || run.description ? <p class="notes">{run.notes ?? run.description}</p> : null}
    </div>
  );
}
