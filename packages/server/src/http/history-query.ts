/**
 * History reads for the API: selected keys from the per-key blocks, or full rows from the stored
 * lines. At most MAX_HISTORY_PAGE rows per reply; `next` is the minStep of the following page.
 * Series replies give one key against an x axis: every raw point of the window, or M4 over aligned
 * buckets (at most four points per bucket; see store/history-series.ts). With `smoothing=w`
 * (0 <= w < 1, default 0) a series reply also carries the key's TensorBoard EMA, computed over every
 * raw point from the run's first and reduced like the raw points (store/history-smoothing.ts), so
 * the smoothed line is the same whatever the zoom, the chart's width or the run's length.
 * Values replies give one key's values themselves (images, histograms, tables...), spread evenly
 * over a step window (store/history-spread.ts).
 */
import { parseJsonObject } from '@wandb-daemon/protocol';
import type { SeriesResult } from '../store/history-series.js';
import type { ChartPoint, HistoryQuery, ServerStore, StepValue } from '../store/server-store.js';

/** A parsed query string: a parameter given twice arrives as an array. */
export type QueryString = Record<string, string | string[] | undefined>;

/** Rows per history reply, at most. */
const MAX_HISTORY_PAGE = 10_000;

/** Distinct keys per history request, at most: each is a series merged into every row. */
export const MAX_HISTORY_KEYS = 100;

/** Buckets per M4 reply, at most (a wide screen has a few thousand pixel columns). */
const MAX_M4_BUCKETS = 100_000;

/** Raw points sent when the window holds at most this many, unless the query says otherwise. */
const DEFAULT_RAW_LIMIT = 1000;

/** Largest raw limit a query may ask for. */
const MAX_RAW_LIMIT = 100_000;

/**
 * A series reply: the key, the x axis, the raw point count of the window, whether the points are M4
 * buckets (and their width) or every raw point, and the points as [x, y] in (x, line) order. The
 * nearest point before `min` and after `max` (when a bound is given and such a point exists) are the
 * first and last entry of `points`; they are not counted in rawCount.
 */
interface HistorySeriesReply {
  key: string;
  x: string;
  rawCount: number;
  aggregated: boolean;
  bucketWidth: number | null;
  points: ChartPoint[];
  /**
   * Only with smoothing > 0: the smoothed values, reduced like `points` (every point of the window
   * when not aggregated, else M4 of the smoothed values over the same buckets; so its x values may
   * differ from `points`' inside a bucket) with the smoothed values of the same edge points.
   */
  smoothed?: ChartPoint[];
}

/** Values per values reply, unless the query says otherwise. */
const DEFAULT_VALUES_LIMIT = 1000;

/** Values per values reply, at most. */
const MAX_VALUES_LIMIT = 10_000;

/**
 * A values reply: the key, its non-null values in the window (at most the limit, spread evenly
 * over the window when it holds more, the first and the last included) in (step, line) order, and
 * how many the window holds.
 */
interface HistoryValuesReply {
  key: string;
  values: StepValue[];
  total: number;
}

/** A finite decimal number (no hex, no blanks, no Infinity). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal query parameter: undefined when absent or empty, NaN when malformed, not finite or repeated. */
const numberOrUndefined = (value: string | string[] | undefined): number | undefined => {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !DECIMAL.test(value)) return Number.NaN;
  const n = Number(value);
  return Number.isFinite(n) ? n : Number.NaN;
};

/** An integer query parameter: undefined when absent or empty, NaN when malformed (or repeated). */
export function intOrUndefined(value: string | string[] | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return Number.NaN;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : Number.NaN;
}

/** The `key` parameter; null when absent, empty or repeated. */
const keyParam = (q: QueryString): string | null => (typeof q.key === 'string' && q.key !== '' ? q.key : null);

const KEY_ERROR = 'key is required, once';
const STEP_QUERY_ERROR = 'minStep, maxStep and limit must be integers (limit >= 0)';

/** `minStep`, `maxStep` and `limit` (default `fallback`, more taken as `max`); null when malformed. */
function stepQuery(q: QueryString, fallback: number, max: number): HistoryQuery | null {
  const minStep = intOrUndefined(q.minStep);
  const maxStep = intOrUndefined(q.maxStep);
  const limit = intOrUndefined(q.limit) ?? fallback;
  if ([minStep, maxStep, limit].some((n) => Number.isNaN(n)) || limit < 0) return null;
  return { minStep, maxStep, limit: Math.min(limit, max) };
}

/** `{rows, next}` for the query string, or `{error}` for malformed parameters. */
export function readHistory(store: ServerStore, runId: number, q: QueryString): { rows: Record<string, unknown>[]; next: number | null } | { error: string } {
  const query = stepQuery(q, MAX_HISTORY_PAGE, MAX_HISTORY_PAGE);
  if (query === null) return { error: STEP_QUERY_ERROR };
  // `keys=a&keys=b` arrives as an array; duplicates cost a full series each, so they go.
  const keyList = Array.isArray(q.keys) ? q.keys.join(',') : (q.keys ?? '');
  const keys = [...new Set(keyList.split(','))].filter((k) => k !== '' && k !== '_step');
  if (keys.length > MAX_HISTORY_KEYS) return { error: `at most ${MAX_HISTORY_KEYS} distinct keys per request` };
  let rows: { step: number; row: Record<string, unknown> }[];
  if (keys.length > 0) {
    rows = store.historyByKeys(runId, keys, query).map((r) => ({ step: r.step, row: { _step: r.step, ...r.values } }));
  } else {
    rows = store.historyLines(runId, query).map((l) => ({ step: l.step, row: { ...(parseJsonObject(l.line) ?? {}), _step: l.step } }));
  }
  const last = rows[rows.length - 1];
  const next = rows.length === query.limit && last ? last.step + 1 : null;
  return { rows: rows.map((r) => r.row), next };
}

/**
 * The series reply for `key=K&x=X&buckets=N&min=&max=&raw=&smoothing=` (x defaults to `_step`;
 * minStep/maxStep are integer aliases of min/max on `_step`; smoothing is the EMA weight, a number
 * 0 <= w < 1, default 0: none), or `{error}` for malformed parameters.
 */
export function readHistorySeries(store: ServerStore, runId: number, q: QueryString): HistorySeriesReply | { error: string } {
  const key = keyParam(q);
  if (key === null) return { error: KEY_ERROR };
  const x = q.x ?? '_step';
  if (typeof x !== 'string' || x === '') return { error: 'x must be one history key (default _step)' };
  const buckets = intOrUndefined(q.buckets);
  if (buckets === undefined || !(buckets >= 1 && buckets <= MAX_M4_BUCKETS)) return { error: `buckets must be an integer from 1 to ${MAX_M4_BUCKETS}` };
  const raw = intOrUndefined(q.raw) ?? DEFAULT_RAW_LIMIT;
  if (!(raw >= 0 && raw <= MAX_RAW_LIMIT)) return { error: `raw must be an integer from 0 to ${MAX_RAW_LIMIT}` };
  const minStep = intOrUndefined(q.minStep);
  const maxStep = intOrUndefined(q.maxStep);
  if ([minStep, maxStep].some((n) => Number.isNaN(n))) return { error: 'minStep and maxStep must be integers' };
  if (x !== '_step' && (minStep !== undefined || maxStep !== undefined)) return { error: 'minStep and maxStep apply to x=_step only: use min and max' };
  const min = numberOrUndefined(q.min) ?? minStep;
  const max = numberOrUndefined(q.max) ?? maxStep;
  if ([min, max].some((n) => Number.isNaN(n))) return { error: 'min and max must be finite numbers' };
  const smoothing = numberOrUndefined(q.smoothing) ?? 0;
  if (!(smoothing >= 0 && smoothing < 1)) return { error: 'smoothing must be a number from 0 up to 1 (excluded)' };
  const result = store.historySeries(runId, key, { x, min, max, buckets, raw, smoothing });
  const reply: HistorySeriesReply = { key, x, rawCount: result.rawCount, aggregated: result.aggregated, bucketWidth: result.bucketWidth, points: chartPoints(result) };
  if (result.smoothed) reply.smoothed = chartPoints(result.smoothed);
  return reply;
}

/**
 * The values reply for `key=K&minStep=&maxStep=&limit=`: the key's non-null values in the step
 * window, `total` of them, at most `limit` (default DEFAULT_VALUES_LIMIT, at most MAX_VALUES_LIMIT:
 * more is taken as that) spread evenly over the window; or `{error}` for malformed parameters.
 */
export function readHistoryValues(store: ServerStore, runId: number, q: QueryString): HistoryValuesReply | { error: string } {
  const key = keyParam(q);
  if (key === null) return { error: KEY_ERROR };
  const query = stepQuery(q, DEFAULT_VALUES_LIMIT, MAX_VALUES_LIMIT);
  if (query === null) return { error: STEP_QUERY_ERROR };
  const { total, values } = store.historyValues(runId, key, query);
  return { key, values, total };
}

/** Points as [x, y], the edge points first and last. */
function chartPoints(series: Pick<SeriesResult, 'points' | 'before' | 'after'>): ChartPoint[] {
  const points: ChartPoint[] = series.points.map((p) => [p.x, p.y]);
  if (series.before) points.unshift([series.before.x, series.before.y]);
  if (series.after) points.push([series.after.x, series.after.y]);
  return points;
}
