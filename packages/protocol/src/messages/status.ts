import * as v from 'valibot';
import { RequestId } from './common.js';

/** Request: the daemon's status (what `wandb-daemon status --json` prints). */
export const StatusQuery = v.object({ t: v.literal('status'), id: RequestId });
export type StatusQuery = v.InferOutput<typeof StatusQuery>;

const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** Reply to `status`. */
export const StatusReply = v.object({
  running: v.literal(true),
  pid: v.number(),
  version: v.string(),
  protocolVersion: v.number(),
  socketPath: v.string(),
  home: v.string(),
  httpPort: v.nullable(v.number()),
  uptimeSeconds: v.number(),
  clients: Count,
  runs: v.object({ total: Count, running: Count, finished: Count, failed: Count, crashed: Count }),
  /** History rows: stored, not yet synced, and dropped for a step behind the run's (by client or daemon). */
  rows: v.object({ stored: Count, unsynced: Count, dropped: Count }),
});
export type StatusReply = v.InferOutput<typeof StatusReply>;
