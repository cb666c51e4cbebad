/** A searchable two-column table of flattened key/value pairs (config, summary). */
import { useMemo, useState } from 'preact/hooks';
import { EmptyRow } from './empty-row.js';
import { flatten } from './flatten.js';
import { formatValue } from './format.js';

/** The table's label and the object shown. */
export interface KvTableProps {
  label: string;
  values: Record<string, unknown>;
  /** Skip top-level keys starting with `_`. */
  skipInternal?: boolean;
}

/** A searchable key/value table (`data-table` = the label, lower case). */
export function KvTable({ label, values, skipInternal = true }: KvTableProps) {
  const [query, setQuery] = useState('');
  const rows = useMemo(() => flatten(values, skipInternal).sort(([a], [b]) => a.localeCompare(b)), [values, skipInternal]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return rows;
    return rows.filter(([k, v]) => k.toLowerCase().includes(q) || formatValue(v).toLowerCase().includes(q));
  }, [rows, query]);
  return (
    <div class="kv" data-table={label.toLowerCase()}>
      <input class="search" type="search" placeholder={`Search ${label.toLowerCase()}…`} aria-label={`Search ${label.toLowerCase()}`} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      <div class="kv-scroll">
        <table class="table kv-table">
          <thead>
            <tr>
              <th>Key</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>
            {shown.map(([k, v]) => (
              <tr key={k} data-key={k}>
                <td class="kv-key">{k}</td>
                <td class="kv-value" title={typeof v === 'object' && v !== null ? JSON.stringify(v) : undefined}>
                  {formatValue(v)}
                </td>
              </tr>
            ))}
            {shown.length === 0 ? <EmptyRow colSpan={2} hasRows={rows.length > 0} /> : null}
          </tbody>
        </table>
      </div>
    </div>
  );
}
