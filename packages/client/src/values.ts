/**
 * What `log`, `config` and `summary` accept, checked and copied in the caller before anything is
 * queued: a value that cannot be logged throws a TypeError naming its key, and nothing of that call is
 * sent. The copy also means later mutation of the caller's objects cannot change what was logged.
 *
 * `log` and the summary also take rich values (Image, Histogram, ...; see media/): given a media
 * collector, they become W&B's JSON here and the files they point at are gathered for the caller to
 * send. The config takes none of them.
 */
import { isPlainObject } from '@wandb-daemon/protocol/lite';
import type { MediaCollector } from './media/collector.js';
import { histogram } from './media/histogram.js';
import { isTensorLike, tensorData, type TensorLike } from './media/ndarray.js';
import { CustomChart, WBValue, type WBValueSequenceClass } from './media/wb-value.js';

export type PlainObject = Record<string, unknown>;

const MAX_DEPTH = 64;
/** Typed arrays and tensors longer than this are logged as a 32-bin histogram, as W&B logs numpy arrays. */
const HISTOGRAM_ABOVE = 32;
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
 * can skip the key, as JSON does. With `media` (log, summary): rich values become their W&B JSON,
 * typed arrays and tensors of more than 32 values 32-bin histograms, smaller tensors nested lists.
 */
function normalize(value: unknown, path: string, ancestors: object[], media: MediaCollector | undefined): unknown {
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
    if (Array.isArray(object) || object instanceof Set) return normalizeList(Array.from(object as Iterable<unknown>), path, ancestors, media);
    if (ArrayBuffer.isView(object)) {
      if (object instanceof DataView) fail(path, 'a DataView cannot be logged; log a typed array');
      const items = object as unknown as ArrayLike<number | bigint>;
      if (media !== undefined && items.length > HISTOGRAM_ABOVE) return histogramJson(items);
      return normalizeList(Array.from(items), path, ancestors, media);
    }
    if (object instanceof Map) return normalizeEntries(object.entries(), path, ancestors, media);
    if (isPlainObject(object)) return normalizeEntries(Object.entries(object), path, ancestors, media);
    if (object instanceof WBValue) return richValue(object, path, media);
    if (object instanceof CustomChart) fail(path, media?.acceptsCharts ? 'a custom chart is logged at the top level of a row: run.log({ key: chart })' : 'a custom chart can only be logged with run.log()');
    if (media !== undefined && isTensorLike(object)) return tensorValue(object, path);
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return normalize(toJSON.call(object), path, ancestors, media);
    return fail(path, `a ${describe(object)} cannot be logged (log numbers, strings, booleans, arrays or plain objects)`);
  } finally {
    ancestors.pop();
  }
}

function normalizeList(items: unknown[], path: string, ancestors: object[], media: MediaCollector | undefined): unknown {
  if (media !== undefined && items[0] instanceof WBValue) return richSequence(items, path, media);
  const out = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i += 1) {
    if (media !== undefined && items[i] instanceof WBValue) fail(`${path}[${i}]`, `a list with a ${describe(items[i])} must hold only values of that type`);
    const item = normalize(items[i], `${path}[${i}]`, ancestors, media);
    out[i] = item === undefined ? null : item; // as JSON.stringify does in arrays
  }
  return out;
}

function normalizeEntries(entries: Iterable<[unknown, unknown]>, path: string, ancestors: object[], media: MediaCollector | undefined): PlainObject {
  const out: PlainObject = {};
  for (const [key, item] of entries) {
    if (typeof key !== 'string') fail(path, `keys must be strings, got a ${describe(key)}`);
    if (path === '' && item instanceof CustomChart) {
      addChart(key, item, out, media);
      continue;
    }
    const childPath = path ? `${path}.${key}` : key;
    const normalized = normalize(item, childPath, ancestors, media);
    if (normalized !== undefined) out[key] = normalized;
  }
  return out;
}

/** The file name W&B gives a value: its dotted key, without list positions. */
function mediaKey(path: string): string {
  return path.includes('[') ? path.replace(/\[\d+\]/g, '') : path;
}

/** A rich value as W&B's JSON; its files go to `media`. Not in the config. */
function richValue(value: WBValue, path: string, media: MediaCollector | undefined): unknown {
  if (media === undefined) fail(path, `a ${describe(value)} can be logged with run.log() or set in run.summary, not in the config`);
  return value.toWandbJson(media.context(mediaKey(path)));
}

/**
 * A list of rich values: one JSON for the whole list when their class has a sequence form (a list of
 * Images is one `images/separated`), else the list of their JSON. They must all be of one class.
 */
function richSequence(items: unknown[], path: string, media: MediaCollector): unknown {
  const type = (items[0] as WBValue).constructor;
  for (let i = 1; i < items.length; i += 1) {
    const item = items[i];
    if (!(item instanceof WBValue) || item.constructor !== type) {
      fail(`${path}[${i}]`, `a list of rich values must hold one type: a ${describe(item)} follows a ${describe(items[0])}`);
    }
  }
  const ctx = media.context(mediaKey(path));
  const sequence = (type as Partial<WBValueSequenceClass>).seqToWandbJson;
  if (typeof sequence === 'function') return sequence.call(type, items as WBValue[], ctx);
  return (items as WBValue[]).map((item) => item.toWandbJson(ctx));
}

/** W&B's custom chart at the top of a row: the table under `<key>_table`, and the chart for the run. */
function addChart(key: string, chart: CustomChart, out: PlainObject, media: MediaCollector | undefined): void {
  if (!media?.acceptsCharts) fail(key, media ? 'a custom chart cannot be set in the summary; log it with run.log()' : 'a custom chart can only be logged with run.log()');
  if (!(chart.table instanceof WBValue)) fail(key, 'a custom chart needs a table (a WBValue)');
  const tableKey = `${key}_table`;
  out[tableKey] = chart.table.toWandbJson(media.context(tableKey));
  const { panelDefId, fields, stringFields } = chart.spec;
  media.addChart({ key, tableKey, panelDefId, fields: { ...fields }, stringFields: { ...stringFields } });
}

/** A numeric typed array as the histogram W&B logs for a large numpy array. */
function histogramJson(items: ArrayLike<number | bigint>): PlainObject {
  const numbers = items instanceof BigInt64Array || items instanceof BigUint64Array ? Float64Array.from(items, Number) : (items as ArrayLike<number>);
  return { _type: 'histogram', ...histogram(numbers, 32) };
}

/** A tensor: a histogram past 32 values, else its values, nested as its shape (a scalar for rank 0). */
function tensorValue(tensor: TensorLike, path: string): unknown {
  const { data, shape } = tensorData(tensor, `cannot log "${path}"`);
  if (data.length > HISTOGRAM_ABOVE) return histogramJson(data);
  const bool = tensor.dtype === 'bool';
  let offset = 0;
  const nest = (depth: number): unknown => {
    if (depth === shape.length) {
      const v = data[offset++]!;
      return bool ? v !== 0 : v;
    }
    return Array.from({ length: shape[depth]! }, () => nest(depth + 1));
  };
  return nest(0);
}

/**
 * Checks and copies the object given to `log`, `config.update` or `summary.update`. The loop handles
 * the common scalars inline, which keeps a `log` of a few numbers to a few hundred nanoseconds.
 * With `media` (log, summary), rich values, large typed arrays, tensors and (log only) custom charts
 * are accepted and their files and charts gathered in `media`.
 */
export function normalizeObject(data: unknown, what: string, media?: MediaCollector): PlainObject {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || ArrayBuffer.isView(data)) {
    throw new TypeError(`${what} must be passed an object of key/value pairs, got ${Array.isArray(data) ? 'an array' : describe(data)}`);
  }
  if (data instanceof Map) return normalizeEntries(data.entries(), '', [data], media);
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
    if (value instanceof CustomChart) {
      addChart(key, value, out, media);
      continue;
    }
    const normalized = normalize(value, key, (ancestors ??= [data]), media);
    if (normalized !== undefined) out[key] = normalized;
  }
  return out;
}
