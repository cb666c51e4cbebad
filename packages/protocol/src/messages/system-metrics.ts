import * as v from 'valibot';
import { RecordFields, UnixSeconds } from './common.js';

/** One sample of system metrics (`cpu`, `memory`, `proc.memory.rssMB`, ...), W&B's `system.` prefix omitted. */
export const SystemSample = v.object({
  t: v.literal('system'),
  ...RecordFields,
  ts: UnixSeconds,
  runtime: v.pipe(v.number(), v.finite()),
  metrics: v.record(v.string(), v.number()),
});
export type SystemSample = v.InferOutput<typeof SystemSample>;
