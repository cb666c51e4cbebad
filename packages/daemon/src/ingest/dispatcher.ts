/**
 * Routes each validated message through a `type → handler` table. Requests go through one wrapper
 * that times, catches and replies; records go straight to the commit queue.
 */
import type { ClientMessage, RecordType, RequestMessage, RequestType } from '@wandb-daemon/protocol';
import type { ClientConnection } from './connection.js';
import { DEFERRED, replyFailure, type HandlerContext } from './context.js';
import { handleBatch } from './handlers/handle-batch.js';
import { handleFinish } from './handlers/handle-finish.js';
import { handleRecord } from './handlers/handle-record.js';
import { handleRunStart } from './handlers/handle-run-start.js';
import { handleStatus } from './handlers/handle-status.js';
import { handleSync } from './handlers/handle-sync.js';

type RequestHandler<T extends RequestType> = (ctx: HandlerContext, conn: ClientConnection, msg: Extract<RequestMessage, { t: T }>) => unknown;

const REQUEST_HANDLERS: { [T in RequestType]: RequestHandler<T> } = {
  'run.start': handleRunStart,
  finish: handleFinish,
  status: handleStatus,
  sync: handleSync,
};

/** Every record type, checked by the compiler: a new record type cannot fall through to the request handlers. */
const RECORD_TYPE_TABLE: { [T in RecordType]: true } = {
  history: true, summary: true, config: true, console: true, system: true, metric: true, file: true, alert: true, dropped: true, media: true, chart: true,
};
const RECORD_TYPES: ReadonlySet<string> = new Set(Object.keys(RECORD_TYPE_TABLE));

/** Builds the message sink a connection hands every validated message to. */
export function createDispatcher(ctx: HandlerContext) {
  return (conn: ClientConnection, message: ClientMessage): void => {
    if (message.t === 'batch') return handleBatch(ctx, conn, message);
    if (RECORD_TYPES.has(message.t)) return handleRecord(ctx, conn, message as Parameters<typeof handleRecord>[2]);
    runRequest(ctx, conn, message as RequestMessage);
  };
}

function runRequest(ctx: HandlerContext, conn: ClientConnection, message: RequestMessage): void {
  const started = process.hrtime.bigint();
  const handler = REQUEST_HANDLERS[message.t] as RequestHandler<RequestType>;
  try {
    const result = handler(ctx, conn, message as never);
    if (result !== DEFERRED) conn.reply(message.id, result);
  } catch (error) {
    replyFailure(ctx, conn, message, error);
  } finally {
    const micros = Number(process.hrtime.bigint() - started) / 1000;
    ctx.log.debug({ conn: conn.id, type: message.t, micros }, 'request handled');
  }
}
