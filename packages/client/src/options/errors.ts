/**
 * The error `init` throws for an option it cannot accept, and the one wording all checks share:
 * "Invalid <what>: expected <accepted values>, received <type and value>."
 */

import { UsageError } from '../errors.js';

/** An invalid argument to `init` (or the environment feeding it): fix the call, retrying cannot help. */
export { UsageError };

const MAX_SHOWN_CHARS = 40;

/** Names the type of `value`, with the value itself when it is short and printable. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > MAX_SHOWN_CHARS ? `${value.slice(0, MAX_SHOWN_CHARS)}…` : value;
      return `string ${JSON.stringify(shown)}`;
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'object': {
      const ctor: unknown = (Object.getPrototypeOf(value) as { constructor?: unknown } | null)?.constructor;
      const name = typeof ctor === 'function' ? ctor.name : '';
      return name && name !== 'Object' ? `${name} instance` : 'object';
    }
    default:
      return typeof value;
  }
}

/** The UsageError for `value` given as `label` (e.g. "init option 'tags'") where `expected` was needed. */
export function invalid(label: string, expected: string, value: unknown): UsageError {
  return new UsageError(`Invalid ${label}: expected ${expected}, received ${describeValue(value)}.`);
}
