/**
 * Generic type checks for option values, each throwing a UsageError that names where the value came
 * from (`label`): an init option, a setting or an environment variable.
 */
import { describeValue, invalid, UsageError } from './errors.js';

/** Label of a top-level init option, in the spelling the caller used. */
export const optionLabel = (spelling: string): string => `init option '${spelling}'`;
/** Label of a key of the `settings` option, in the spelling the caller used. */
export const settingLabel = (key: string): string => `setting '${key}'`;
/** Label of an environment variable. */
export const envLabel = (name: string): string => `environment variable ${name}`;

/** True for `{...}` literals and null-prototype objects (util.parseArgs values), not class instances. */
export { isPlainObject } from '@wandb-daemon/protocol/plain-object'; // the subpath keeps msgpack out of this module

/** A string; empty only when `allowEmpty`. */
export function expectString(value: unknown, label: string, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    throw invalid(label, allowEmpty ? 'a string' : 'a non-empty string', value);
  }
  return value;
}

/** A boolean (no truthiness: `1` or `'yes'` in code is more likely a mistake than a wish). */
export function expectBoolean(value: unknown, label: string): boolean {
  if (typeof value !== 'boolean') throw invalid(label, 'true or false', value);
  return value;
}

/** An array of strings, copied. */
export function expectStringArray(value: unknown, label: string): string[] {
  if (!Array.isArray(value)) throw invalid(label, 'an array of strings', value);
  const items: unknown[] = value;
  const bad = items.findIndex((item) => typeof item !== 'string');
  if (bad >= 0) {
    throw new UsageError(`Invalid ${label}: expected an array of strings, received an array with ${describeValue(items[bad])} at index ${bad}.`);
  }
  return [...(items as string[])];
}

/** One of the `accepted` strings. */
export function expectOneOf<T extends string>(value: unknown, label: string, accepted: readonly T[]): T {
  if (typeof value !== 'string' || !(accepted as readonly string[]).includes(value)) {
    throw invalid(label, `one of ${accepted.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }
  return value as T;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** The boolean an environment word means (true/1/yes/on, false/0/no/off, any case), or undefined. */
export function envBooleanWord(raw: string): boolean | undefined {
  const word = raw.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}

/** A boolean environment variable: true/1/yes/on or false/0/no/off, any case. */
export function parseEnvBoolean(raw: string, label: string): boolean {
  const value = envBooleanWord(raw);
  if (value === undefined) throw invalid(label, 'true/1/yes/on or false/0/no/off', raw);
  return value;
}
