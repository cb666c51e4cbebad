/** The HTTP API token: random, stored 0600 in the home, kept across restarts so CLIs keep working. */
import { timingSafeEqual } from 'node:crypto';
import { loadOrCreateSecret } from '@wandb-daemon/storage-kit/private-fs';

export function loadOrCreateToken(path: string): string {
  return loadOrCreateSecret(path).toString('hex');
}

/** Constant-time check of an `Authorization: Bearer <token>` header. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7).trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
