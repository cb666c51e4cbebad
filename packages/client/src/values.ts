/**
 * What `log`, `config` and `summary` accept, checked and copied in the caller before anything is
 * queued: a value that cannot be logged throws a TypeError naming its key, and nothing of that call is
 * sent. The copy also means later mutation of the caller's objects cannot change what was logged.
 */
import { isPlainObject } from '@wandb-daemon/protocol/lite';

export type PlainObject = Record<string, unknown>;

const MAX_DEPTH = 64;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object with a null prototype';
}

function fail(path: string, reason: string): never {
  throw new TypeError(`cannot log ${path ? `"${path}"` : 'the value'}: ${reason}`);
}

/**
 * Normalizes one value. Numbers (NaN and ±Infinity included), strings, booleans and null pass as they
 * are; bigints become numbers when exact, else stay bigints (64-bit at most); dates become ISO strings;
 * typed arrays, sets and arrays become arrays; maps and plain objects become plain objects; objects
 * with `toJSON` are logged as what it returns. `undefined` is reported as `undefined` so the caller
 * can skip the key, as JSON does.
 */
function normalize(value: unknown, path: string, ancestors: object[]): unknown {
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'bigint':
      if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
      if (value < INT64_MIN || value > INT64_MAX) fail(path, 'bigint does not fit in 64 bits');
      return value;
    case 'function':
    case 'symbol':
      return fail(path, `a ${describe(value)} cannot be logged`);
  }
  if (value === null) return null;
  const object = value as object;
  if (ancestors.includes(object)) fail(path, 'circular reference');
  if (ancestors.length >= MAX_DEPTH) fail(path, `nested deeper than ${MAX_DEPTH} levels`);
  if (object instanceof Date) {
    if (Number.isNaN(object.getTime())) fail(path, 'invalid Date');
    return object.toISOString();
  }
  ancestors.push(object);
  try {
    if (Array.isArray(object) || object instanceof Set) return normalizeList(Array.from(object as Iterable<unknown>), path, ancestors);
    if (ArrayBuffer.isView(object)) {
      if (object instanceof DataView) fail(path, 'a DataView cannot be logged; log a typed array');
      return normalizeList(Array.from(object as unknown as ArrayLike<unknown>), path, ancestors);
    }
    if (object instanceof Map) return normalizeEntries(object.entries(), path, ancestors);
    if (isPlainObject(object)) return normalizeEntries(Object.entries(object), path, ancestors);
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return normalize(toJSON.call(object), path, ancestors);
    return fail(path, `a ${describe(object)} cannot be logged (log numbers, strings, booleans, arrays or plain objects)`);
  } finally {
    ancestors.pop();
  }
}

function normalizeList(items: unknown[], path: string, ancestors: object[]): unknown[] {
  const out = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i += 1) {
    const item = normalize(items[i], `${path}[${i}]`, ancestors);
    out[i] = item === undefined ? null : item; // as JSON.stringify does in arrays
  }
  return out;
}

function normalizeEntries(entries: Iterable<[unknown, unknown]>, path: string, ancestors: object[]): PlainObject {
  const out: PlainObject = {};
  for (const [key, item] of entries) {
    if (typeof key !== 'string') fail(path, `keys must be strings, got a ${describe(key)}`);
    const childPath = path ? `${path}.${key}` : key;
    const normalized = normalize(item, childPath, ancestors);
    if (normalized !== undefined) out[key] = normalized;
  }
  return out;
}

/**
 * Checks and copies the object given to `log`, `config.update` or `summary.update`. The loop handles
 * the common scalars inline, which keeps a `log` of a few numbers to a few hundred nanoseconds.
 */
export function normalizeObject(data: unknown, what: string): PlainObject {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || ArrayBuffer.isView(data)) {
    throw new TypeError(`${what} must be passed an object of key/value pairs, got ${Array.isArray(data) ? 'an array' : describe(data)}`);
  }
  if (data instanceof Map) return normalizeEntries(data.entries(), '', [data]);
  if (!isPlainObject(data)) throw new TypeError(`${what} must be passed a plain object, got a ${describe(data)}`);
  const out: PlainObject = {};
  let ancestors: object[] | undefined;
  for (const key in data) {
    if (!Object.hasOwn(data, key)) continue;
    const value = (data as PlainObject)[key];
    const type = typeof value;
    if (type === 'number' || type === 'string' || type === 'boolean' || value === null) {
      out[key] = value;
      continue;
    }
    const normalized = normalize(value, key, (ancestors ??= [data]));
    if (normalized !== undefined) out[key] = normalized;
  }
  return out;
}
