import * as v from 'valibot';
import { RunKey, Seq } from './common.js';

/**
 * Daemon → client after each group commit: the highest durable seq of every run that received records
 * in that commit. The client drops its replay buffer up to these.
 */
export const Ack = v.object({
  t: v.literal('ack'),
  acks: v.array(v.object({ run: RunKey, seq: Seq })),
});
export type Ack = v.InferOutput<typeof Ack>;
