import * as v from 'valibot';
import { RecordFields, UnixSeconds, UserObject } from './common.js';

/**
 * One committed history row. `data` holds the user's keys, nested objects kept nested; the daemon adds
 * `_step`, `_runtime` and `_timestamp` from the fields below when it stores the W&B history line.
 */
export const HistoryRow = v.object({
  t: v.literal('history'),
  ...RecordFields,
  step: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  /** Unix seconds when the row was committed. */
  ts: UnixSeconds,
  /** Seconds since the run started. */
  runtime: v.pipe(v.number(), v.finite()),
  data: UserObject,
});
export type HistoryRow = v.InferOutput<typeof HistoryRow>;

/** Reserved keys the daemon writes into every history line. */
export const HISTORY_RESERVED_KEYS = ['_step', '_runtime', '_timestamp'] as const;

const isSafeInt = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= min;
const isFinite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/**
 * A hand-written check equivalent to `HistoryRow` for the hottest message on the wire (every
 * `log()` call): about ten times cheaper than the schema. When it says no, the schema runs and
 * produces the error message.
 */
export function isHistoryRow(value: unknown): value is HistoryRow {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const data = r.data;
  return (
    r.t === 'history' &&
    isSafeInt(r.run, 1) &&
    isSafeInt(r.seq, 1) &&
    isSafeInt(r.step, 0) &&
    isFinite(r.ts) &&
    (r.ts as number) >= 0 &&
    isFinite(r.runtime) &&
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data)
  );
}
