/** Error replies in the shape W&B clients read: `{"errors":[{"message":...}]}` (they show errors[0]). */
import type { FastifyReply } from 'fastify';

/** The body of an error reply. */
export function errorBody(message: string): { errors: { message: string }[] } {
  return { errors: [{ message }] };
}

/** Sends an error reply with `status`. */
export function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).send(errorBody(message));
}

/** SQLite result codes (extended ones included) that describe the server's environment, not the request. */
const ENVIRONMENT_CODES = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|NOMEM|READONLY|CANTOPEN|CORRUPT|NOTADB|PROTOCOL|INTERRUPT|PERM|ABORT)/;

/**
 * The status for an error thrown while storing a request. 503 when the environment failed (disk
 * full, database busy, an I/O error): a retry may succeed. Anything else was caused by the data
 * (SQLITE_TOOBIG → 413, a constraint, a value the store cannot take → 422) and would fail again the
 * same way, so it is a 4xx: W&B clients resend a 5xx forever but give up on a 4xx.
 */
export function storeErrorStatus(error: unknown): 413 | 422 | 503 {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && ENVIRONMENT_CODES.test(code)) return 503;
  if (code === 'SQLITE_TOOBIG') return 413;
  // Node's system errors (ENOSPC, EACCES...) name the failed call.
  if (typeof (error as { syscall?: unknown } | null)?.syscall === 'string') return 503;
  return 422;
}
