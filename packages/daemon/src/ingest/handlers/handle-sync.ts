import { ProtocolError, type SyncReply, type SyncRequest } from '@wandb-daemon/protocol';
import type { HandlerContext } from '../context.js';
import type { ClientConnection } from '../connection.js';

/**
 * `wandb-daemon sync`: assigns the request's remote to the selected runs (a fatal sync is cleared and
 * tried again, a run marked done with lines still undelivered is reopened) and wakes the syncer. Replies with the runs and their line counts now, which the CLI
 * waits to see delivered.
 */
export function handleSync(ctx: HandlerContext, _conn: ClientConnection, msg: SyncRequest): SyncReply {
  if (!msg.all && (msg.runs ?? []).length === 0) throw new ProtocolError('BAD_MESSAGE', 'sync needs run ids or all: true');
  ctx.queue.flush(); // counts include everything received so far
  const runs = ctx.syncer.selection.select(msg);
  ctx.db.transaction(() => {
    for (const run of runs) {
      ctx.syncer.store.setRemote(run.run, msg.remote);
      ctx.syncer.store.retryFatal(run.run);
    }
  })();
  for (const run of runs) ctx.syncer.poke(run.run);
  ctx.log.info({ runs: runs.map((r) => r.run), server: new URL(msg.remote.baseUrl).origin }, 'sync requested');
  return { runs };
}
