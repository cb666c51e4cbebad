/**
 * The runs table's logic without a DOM: rows with flattened `config.*` / `summary.*` values, sorting
 * (numbers numerically, missing values last in both directions), filtering (free text, tags, states,
 * config conditions such as `lr > 0.001`) and the persisted column choice.
 */
import { toNumber, type RunListItem, type RunState } from '../api.js';
import { flatten } from '../ui/flatten.js';
import { naturalCompare, searchTerms, sortMissingLast } from '../ui/search.js';

/** A run with its config and summary flattened to `config.a.b` / `summary.x` keys. */
export interface RunRow {
  run: RunListItem;
  values: Map<string, unknown>;
  /** Lower-cased name, id, tags, group and job type, for the free-text filter. */
  haystack: string;
}

/** The fixed columns; user-added ones are `config.<key>` and `summary.<key>`. */
export const BASE_COLUMNS = ['name', 'state', 'createdAt', 'runtime', 'tags', 'group', 'jobType'] as const;

/** Every run state, in the order the state filter shows them. */
export const STATES: readonly RunState[] = ['running', 'finished', 'failed', 'crashed', 'preempting'];

/** The sort column and its direction. */
export interface SortSpec {
  column: string;
  dir: 'asc' | 'desc';
}

/** A condition on one config (or summary) value. */
export interface Condition {
  /** A row value key: `config.lr`, `summary.loss`. */
  key: string;
  op: '=' | '!=' | '>' | '>=' | '<' | '<=' | '~';
  value: string;
}

/** Everything the runs table filters by. */
export interface RunFilter {
  text: string;
  /** Runs must carry every one of these tags. */
  tags: string[];
  /** Empty: any state. */
  states: RunState[];
  conditions: Condition[];
}

/** No filter: every run. */
export const EMPTY_FILTER: RunFilter = { text: '', tags: [], states: [], conditions: [] };

/** Rows of runs (flattening once per fetch, not per render). */
export function toRows(runs: readonly RunListItem[]): RunRow[] {
  return runs.map((run) => {
    const values = new Map<string, unknown>();
    for (const [k, v] of flatten(run.config)) values.set(`config.${k}`, v);
    for (const [k, v] of flatten(run.summary)) values.set(`summary.${k}`, v);
    const haystack = [run.name, run.displayName ?? '', run.group ?? '', run.jobType ?? '', ...run.tags].join('\n').toLowerCase();
    return { run, values, haystack };
  });
}

/** Every `config.*` then `summary.*` key seen in the rows, each group sorted. */
export function valueKeys(rows: readonly RunRow[]): string[] {
  const keys = new Set<string>();
  for (const row of rows) for (const k of row.values.keys()) keys.add(k);
  const sorted = [...keys].sort(naturalCompare);
  return [...sorted.filter((k) => k.startsWith('config.')), ...sorted.filter((k) => k.startsWith('summary.'))];
}

/** Every tag of the rows, sorted. */
export function allTags(rows: readonly RunRow[]): string[] {
  return [...new Set(rows.flatMap((r) => r.run.tags))].sort(naturalCompare);
}

/** The value a column sorts and filters by. */
export function cellValue(row: RunRow, column: string): unknown {
  const run = row.run;
  switch (column) {
    case 'name':
      return run.displayName ?? run.name;
    case 'state':
      return run.state;
    case 'createdAt':
      return Date.parse(run.createdAt);
    case 'runtime':
      return run.runtime;
    case 'tags':
      return run.tags.length > 0 ? run.tags.join(', ') : undefined;
    case 'group':
      return run.group ?? undefined;
    case 'jobType':
      return run.jobType ?? undefined;
    default:
      return row.values.get(column);
  }
}

/** A value as a number for sorting and comparisons (numbers, NaN/Infinity tokens, booleans). */
function numeric(value: unknown): number | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  const n = toNumber(value);
  return n === null || Number.isNaN(n) ? null : n;
}

const isMissing = (v: unknown) => v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v)) || v === 'NaN';

/** Ascending order of two present values: numbers first (numerically), then text (naturally). */
export function compareValues(a: unknown, b: unknown): number {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== null && nb !== null) return na - nb;
  if (na !== null) return -1;
  if (nb !== null) return 1;
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return naturalCompare(sa, sb);
}

/** Rows sorted by a column; missing values last whatever the direction; ties keep their order. */
export function sortRows(rows: readonly RunRow[], sort: SortSpec): RunRow[] {
  return sortMissingLast(rows, (row) => cellValue(row, sort.column), isMissing, compareValues, sort.dir === 'desc');
}

const OPS: Condition['op'][] = ['>=', '<=', '!=', '=', '>', '<', '~'];

/**
 * Parses `lr > 0.001`, `optimizer = adam`, `model.name ~ res` (contains), `summary.acc >= 0.9`.
 * A key without `config.` or `summary.` means a config key. Null when not a condition.
 */
export function parseCondition(text: string): Condition | null {
  const match = /^\s*([^<>=!~\s][^<>=!~]*?)\s*(>=|<=|!=|==|=|>|<|~)\s*(.*?)\s*$/.exec(text);
  if (!match) return null;
  const [, rawKey = '', rawOp = '', value = ''] = match;
  const op = (rawOp === '==' ? '=' : rawOp) as Condition['op'];
  if (!OPS.includes(op) || value === '') return null;
  const key = rawKey.startsWith('config.') || rawKey.startsWith('summary.') ? rawKey : `config.${rawKey}`;
  return { key, op, value: value.replace(/^(["'])(.*)\1$/, '$2') };
}

/** The condition as the user would type it. */
export function conditionLabel(c: Condition): string {
  return `${c.key.startsWith('config.') ? c.key.slice('config.'.length) : c.key} ${c.op} ${c.value}`;
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');

/** The typed value as a number: a finite decimal, else null (compared as text). */
function typedNumber(value: string): number | null {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}

/**
 * True when the row's value satisfies the condition. A missing value satisfies none, not even `!=`.
 * Against a typed number the comparison is numeric: a row value that is not a finite number (other
 * text, "NaN", "Infinity") fails `=`, `<`, `<=`, `>`, `>=` and passes `!=`. A typed value that is
 * not a finite number compares as text.
 */
function matchesCondition(row: RunRow, c: Condition): boolean {
  const value = row.values.get(c.key);
  if (value === undefined || value === null) return false;
  if (c.op === '~') return text(value).toLowerCase().includes(c.value.toLowerCase());
  const b = typedNumber(c.value);
  if (b !== null) {
    // A number written as text (`"0.001"` from a command line) compares as the number it is.
    const a = numeric(value) ?? (typeof value === 'string' ? typedNumber(value) : null);
    if (a === null || !Number.isFinite(a)) return c.op === '!=';
    switch (c.op) {
      case '=': return a === b;
      case '!=': return a !== b;
      case '>': return a > b;
      case '>=': return a >= b;
      case '<': return a < b;
      case '<=': return a <= b;
    }
  }
  const order = naturalCompare(text(value), c.value);
  switch (c.op) {
    case '=': return order === 0;
    case '!=': return order !== 0;
    case '>': return order > 0;
    case '>=': return order >= 0;
    case '<': return order < 0;
    case '<=': return order <= 0;
  }
}

/** Rows passing every part of the filter. */
export function filterRows(rows: readonly RunRow[], filter: RunFilter): RunRow[] {
  const terms = searchTerms(filter.text);
  return rows.filter(
    (row) =>
      terms.every((t) => row.haystack.includes(t)) &&
      filter.tags.every((t) => row.run.tags.includes(t)) &&
      (filter.states.length === 0 || filter.states.includes(row.run.state)) &&
      filter.conditions.every((c) => matchesCondition(row, c)),
  );
}

/** Where the column choice of a project is kept (localStorage; only column names, nothing secret). */
export const columnsStorageKey = (entity: string, project: string) => `wandb-daemon.columns.${entity}/${project}`;

/** The user's extra columns of a project; [] when none or unreadable. */
export function loadColumns(storage: Pick<Storage, 'getItem'> | null, entity: string, project: string): string[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(columnsStorageKey(entity, project)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === 'string' && (c.startsWith('config.') || c.startsWith('summary.'))) : [];
  } catch {
    return [];
  }
}

/** Keeps the user's extra columns of a project (a full or unavailable storage is ignored). */
export function saveColumns(storage: Pick<Storage, 'setItem'> | null, entity: string, project: string, columns: readonly string[]): void {
  try {
    storage?.setItem(columnsStorageKey(entity, project), JSON.stringify(columns));
  } catch {
    // private mode or quota: the choice lasts for this page only
  }
}

/** The list fields of a run (a run page's detail holds more: files, keys, line counts). */
export function listItemOf(run: RunListItem): RunListItem {
  const { id, entity, project, name, displayName, state, createdAt, heartbeatAt, runtime, tags, group, jobType, config, summary } = run;
  return { id, entity, project, name, displayName, state, createdAt, heartbeatAt, runtime, tags, group, jobType, config, summary };
}

/** `list` with each of `updated` replacing the run of the same name, new runs appended. */
export function mergeRuns(list: readonly RunListItem[], updated: readonly RunListItem[]): RunListItem[] {
  if (updated.length === 0) return list as RunListItem[];
  const byName = new Map(updated.map((r) => [r.name, r]));
  const merged = list.map((r) => {
    const fresh = byName.get(r.name);
    if (fresh) byName.delete(r.name);
    return fresh ?? r;
  });
  return [...merged, ...byName.values()];
}
