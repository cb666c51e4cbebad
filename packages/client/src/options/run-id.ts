/**
 * Run ids and display names generated the way W&B does when the caller gives none: an 8-character
 * random id of [a-z0-9] and an "adjective-noun-<n>" name.
 */
import { randomBytes, randomInt } from 'node:crypto';

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

const ADJECTIVES = [
  'amber', 'ancient', 'autumn', 'bright', 'brisk', 'calm', 'cerulean', 'clean', 'cool', 'crimson',
  'dainty', 'dark', 'dauntless', 'deep', 'divine', 'dry', 'eager', 'earthy', 'elated', 'electric',
  'fanciful', 'fearless', 'fine', 'fluent', 'fresh', 'gallant', 'gentle', 'glad', 'golden', 'graceful',
  'hardy', 'hearty', 'icy', 'jolly', 'lively', 'lucky', 'misty', 'noble', 'olive', 'polished',
  'proud', 'quiet', 'rosy', 'royal', 'rural', 'sage', 'serene', 'silver', 'smooth', 'snowy',
  'solar', 'splendid', 'stellar', 'still', 'stoic', 'sunny', 'swift', 'twilight', 'vivid', 'wise',
] as const;

const NOUNS = [
  'aurora', 'bird', 'blaze', 'breeze', 'brook', 'butterfly', 'cloud', 'comet', 'cosmos', 'dawn',
  'deluge', 'dew', 'dream', 'dust', 'field', 'fire', 'firefly', 'flower', 'fog', 'forest',
  'frost', 'galaxy', 'glade', 'grass', 'haze', 'hill', 'lake', 'leaf', 'meadow', 'moon',
  'morning', 'mountain', 'night', 'ocean', 'paper', 'pine', 'planet', 'pond', 'rain', 'resonance',
  'river', 'sea', 'shadow', 'shape', 'sky', 'smoke', 'snow', 'sound', 'spaceship', 'spark',
  'star', 'sun', 'sunset', 'thunder', 'tree', 'valley', 'water', 'wave', 'wind', 'wood',
] as const;

/** A W&B-style display name, e.g. "swift-river-42". W&B numbers runs per project; here <n> is random. */
export function generateRunName(): string {
  const adjective = ADJECTIVES[randomInt(ADJECTIVES.length)] ?? 'swift';
  const noun = NOUNS[randomInt(NOUNS.length)] ?? 'river';
  return `${adjective}-${noun}-${randomInt(1, 1000)}`;
}
