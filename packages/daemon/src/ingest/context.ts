/** What request handlers may use: the daemon's services, never its sockets or servers. */
import type Database from 'better-sqlite3';
import { ProtocolError, type RequestMessage, type StatusReply } from '@wandb-daemon/protocol';
import type { Logger } from '../log.js';
import type { RunStore } from '../store/run-store.js';
import type { Syncer } from '../sync/syncer.js';
import type { CommitQueue } from './commit-queue.js';
import type { ClientConnection } from './connection.js';
import type { RunRegistry } from './run-registry.js';

export interface HandlerContext {
  db: Database.Database;
  runs: RunStore;
  registry: RunRegistry;
  queue: CommitQueue;
  log: Logger;
  status: () => StatusReply;
  syncer: Syncer;
  /**
   * Identities (`entity/project/runId`) of run.start requests waiting for the server's answer: a
   * second start of the same run meanwhile is refused rather than racing the first.
   */
  pendingStarts: Set<string>;
}

/** Returned by a request handler whose reply is sent later (after a commit). */
export const DEFERRED = Symbol('deferred reply');

/** Answers a request whose handler threw: a ProtocolError as is, anything else logged and sent as INTERNAL. */
export function replyFailure(ctx: HandlerContext, conn: ClientConnection, message: Pick<RequestMessage, 'id' | 't'>, error: unknown): void {
  if (error instanceof ProtocolError) {
    conn.replyError(message.id, error.toWire());
  } else {
    ctx.log.error({ err: error, type: message.t }, 'request handler failed');
    conn.replyError(message.id, { code: 'INTERNAL', message: `internal error handling ${message.t}: ${(error as Error).message}` });
  }
}
