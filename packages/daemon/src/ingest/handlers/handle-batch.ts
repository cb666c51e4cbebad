import { parseRecord, ProtocolError, type Batch, type RecordMessage } from '@wandb-daemon/protocol';
import type { HandlerContext } from '../context.js';
import type { ClientConnection } from '../connection.js';

/**
 * Validates each record of a batch on its own and queues the valid ones; an invalid record gets a
 * notice naming its run and seq, and its neighbours are still stored.
 */
export function handleBatch(ctx: HandlerContext, conn: ClientConnection, msg: Batch): void {
  const records: RecordMessage[] = [];
  for (const item of msg.records) {
    try {
      records.push(parseRecord(item));
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      const fields = item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : {};
      conn.sendNotice(error.toWire(), { run: numberOrUndefined(fields.run), seq: numberOrUndefined(fields.seq) });
    }
  }
  if (records.length > 0) ctx.queue.push({ kind: 'records', conn, records });
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
