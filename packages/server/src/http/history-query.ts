/**
 * History reads for the API: selected keys from the per-key blocks, or full rows from the stored
 * lines. At most MAX_HISTORY_PAGE rows per reply; `next` is the minStep of the following page.
 * M4 replies downsample one key to at most four points per bucket (see store/history-m4.ts).
 */
import { parseJsonObject } from '@wandb-daemon/protocol';
import { m4Points } from '../store/history-m4.js';
import type { ChartPoint, ServerStore } from '../store/server-store.js';

/** Rows per history reply, at most. */
export const MAX_HISTORY_PAGE = 10_000;

/** Distinct keys per history request, at most: each is a series merged into every row. */
export const MAX_HISTORY_KEYS = 100;

/** Buckets per M4 reply, at most (a wide screen has a few thousand pixel columns). */
export const MAX_M4_BUCKETS = 100_000;

/** An M4 reply: the key, how many raw points the window holds, and the downsampled points. */
export interface HistoryM4Reply {
  key: string;
  rawCount: number;
  points: ChartPoint[];
}

const intOrUndefined = (value: string | string[] | undefined): number | undefined => {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return Number.NaN;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : Number.NaN;
};

/** `{rows, next}` for the query string, or `{error}` for malformed parameters. */
export function readHistory(store: ServerStore, runId: number, q: Record<string, string | string[] | undefined>): { rows: Record<string, unknown>[]; next: number | null } | { error: string } {
  const minStep = intOrUndefined(q.minStep);
  const maxStep = intOrUndefined(q.maxStep);
  const limit = intOrUndefined(q.limit) ?? MAX_HISTORY_PAGE;
  if ([minStep, maxStep, limit].some((n) => Number.isNaN(n)) || limit < 0) return { error: 'minStep, maxStep and limit must be integers (limit >= 0)' };
  const query = { minStep, maxStep, limit: Math.min(limit, MAX_HISTORY_PAGE) };
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

/** `{key, rawCount, points}` for `key=K&buckets=N&minStep=&maxStep=`, or `{error}` for malformed parameters. */
export function readHistoryM4(store: ServerStore, runId: number, q: Record<string, string | string[] | undefined>): HistoryM4Reply | { error: string } {
  const key = q.key ?? '';
  if (typeof key !== 'string' || key === '') return { error: 'key is required, once' };
  const buckets = intOrUndefined(q.buckets);
  const minStep = intOrUndefined(q.minStep);
  const maxStep = intOrUndefined(q.maxStep);
  if (buckets === undefined || !(buckets >= 1 && buckets <= MAX_M4_BUCKETS)) return { error: `buckets must be an integer from 1 to ${MAX_M4_BUCKETS}` };
  if ([minStep, maxStep].some((n) => Number.isNaN(n))) return { error: 'minStep and maxStep must be integers' };
  const result = store.historyM4(runId, key, { xKey: '_step', minStep, maxStep, buckets });
  return { key, rawCount: result.rawCount, points: m4Points(result) };
}
