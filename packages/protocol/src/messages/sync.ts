import * as v from 'valibot';
import { Name, RequestId, RunKey } from './common.js';
import { Remote } from './run-start.js';
import { RunState } from './finish.js';

/**
 * Request (`wandb-daemon sync`): assign a remote to stored runs so that the daemon uploads them (an
 * offline run, or one whose sync failed fatally: its error is cleared and it is tried again). Runs are
 * named by id or pk in `runs`, or `all` selects every run without a remote or with a failed sync;
 * `project` and `entity` narrow either selection. The API key travels only on the private socket.
 */
export const SyncRequest = v.object({
  t: v.literal('sync'),
  id: RequestId,
  remote: Remote,
  runs: v.optional(v.array(Name(128))),
  all: v.optional(v.boolean()),
  project: v.optional(Name(128)),
  entity: v.optional(Name(128)),
});
export type SyncRequest = v.InferOutput<typeof SyncRequest>;

/** One run the daemon will sync, with its line counts at the time of the request. */
export const SyncedRun = v.object({
  run: RunKey,
  runId: v.string(),
  entity: v.nullable(v.string()),
  project: v.string(),
  state: RunState,
  historyLines: v.number(),
  eventLines: v.number(),
  consoleLines: v.number(),
});
export type SyncedRun = v.InferOutput<typeof SyncedRun>;

/** Reply to `sync`: the selected runs (none when nothing matched). */
export const SyncReply = v.object({ runs: v.array(SyncedRun) });
export type SyncReply = v.InferOutput<typeof SyncReply>;
