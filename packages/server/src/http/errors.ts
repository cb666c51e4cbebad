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
