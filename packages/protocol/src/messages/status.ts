import * as v from 'valibot';
import { RequestId } from './common.js';

/** Request: the daemon's status (what `wandb-daemon status --json` prints). */
export const StatusQuery = v.object({ t: v.literal('status'), id: RequestId });
export type StatusQuery = v.InferOutput<typeof StatusQuery>;

const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** A run whose sync is not complete: still delivering, waiting to retry, or stopped by a fatal answer. */
export const SyncRunStatus = v.object({
  run: Count,
  runId: v.string(),
  entity: v.nullable(v.string()),
  project: v.string(),
  /** Origin of the server (never the API key). */
  server: v.string(),
  state: v.picklist(['syncing', 'retrying', 'failed']),
  syncedRows: Count,
  unsyncedRows: Count,
  /** The fatal reason (`failed`) or the last retryable error (`retrying`). */
  error: v.nullable(v.string()),
  /** The server answered `{"stopped": true}` for this run. */
  stopRequested: v.boolean(),
});
export type SyncRunStatus = v.InferOutput<typeof SyncRunStatus>;

/**
 * Sync overview: runs with a remote still delivering (`pending`, incl. retrying), stopped by a fatal
 * answer (`failed`), fully delivered (`synced`), and runs without a remote (`local`); `runs` details
 * the pending and failed ones (at most 100).
 */
export const SyncStatus = v.object({
  pending: Count,
  failed: Count,
  synced: Count,
  local: Count,
  runs: v.array(SyncRunStatus),
});
export type SyncStatus = v.InferOutput<typeof SyncStatus>;

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
  /**
   * History rows: stored, not yet acknowledged by a server (every run counts, with or without a
   * remote: a local-only run's rows are all unsynced until `wandb-daemon sync` uploads them), and
   * dropped for a step behind the run's (by client or daemon).
   */
  rows: v.object({ stored: Count, unsynced: Count, dropped: Count }),
  /** Sync to W&B-compatible servers (absent from daemons before sync existed). */
  sync: v.optional(SyncStatus),
});
export type StatusReply = v.InferOutput<typeof StatusReply>;
