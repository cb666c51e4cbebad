import type { RecordMessage } from '@wandb-daemon/protocol';
import type { HandlerContext } from '../context.js';
import type { ClientConnection } from '../connection.js';

/** Queues a record for the next group commit; it is acknowledged in batches, never replied to. */
export function handleRecord(ctx: HandlerContext, conn: ClientConnection, msg: RecordMessage): void {
  ctx.queue.push({ kind: 'records', conn, records: [msg] });
}
