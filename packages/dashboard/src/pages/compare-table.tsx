/** Config (or summary) values of several runs side by side, rows that differ highlighted. */
import { useMemo, useState } from 'preact/hooks';
import type { RunDetail } from '../api.js';
import { compareRows } from './compare-rows.js';
import { EmptyRow } from '../ui/empty-row.js';
import { formatValue } from '../ui/format.js';

/** The runs (with their colours) and which of their objects to compare. */
export interface CompareTableProps {
  label: string;
  runs: readonly { run: RunDetail; color: string }[];
  pick: (run: RunDetail) => Record<string, unknown>;
}

/** A searchable key × run table; rows whose values differ are highlighted (`data-differs`). */
export function CompareTable({ label, runs, pick }: CompareTableProps) {
  const [onlyDiff, setOnlyDiff] = useState(false);
  const [query, setQuery] = useState('');
  const rows = useMemo(() => compareRows(runs.map((r) => pick(r.run))), [runs, pick]);
  const shown = rows.filter((r) => (!onlyDiff || r.differs) && (!query || r.key.toLowerCase().includes(query.toLowerCase())));
  const diffCount = rows.filter((r) => r.differs).length;
  return (
    <div class="compare-table" data-table={label.toLowerCase()}>
      <div class="console-tools">
        <input class="search" type="search" placeholder={`Search ${label.toLowerCase()} keys…`} aria-label={`Search ${label.toLowerCase()} keys`} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        <label class="tool">
          <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.currentTarget.checked)} />
          <span>Only differences ({diffCount})</span>
        </label>
      </div>
      <div class="kv-scroll">
        <table class="table">
          <thead>
            <tr>
              <th>Key</th>
              {runs.map(({ run, color }) => (
                <th key={run.name}>
                  <span class="swatch" style={{ background: color }} />
                  {run.displayName ?? run.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.key} class={row.differs ? 'differs' : undefined} data-key={row.key} data-differs={String(row.differs)}>
                <td class="kv-key">{row.key}</td>
                {row.values.map((v, i) => (
                  <td key={i} class={v === undefined ? 'muted' : undefined}>
                    {v === undefined ? '—' : formatValue(v)}
                  </td>
                ))}
              </tr>
            ))}
            {shown.length === 0 ? <EmptyRow colSpan={runs.length + 1} hasRows={rows.length > 0} /> : null}
          </tbody>
        </table>
      </div>
    </div>
  );
}
