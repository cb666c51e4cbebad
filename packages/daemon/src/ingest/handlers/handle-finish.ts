import type { Finish } from '@wandb-daemon/protocol';
import { DEFERRED, type HandlerContext } from '../context.js';
import type { ClientConnection } from '../connection.js';

/** Queues the finish behind the run's records; the commit queue replies once it is durable. */
export function handleFinish(ctx: HandlerContext, conn: ClientConnection, msg: Finish): typeof DEFERRED {
  ctx.queue.push({ kind: 'finish', conn, request: msg });
  return DEFERRED;
}
