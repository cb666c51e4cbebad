/** One row of the runs table (fixed height, for the windowing) and the columns' titles and widths. */
import { toNumber } from '../api.js';
import { routeHref } from '../router.js';
import { RelTime, StateBadge, TagChips } from '../ui/badges.js';
import { formatDuration, formatValue } from '../ui/format.js';
import type { RunRow } from './runs-query.js';

/** Pixels per row: the windowing needs every row the same height. */
export const ROW_HEIGHT = 44;

const TITLES: Record<string, string> = { name: 'Name', state: 'State', createdAt: 'Created', runtime: 'Runtime', tags: 'Tags', group: 'Group', jobType: 'Job type' };
const WIDTHS: Record<string, number> = { name: 240, state: 110, createdAt: 110, runtime: 90, tags: 180, group: 120, jobType: 110 };

/** A column's header text (value columns show their key). */
export const columnTitle = (column: string) => TITLES[column] ?? column;
/** A column's width in pixels (the table layout is fixed). */
export const columnWidth = (column: string) => WIDTHS[column] ?? 140;

/** A row, the columns shown, its selection and the callbacks. */
export interface RunsTableRowProps {
  row: RunRow;
  columns: readonly string[];
  selected: boolean;
  onToggle: (id: string) => void;
  onTag: (tag: string) => void;
}

/** A table row of one run (`data-run-id` = the run id). */
export function RunsTableRow({ row, columns, selected, onToggle, onTag }: RunsTableRowProps) {
  const run = row.run;
  return (
    <tr data-run-id={run.name} data-state={run.state} class={selected ? 'selected' : undefined} style={{ height: `${ROW_HEIGHT}px` }}>
      <td class="check">
        <input type="checkbox" aria-label={`Select run ${run.name}`} checked={selected} onChange={() => onToggle(run.name)} />
      </td>
      {columns.map((c) => (
        <Cell key={c} row={row} column={c} onTag={onTag} />
      ))}
    </tr>
  );
}

function Cell({ row, column, onTag }: { row: RunRow; column: string; onTag: (tag: string) => void }) {
  const run = row.run;
  switch (column) {
    case 'name':
      return (
        <td class="name-cell">
          <a href={routeHref({ page: 'run', entity: run.entity, project: run.project, run: run.name })} title={run.displayName ?? run.name}>
            {run.displayName ?? run.name}
          </a>
          <span class="run-id">{run.name}</span>
        </td>
      );
    case 'state':
      return (
        <td>
          <StateBadge state={run.state} />
        </td>
      );
    case 'createdAt':
      return (
        <td>
          <RelTime iso={run.createdAt} />
        </td>
      );
    case 'runtime':
      return <td class="tnum">{formatDuration(run.runtime)}</td>;
    case 'tags':
      return (
        <td class="tags-cell" title={run.tags.join(', ')}>
          <TagChips tags={run.tags} onPick={onTag} />
        </td>
      );
    case 'group':
      return <td title={run.group ?? undefined}>{run.group ?? ''}</td>;
    case 'jobType':
      return <td title={run.jobType ?? undefined}>{run.jobType ?? ''}</td>;
    default: {
      const value = row.values.get(column);
      const text = formatValue(value);
      const numeric = typeof value !== 'string' && toNumber(value) !== null;
      return (
        <td class={numeric ? 'tnum' : undefined} title={value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value)}>
          {text}
        </td>
      );
    }
  }
}
