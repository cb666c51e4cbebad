/**
 * A logged W&B table as the table panel shows it: parsed from its file, filtered by text, sorted
 * by a column (numbers numerically, text naturally, empty cells last) and cut into pages. Pure,
 * for unit tests under Node.
 */
import { toNumber } from '../api.js';
import type { ChartTable } from '../viewers/index.js';
import { formatValue } from '../ui/format.js';
import { naturalCompare, searchTerms, sortMissingLast } from '../ui/search.js';
import { typeOf } from './media-types.js';

/** A table file's content (`{"columns": [...], "data": [[...]]}`), as the custom chart viewer reads it too. */
export type TableData = ChartTable;

/** Rows per page of the table panel. */
export const PAGE_SIZE = 50;

/** The column sorted by, and its direction (null: as logged). */
export type TableSort = { column: number; descending: boolean } | null;

// Python's json writes NaN and ±Infinity as bare words, which JSON.parse refuses. The pattern
// matches whole strings first so a word inside a string is left alone.
const BARE_TOKENS = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;

/** A table file's text as TableData (bare NaN/Infinity read as the API's tokens); throws when it is not a table. */
export function parseTable(text: string): TableData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = JSON.parse(text.replace(BARE_TOKENS, (m) => (m.startsWith('"') ? m : `"${m}"`)));
  }
  const t = json as { columns?: unknown; data?: unknown };
  if (!Array.isArray(t.columns) || !Array.isArray(t.data)) throw new Error('not a table: no columns or data');
  return { columns: t.columns.map(String), data: t.data.map((row) => (Array.isArray(row) ? row : [row])) };
}

/** The text of a cell, for display and the filter: an image by its caption, numbers compact. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeOf(value) !== null) {
    const caption = (value as { caption?: unknown }).caption;
    return typeof caption === 'string' ? caption : formatValue(value);
  }
  return formatValue(value);
}

/** The sort rank of a cell: numbers (NaN last of them), then text, then empty. */
function rank(value: unknown): [0, number] | [1, string] | [2, null] {
  if (value === null || value === undefined || value === '') return [2, null];
  const n = typeof value === 'boolean' ? Number(value) : toNumber(value);
  if (n !== null) return [0, n];
  return [1, cellText(value)];
}

/** Ascending order of two cells: numbers numerically (NaN after the others), then text, then empty. */
export function compareCells(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra[0] !== rb[0]) return ra[0] - rb[0];
  if (ra[0] === 0) {
    const x = ra[1];
    const y = rb[1] as number;
    if (Number.isNaN(x) || Number.isNaN(y)) return Number(Number.isNaN(x)) - Number(Number.isNaN(y));
    return x === y ? 0 : x < y ? -1 : 1;
  }
  if (ra[0] === 1) return naturalCompare(ra[1], rb[1] as string);
  return 0;
}

/** The sort after a click on `column`: ascending, then descending, then as logged. */
export function nextSort(sort: TableSort, column: number): TableSort {
  if (!sort || sort.column !== column) return { column, descending: false };
  return sort.descending ? null : { column, descending: true };
}

/** One page of a table view. */
export interface TableView {
  /** The rows of the page with their index in the table. */
  rows: { index: number; cells: unknown[] }[];
  /** Rows matching the filter. */
  matches: number;
  /** Rows in the table. */
  total: number;
  /** The page shown (clamped) and the page count (at least 1). */
  page: number;
  pages: number;
}

/**
 * Page `page` of `table`'s rows containing every space-separated term of `query` in some cell
 * (case-insensitive), sorted by `sort` (stable: equal cells keep the logged order).
 */
export function tableView(table: TableData, query: string, sort: TableSort, page: number, pageSize = PAGE_SIZE): TableView {
  const terms = searchTerms(query);
  let rows = table.data.map((cells, index) => ({ index, cells }));
  if (terms.length > 0) {
    rows = rows.filter((r) => {
      const text = r.cells.map(cellText).join('\u0000').toLowerCase();
      return terms.every((t) => text.includes(t));
    });
  }
  // Empty cells stay last in both directions.
  if (sort) rows = sortMissingLast(rows, (r) => r.cells[sort.column], (cell) => rank(cell)[0] === 2, compareCells, sort.descending);
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const shown = Math.min(Math.max(0, page), pages - 1);
  return { rows: rows.slice(shown * pageSize, (shown + 1) * pageSize), matches: rows.length, total: table.data.length, page: shown, pages };
}
