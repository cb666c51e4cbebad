/**
 * History rows as CSV (RFC 4180): nested objects flattened with '.', one column per leaf key, `_step`
 * first. Rows arrive from the HTTP API, where non-finite numbers are the strings "NaN", "Infinity" and
 * "-Infinity"; in CSV they are written bare, which is also how a number NaN would be written.
 */
import { isPlainObject, toWandbJson } from '@wandb-daemon/protocol';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/**
 * Turns the strict-JSON stand-ins "NaN", "Infinity", "-Infinity" back into numbers. A user string
 * with exactly that text becomes a number too: the HTTP API does not tell them apart.
 */
export function restoreNonFinite(value: unknown): unknown {
  if (typeof value === 'string') return Object.hasOwn(NON_FINITE, value) ? NON_FINITE[value] : value;
  if (Array.isArray(value)) return value.map(restoreNonFinite);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = restoreNonFinite(v);
    return out;
  }
  return value;
}

/** Calls `visit` for every leaf of `row` with its flattened key (`a.b.c`). Arrays are leaves. */
export function forEachLeaf(row: Record<string, unknown>, visit: (key: string, value: unknown) => void, prefix = ''): void {
  for (const [key, value] of Object.entries(row)) {
    if (isPlainObject(value)) forEachLeaf(value, visit, `${prefix}${key}.`);
    else visit(`${prefix}${key}`, value);
  }
}

/** The header for a set of flattened keys: `_step` first, then the others sorted by code unit. */
export function csvHeader(keys: Iterable<string>): string[] {
  const rest = [...new Set(keys)].filter((k) => k !== '_step').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return ['_step', ...rest];
}

/** Quotes a field when it contains a comma, a quote or a line break (RFC 4180). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One cell: empty for missing and null, bare numbers (NaN and ±Infinity too), arrays as W&B JSON. */
export function csvCell(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return '';
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'string':
      return csvField(value);
    default:
      if (value === null) return '';
      return csvField(toWandbJson(restoreNonFinite(value as Json)));
  }
}

/** One CSV record (with its CRLF) for `row` under `header`. */
export function csvRecord(header: readonly string[], row: Record<string, unknown>): string {
  const flat = new Map<string, unknown>();
  forEachLeaf(row, (key, value) => flat.set(key, value));
  return `${header.map((key) => csvCell(flat.get(key))).join(',')}\r\n`;
}
