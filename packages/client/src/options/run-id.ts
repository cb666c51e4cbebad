/**
 * Run ids generated the way W&B does when the caller gives none: 8 random characters of [a-z0-9].
 * (Display names are the daemon's to give, so that a resumed run keeps its name.)
 */
import { randomBytes } from 'node:crypto';

/** What a run id may be: 1 to 128 characters of [A-Za-z0-9_.-] (safe in URLs and file names). */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 8;
// The largest multiple of 36 below 256: bytes at or above it are redrawn so that every character is
// equally likely (a plain `byte % 36` would favour the first four).
const UNBIASED_LIMIT = 256 - (256 % ID_ALPHABET.length);

/** A new run id: 8 characters of [a-z0-9] from the crypto RNG (36^8 ≈ 2.8e12 possible ids). */
export function generateRunId(): string {
  let id = '';
  while (id.length < ID_LENGTH) {
    for (const byte of randomBytes(ID_LENGTH * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      id += ID_ALPHABET[byte % ID_ALPHABET.length];
      if (id.length === ID_LENGTH) break;
    }
  }
  return id;
}
