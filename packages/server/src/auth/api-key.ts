/**
 * API keys: `local-<40 alphanumerics>`. Python (0.17+) wants at least 40 `[\w-]` characters after the
 * first `-`, @wandb/sdk exactly 40 after the last one; this shape satisfies both. Only the sha256 of a
 * key is ever stored.
 */
import { createHash, randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_PREFIX = 'local';

/** A fresh random key (uniform over the alphabet: randomInt, no modulo bias). */
export function generateApiKey(): string {
  let body = '';
  for (let i = 0; i < 40; i += 1) body += ALPHABET[randomInt(ALPHABET.length)];
  return `${KEY_PREFIX}-${body}`;
}

/** True for a key both official clients accept: `<prefix>-<40 alphanumerics>` or a bare 40. */
export function isValidApiKey(key: string): boolean {
  return /^(?:[A-Za-z0-9_]+-)?[A-Za-z0-9]{40}$/.test(key);
}

/** The stored form of a key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The key from an `Authorization: Basic base64(api:<key>)` header, or null. */
export function keyFromBasicAuth(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0 || decoded.slice(0, colon) !== 'api') return null;
  const key = decoded.slice(colon + 1);
  return key === '' ? null : key;
}
