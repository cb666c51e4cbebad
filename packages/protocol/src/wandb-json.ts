/**
 * W&B's JSON dialect for history, events and summary lines: ordinary JSON except that non-finite
 * numbers are the bare tokens `NaN`, `Infinity` and `-Infinity` (as Python's json module writes them).
 * Big integers are written as exact digits, typed arrays as arrays, dates as ISO strings.
 */
import { createRequire } from 'node:module';
import { setOwn } from './plain-object.js';

// JSON5 parses the NaN/Infinity tokens; loaded on first need, so that a client process never pays
// for it (only readers of stored lines do).
let json5: { parse: (text: string) => unknown } | undefined;
const loadJson5 = () => (json5 ??= createRequire(import.meta.url)('json5') as { parse: (text: string) => unknown });

// A marker no user string contains by accident: a NUL byte plus a per-process random tag.
const TAG = `\u0000wdj${Math.random().toString(36).slice(2, 10)}:`;
const TAG_JSON = JSON.stringify(TAG).slice(1, -1);
const MARKED = new RegExp(`"${TAG_JSON.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}(NaN|-?Infinity|-?\\d+)"`, 'g');

function replacer(_key: string, value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : `${TAG}${String(value)}`;
    case 'bigint':
      return `${TAG}${value.toString()}`;
    case 'object':
      if (value !== null && ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        return Array.from(value as unknown as ArrayLike<unknown>);
      }
      return value;
    default:
      return value;
  }
}

/** True when plain JSON.stringify would misrepresent something in `value` (the rare case). */
function needsReplacer(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'number':
      return !Number.isFinite(value);
    case 'bigint':
      return true;
    case 'object':
      if (value === null) return false;
      if (depth > 64 || ArrayBuffer.isView(value)) return true;
      if (Array.isArray(value)) return value.some((item) => needsReplacer(item, depth + 1));
      for (const key in value) if (needsReplacer((value as Record<string, unknown>)[key], depth + 1)) return true;
      return false;
    default:
      return false;
  }
}

/** Serialises a value as one W&B JSON line (no newline). */
export function toWandbJson(value: unknown): string {
  if (!needsReplacer(value)) return JSON.stringify(value);
  const text = JSON.stringify(value, replacer);
  return text.includes(TAG_JSON) ? text.replace(MARKED, '$1') : text;
}

/** Parses a W&B JSON line, accepting `NaN` and `Infinity` tokens. */
export function parseWandbJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return loadJson5().parse(text);
  }
}

/** Parses a W&B JSON line that should hold an object; null when it is not JSON or not an object. */
export function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value = parseWandbJson(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Replaces non-finite numbers by the strings `"NaN"`, `"Infinity"`, `"-Infinity"`, for strict-JSON
 * consumers (HTTP APIs), keeping every other value as is.
 */
export function toStrictJsonValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(toStrictJsonValue);
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<unknown>, toStrictJsonValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, toStrictJsonValue(v));
    return out;
  }
  return value;
}
