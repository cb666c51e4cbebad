/**
 * Signed URLs. CreateRunFiles hands out `PUT <base>/upload/<token>`; the client sends no auth
 * header there, so the token itself names the run and path and carries an expiry, signed with
 * HMAC-SHA256 under a secret generated once into the data dir (0600). Read tokens (signed-file
 * URLs, for the dashboard's framed HTML: an iframe cannot send the key) have the same shape but are
 * signed under a key derived from the secret for that purpose alone, so that neither kind of token
 * passes for the other: a read URL cannot overwrite the file, an upload URL cannot read it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a token grants: one path of one run, until `expires` (unix s). */
export interface UploadGrant {
  runId: number;
  path: string;
  expires: number;
}

/** What a read token grants (same fields as an upload grant). */
export type FileReadGrant = UploadGrant;

/** How long an upload URL stays valid: clients upload right away, but retry for a while. */
export const UPLOAD_TOKEN_TTL_SECONDS = 24 * 3600;

/** How long a signed read URL stays valid: the page asks for it right before it loads the file. */
export const FILE_READ_TOKEN_TTL_SECONDS = 600;

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest();

/** The HMAC key of read tokens: derived from the secret, never equal to it. */
const readKey = (secret: Buffer) => sign(secret, 'wandb-server file read token v1');

/** A URL-safe token for `grant`, signed with `key`. */
function signGrant(key: Buffer, grant: UploadGrant): string {
  const payload = Buffer.from(JSON.stringify([grant.runId, grant.path, grant.expires])).toString('base64url');
  return `${payload}.${sign(key, payload).toString('base64url')}`;
}

/** The grant of a valid, unexpired token signed with `key`, or null (bad signature, malformed, expired). */
function verifyGrant(key: Buffer, token: string, now: number): UploadGrant | null {
  const dot = token.indexOf('.');
  if (dot < 0) return null;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = sign(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const [runId, path, expires] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [unknown, unknown, unknown];
    if (typeof runId !== 'number' || typeof path !== 'string' || typeof expires !== 'number') return null;
    return expires >= now ? { runId, path, expires } : null;
  } catch {
    return null;
  }
}

/** A URL-safe upload token for `grant`. */
export function signUploadToken(secret: Buffer, grant: UploadGrant): string {
  return signGrant(secret, grant);
}

/** The grant of a valid, unexpired upload token, or null (bad signature, malformed, expired). */
export function verifyUploadToken(secret: Buffer, token: string, now = Date.now() / 1000): UploadGrant | null {
  return verifyGrant(secret, token, now);
}

/** A URL-safe read token for `grant`. */
export function signFileReadToken(secret: Buffer, grant: FileReadGrant): string {
  return signGrant(readKey(secret), grant);
}

/** The grant of a valid, unexpired read token, or null (bad signature, malformed, expired, an upload token). */
export function verifyFileReadToken(secret: Buffer, token: string, now = Date.now() / 1000): FileReadGrant | null {
  return verifyGrant(readKey(secret), token, now);
}
