/**
 * API keys in the client: the format check W&B's clients enforce, and a wrapper that keeps a key out
 * of everything that prints or serialises values (errors, logs, JSON, `console.log` of options).
 */
import { inspect } from 'node:util';
import { UsageError } from './errors.js';

// Python wants 40+ chars of [\w-] after the first '-', @wandb/sdk exactly 40 after the last '-': a
// single-dash prefix and 40 word characters satisfy both (see wandb-wire.md, "Transport and auth").
const KEY_PATTERN = /^(?:[A-Za-z0-9_]+-)?[A-Za-z0-9_]{40}$/;

/** An API key that never shows itself: `String()`, JSON and `util.inspect` print a placeholder. */
export class ApiKey {
  readonly #key: string;

  constructor(key: string) {
    this.#key = key;
  }

  /** The key itself, for the one place that needs it (the request to the daemon or the server). */
  reveal(): string {
    return this.#key;
  }

  /** True when both hold the same key. */
  equals(other: ApiKey | null): boolean {
    return other !== null && other.#key === this.#key;
  }

  toString(): string {
    return '[API key]';
  }

  toJSON(): string {
    return '[API key]';
  }

  [inspect.custom](): string {
    return '[API key]';
  }
}

/**
 * Checks the format of a key from `source` (e.g. "setting 'api_key'", "WANDB_API_KEY") and wraps it.
 * The error names the source and the length, never the key.
 */
export function checkApiKey(value: unknown, source: string): ApiKey {
  if (typeof value !== 'string') {
    throw new UsageError(`Invalid API key in ${source}: expected a string, received ${value === null ? 'null' : typeof value}.`);
  }
  const key = value.trim();
  if (!KEY_PATTERN.test(key)) {
    throw new UsageError(
      `Invalid API key in ${source}: expected 40 letters or digits, optionally after a prefix and a dash (<prefix>-<40 characters>); received ${key.length} characters. Copy the whole key from your server's authorize page.`,
    );
  }
  return new ApiKey(key);
}
