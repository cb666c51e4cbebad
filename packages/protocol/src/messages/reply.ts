import * as v from 'valibot';
import { ERROR_CODES } from '../errors.js';
import { RequestId } from './common.js';

const ErrorCodeSchema = v.picklist(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...(keyof typeof ERROR_CODES)[]]);

/** An error with a stable code and a message meant for a human. */
export const WireErrorSchema = v.object({ code: ErrorCodeSchema, message: v.string() });

/** Daemon → client answer to a request, matched by `id`. */
export const Reply = v.variant('ok', [
  v.object({ t: v.literal('reply'), id: RequestId, ok: v.literal(true), result: v.unknown() }),
  v.object({ t: v.literal('reply'), id: RequestId, ok: v.literal(false), error: WireErrorSchema }),
]);
export type Reply = v.InferOutput<typeof Reply>;

/**
 * Daemon → client notice about input that had no request id (an invalid record, a bad handshake).
 * `seq` names the dropped record when it could be read.
 */
export const Notice = v.object({
  t: v.literal('error'),
  code: ErrorCodeSchema,
  message: v.string(),
  seq: v.optional(v.number()),
  run: v.optional(v.number()),
});
export type Notice = v.InferOutput<typeof Notice>;
