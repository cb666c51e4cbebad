import * as v from 'valibot';
import { RequestId, RunKey, Seq } from './common.js';

/**
 * Request: the run exits. Carries a seq like records so it orders after them; the daemon replies only
 * once this record and every record before it are committed to disk.
 */
export const Finish = v.object({
  t: v.literal('finish'),
  id: RequestId,
  run: RunKey,
  seq: Seq,
  exitCode: v.pipe(v.number(), v.safeInteger()),
});
export type Finish = v.InferOutput<typeof Finish>;

export const RunState = v.picklist(['running', 'finished', 'failed', 'crashed']);
export type RunState = v.InferOutput<typeof RunState>;

/** Reply to `finish`. */
export const FinishReply = v.object({
  run: RunKey,
  state: RunState,
  exitCode: v.number(),
  lastSeq: v.number(),
  rows: v.number(),
});
export type FinishReply = v.InferOutput<typeof FinishReply>;
