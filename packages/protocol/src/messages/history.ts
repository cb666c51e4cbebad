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
