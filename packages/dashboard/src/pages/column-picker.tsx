/** The runs table's column picker: a searchable list of every config.* and summary.* key seen. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { filterKeys } from './chart-keys.js';

const MAX_LISTED = 300;

/** The keys offered and the extra columns chosen. */
export interface ColumnPickerProps {
  /** Every key that can be a column. */
  keys: readonly string[];
  /** The extra columns shown, in order. */
  columns: readonly string[];
  onChange: (columns: string[]) => void;
}

/** A "Columns" button opening the searchable key list (closes on Escape or a click outside). */
export function ColumnPicker({ keys, columns, onChange }: ColumnPickerProps) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  // Columns shown but no longer seen in any run stay listed, so they can be removed.
  const matching = useMemo(() => filterKeys([...keys, ...columns.filter((c) => !keys.includes(c))], query), [keys, columns, query]);

  const toggle = (key: string) => onChange(columns.includes(key) ? columns.filter((c) => c !== key) : [...columns, key]);

  return (
    <div class="picker" ref={root}>
      <button type="button" class="btn" data-action="columns" aria-expanded={open} onClick={() => setOpen(!open)}>
        Columns{columns.length > 0 ? ` (+${columns.length})` : ''}
      </button>
      {open ? (
        <div class="picker-panel" role="dialog" aria-label="Columns">
          <input class="search" type="search" placeholder="Search config.* and summary.* keys…" aria-label="Search columns" autoFocus value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          <ul class="picker-list">
            {matching.slice(0, MAX_LISTED).map((k) => (
              <li key={k}>
                <label>
                  <input type="checkbox" checked={columns.includes(k)} onChange={() => toggle(k)} data-column-key={k} />
                  <span>{k}</span>
                </label>
              </li>
            ))}
            {matching.length === 0 ? <li class="muted">{keys.length === 0 ? 'No config or summary keys in these runs.' : 'No key matches.'}</li> : null}
            {matching.length > MAX_LISTED ? <li class="muted">{matching.length - MAX_LISTED} more: refine the search.</li> : null}
          </ul>
          {columns.length > 0 ? (
            <button type="button" class="link" onClick={() => onChange([])}>
              Remove all added columns
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
