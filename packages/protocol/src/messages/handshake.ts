import * as v from 'valibot';

/** First message from a client: who it is and which protocol it speaks. */
export const Hello = v.object({
  t: v.literal('hello'),
  protocol: v.pipe(v.number(), v.safeInteger()),
  version: v.string(),
  pid: v.pipe(v.number(), v.safeInteger()),
  program: v.optional(v.string()),
});
export type Hello = v.InferOutput<typeof Hello>;

/** The daemon's answer to a compatible hello. */
export const Welcome = v.object({
  t: v.literal('welcome'),
  protocol: v.number(),
  version: v.string(),
  pid: v.number(),
  httpPort: v.nullable(v.number()),
});
export type Welcome = v.InferOutput<typeof Welcome>;

export { handshakeMismatch, LOCAL_VERSIONS, makeHello, type PeerVersions } from '../handshake-policy.js';
