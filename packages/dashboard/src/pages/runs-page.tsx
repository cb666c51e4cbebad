/**
 * A project's runs table: sortable, filterable, with user-picked config/summary columns (kept per
 * project in localStorage), checkbox selection for the compare view, windowed rows (thousands of
 * runs stay smooth) and live refetching (new runs and state changes appear without a reload).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fetchRun, fetchRuns, type RunListItem } from '../api.js';
import { watchLive } from '../live.js';
import { routeHref } from '../router.js';
import { errorMessage, handleUnauthorized } from '../ui/api-errors.js';
import { toggled } from '../ui/sets.js';
import { throttleTask } from '../ui/throttle.js';
import { useRowWindow } from '../ui/virtual.js';
import { ColumnPicker } from './column-picker.js';
import { RunsFilterBar } from './runs-filter-bar.js';
import { RunsTableRow, ROW_HEIGHT, columnWidth, columnTitle } from './runs-table-row.js';
import { BASE_COLUMNS, EMPTY_FILTER, filterRows, listItemOf, mergeRuns, loadColumns, saveColumns, sortRows, toRows, valueKeys, type RunFilter, type SortSpec } from './runs-query.js';

const storage = (): Storage | null => {
  try {
    return localStorage;
  } catch {
    return null;
  }
};

/** Above this many changed runs in one interval, the whole list is fetched again instead. */
const MAX_SINGLE_FETCHES = 20;

/**
 * Keeps a project's runs fresh: one fetch at a time, at most one per second while the socket pushes.
 * A change refetches only the runs it names (a project may hold thousands); many at once, the list.
 */
function useLiveRuns(entity: string, project: string) {
  const [runs, setRuns] = useState<RunListItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    let current: RunListItem[] | null = null;
    let changed = new Set<string>();
    // After a resync (the socket reconnected) any run may have changed, or appeared: the whole list.
    let everything = false;
    // One fetch at a time: a change arriving during a fetch may not be in its answer, so it fetches once more after it.
    const refetch = throttleTask(async () => {
      const names = changed;
      const whole = everything;
      changed = new Set();
      everything = false;
      try {
        let list: RunListItem[];
        if (current && !whole && names.size <= MAX_SINGLE_FETCHES) {
          const updated = await Promise.all([...names].map((run) => fetchRun({ entity, project, run })));
          list = mergeRuns(current, updated.map(listItemOf));
        } else {
          list = await fetchRuns(entity, project);
        }
        if (alive) {
          current = list;
          setRuns(list);
          setError(null);
        }
      } catch (e) {
        for (const name of names) changed.add(name);
        everything ||= whole;
        if (alive && !handleUnauthorized(e)) setError(errorMessage(e));
      }
    }, 1000);
    refetch.call();
    const unwatch = watchLive({ entity, project }, (change) => {
      if (change === null) everything = true;
      else changed.add(change.run);
      refetch.call();
    });
    return () => {
      alive = false;
      refetch.cancel();
      unwatch();
    };
  }, [entity, project]);
  return { runs, error };
}

/** The runs table page (`data-page="runs"`, one `data-run-id` row per run). */
export function RunsPage({ entity, project }: { entity: string; project: string }) {
  const { runs, error } = useLiveRuns(entity, project);
  const [filter, setFilter] = useState<RunFilter>(EMPTY_FILTER);
  const [sort, setSort] = useState<SortSpec>({ column: 'createdAt', dir: 'desc' });
  const [extra, setExtra] = useState<string[]>(() => loadColumns(storage(), entity, project));
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const rows = useMemo(() => toRows(runs ?? []), [runs]);
  const keys = useMemo(() => valueKeys(rows), [rows]);
  const filtered = useMemo(() => filterRows(rows, filter), [rows, filter]);
  const sorted = useMemo(() => sortRows(filtered, sort), [filtered, sort]);
  const columns = useMemo(() => [...BASE_COLUMNS, ...extra], [extra]);
  const { rows: win, containerRef } = useRowWindow(sorted.length, ROW_HEIGHT);

  const setColumns = (next: string[]) => {
    setExtra(next);
    saveColumns(storage(), entity, project, next);
  };
  const toggleSort = (column: string) =>
    setSort((s) => (s.column === column ? { column, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { column, dir: column === 'name' || column === 'state' || column === 'tags' || column === 'group' || column === 'jobType' ? 'asc' : 'desc' }));
  const toggleRow = (id: string) => setSelected((s) => toggled(s, id));

  // Selection of runs that no longer exist is dropped; selection hidden by a filter is kept.
  const known = useMemo(() => new Set(rows.map((r) => r.run.name)), [rows]);
  const inView = useMemo(() => sorted.filter((r) => selected.has(r.run.name)).map((r) => r.run.name), [sorted, selected]);
  const selectedIds = useMemo(() => {
    const seen = new Set(inView);
    return [...inView, ...[...selected].filter((id) => known.has(id) && !seen.has(id))];
  }, [inView, selected, known]);
  const visibleSelected = inView.length;
  const allVisible = sorted.length > 0 && visibleSelected === sorted.length;
  const toggleAllVisible = () =>
    setSelected((s) => {
      const next = new Set(s);
      for (const r of sorted) {
        if (allVisible) next.delete(r.run.name);
        else next.add(r.run.name);
      }
      return next;
    });
  const selectAllRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (selectAllRef.current) selectAllRef.current.indeterminate = visibleSelected > 0 && !allVisible;
  }, [visibleSelected, allVisible]);

  const compare = () => {
    location.hash = routeHref({ page: 'compare', entity, project, runs: selectedIds });
  };
  const addTag = (tag: string) => setFilter((f) => (f.tags.includes(tag) ? f : { ...f, tags: [...f.tags, tag] }));
  const tableWidth = columns.reduce((sum, c) => sum + columnWidth(c), 36);

  return (
    <div class="page runs-page" data-page="runs">
      <div class="page-head">
        <h1>
          <span class="muted">{entity} /</span> {project}
        </h1>
        <span class="spacer" />
        <ColumnPicker keys={keys} columns={extra} onChange={setColumns} />
        <button type="button" class="btn btn-primary" data-action="compare" disabled={selectedIds.length === 0} onClick={compare}>
          Compare {selectedIds.length} run{selectedIds.length === 1 ? '' : 's'}
        </button>
      </div>
      <RunsFilterBar rows={rows} keys={keys} filter={filter} onChange={setFilter} />
      <div class="runs-status muted">
        <span data-count={sorted.length}>
          {runs === null ? 'Loading…' : `${sorted.length} of ${rows.length} runs`}
        </span>
        {selected.size > 0 ? (
          <>
            {' · '}
            {selectedIds.length} selected{' '}
            <button type="button" class="link" onClick={() => setSelected(new Set())}>
              clear
            </button>
          </>
        ) : null}
        {error ? <span class="alert inline">{error}</span> : null}
      </div>
      <div class="runs-scroll" ref={containerRef}>
        <table class="table runs-table" style={{ width: `${tableWidth}px` }}>
          <colgroup>
            <col style={{ width: '36px' }} />
            {columns.map((c) => (
              <col key={c} style={{ width: `${columnWidth(c)}px` }} />
            ))}
          </colgroup>
          <thead>
            <tr>
              <th class="check">
                <input ref={selectAllRef} type="checkbox" aria-label="Select all visible runs" data-action="select-all" checked={allVisible} onChange={toggleAllVisible} />
              </th>
              {columns.map((c) => (
                <th key={c} class={`sortable${sort.column === c ? ' sorted' : ''}`} data-column={c} aria-sort={sort.column === c ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                  <button type="button" class="th-sort" title={c} onClick={() => toggleSort(c)}>
                    {columnTitle(c)}
                    <span class="sort-mark">{sort.column === c ? (sort.dir === 'asc' ? '▲' : '▼') : ''}</span>
                  </button>
                  {c.startsWith('config.') || c.startsWith('summary.') ? (
                    <button type="button" class="th-remove" title={`Remove column ${c}`} aria-label={`Remove column ${c}`} onClick={() => setColumns(extra.filter((x) => x !== c))}>
                      ×
                    </button>
                  ) : null}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {win.padTop > 0 ? <tr class="spacer-row" style={{ height: `${win.padTop}px` }} /> : null}
            {sorted.slice(win.start, win.end).map((row) => (
              <RunsTableRow key={row.run.name} row={row} columns={columns} selected={selected.has(row.run.name)} onToggle={toggleRow} onTag={addTag} />
            ))}
            {win.padBottom > 0 ? <tr class="spacer-row" style={{ height: `${win.padBottom}px` }} /> : null}
          </tbody>
        </table>
        {runs !== null && sorted.length === 0 ? <p class="empty">{rows.length === 0 ? 'No runs in this project yet.' : 'No run matches the filters.'}</p> : null}
      </div>
    </div>
  );
}
