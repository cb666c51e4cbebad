/**
 * Signed upload URLs. CreateRunFiles hands out `PUT <base>/upload/<token>`; the client sends no auth
 * header there, so the token itself names the run and path and carries an expiry, signed with
 * HMAC-SHA256 under a secret generated once into the data dir (0600).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What an upload token grants: one path of one run, until `expires` (unix s). */
export interface UploadGrant {
  runId: number;
  path: string;
  expires: number;
}

/** How long an upload URL stays valid: clients upload right away, but retry for a while. */
export const UPLOAD_TOKEN_TTL_SECONDS = 24 * 3600;

const sign = (secret: Buffer, payload: string) => createHmac('sha256', secret).update(payload).digest();

/** A URL-safe token for `grant`. */
export function signUploadToken(secret: Buffer, grant: UploadGrant): string {
  const payload = Buffer.from(JSON.stringify([grant.runId, grant.path, grant.expires])).toString('base64url');
  return `${payload}.${sign(secret, payload).toString('base64url')}`;
}

/** The grant of a valid, unexpired token, or null (bad signature, malformed, expired). */
export function verifyUploadToken(secret: Buffer, token: string, now = Date.now() / 1000): UploadGrant | null {
  const dot = token.indexOf('.');
  if (dot < 0) return null;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = sign(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const [runId, path, expires] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [unknown, unknown, unknown];
    if (typeof runId !== 'number' || typeof path !== 'string' || typeof expires !== 'number') return null;
    return expires >= now ? { runId, path, expires } : null;
  } catch {
    return null;
  }
}
