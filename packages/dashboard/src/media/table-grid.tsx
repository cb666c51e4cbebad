/** A logged table on screen: text filter, sortable headers (ascending, descending, as logged) and pages. */
import { useMemo, useState } from 'preact/hooks';
import type { RunPath } from '../api.js';
import { TableCell } from './table-cell.js';
import { nextSort, tableView, type TableData, type TableSort, type TableView } from './table-view.js';

/** The filter, sort and page a user set on a table, and the page they give (kept across steps). */
export function useTableView(table: TableData | null) {
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<TableSort>(null);
  const [page, setPage] = useState(0);
  const view = useMemo(() => (table ? tableView(table, query, sort, page) : null), [table, query, sort, page]);
  const controls = {
    query,
    sort,
    onQuery: (q: string) => {
      setQuery(q);
      setPage(0);
    },
    onSort: (column: number) => setSort(nextSort(sort, column)),
    onPage: setPage,
  };
  return { view, controls };
}

/** What useTableView returns as `controls`. */
export type TableControls = ReturnType<typeof useTableView>['controls'];

/** The table's columns, the page to show, the controls, and the run its files belong to. */
export interface TableGridProps {
  run: RunPath;
  columns: readonly string[];
  view: TableView;
  controls: TableControls;
  retry: number;
}

/** The filter box, the table page and the pager. */
export function TableGrid({ run, columns, view, controls, retry }: TableGridProps) {
  const { sort } = controls;
  return (
    <div class="media-table">
      <div class="media-table-tools">
        <input class="search" type="search" placeholder="Filter rows…" aria-label="Filter rows" data-control="table-filter" value={controls.query} onInput={(e) => controls.onQuery(e.currentTarget.value)} />
        <span class="muted tnum">{view.matches === view.total ? `${view.total} rows` : `${view.matches} of ${view.total} rows`}</span>
        <span class="spacer" />
        <button type="button" class="btn btn-small" data-control="table-prev" disabled={view.page <= 0} onClick={() => controls.onPage(view.page - 1)}>
          Previous
        </button>
        <span class="tnum">
          {view.page + 1} / {view.pages}
        </span>
        <button type="button" class="btn btn-small" data-control="table-next" disabled={view.page >= view.pages - 1} onClick={() => controls.onPage(view.page + 1)}>
          Next
        </button>
      </div>
      <div class="media-table-scroll">
        <table class="table">
          <thead>
            <tr>
              {columns.map((name, i) => (
                <th key={i} aria-sort={sort?.column === i ? (sort.descending ? 'descending' : 'ascending') : undefined}>
                  <button type="button" class="th-sort" data-column={name} onClick={() => controls.onSort(i)}>
                    {name}
                    {sort?.column === i ? <span class="sort-mark">{sort.descending ? ' ▼' : ' ▲'}</span> : null}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {view.rows.map((row) => (
              <tr key={row.index} data-row={row.index}>
                {columns.map((_, i) => (
                  <TableCell key={i} run={run} value={row.cells[i]} retry={retry} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
