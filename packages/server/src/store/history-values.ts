/**
 * History rows as per-key values: nested objects flatten to dotted keys ("a.b"), except media and
 * other typed values (objects with a `_type`), which stay one JSON leaf. A number (NaN and
 * ±Infinity included) is kept as `num`, for the Float64 column of its block; anything else as W&B
 * JSON text in `json`. Keys are the user's and stored as sent, "__proto__" and "constructor"
 * included: whoever builds objects from them assigns with setOwn/setDotted, never `obj[key] =`.
 */
import { parseWandbJson, setOwn, toWandbJson } from '@wandb-daemon/protocol';

/** One flattened leaf of a history row. */
export interface FlatValue {
  key: string;
  num: number | null;
  json: string | null;
}

/** Guards against hostile nesting: deeper objects are kept whole as one leaf. */
const MAX_DEPTH = 32;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Encodes one leaf for storage. */
function encodeLeaf(key: string, value: unknown): FlatValue {
  if (typeof value === 'number') return { key, num: value, json: null };
  return { key, num: null, json: toWandbJson(value) };
}

/** Decodes a stored leaf back to its value (the number when `num` is set, NaN included). */
export function decodeLeaf(num: number | null, json: string | null): unknown {
  if (num !== null) return num;
  return json === null ? null : parseWandbJson(json);
}

/**
 * The `_type` of a stored non-numeric value (W&B JSON) that is an object with a string `_type`
 * (an image, a histogram, a table...), else null. Only text that can hold one is parsed.
 */
export function typeOfJson(json: string): string | null {
  if (json.charCodeAt(0) !== 0x7b || !json.includes('"_type"')) return null;
  try {
    const value = parseWandbJson(json);
    const type = isPlainObject(value) && Object.hasOwn(value, '_type') ? value._type : undefined;
    return typeof type === 'string' ? type : null;
  } catch {
    return null;
  }
}

/** W&B JSON of a null value, as stored (a null is a value of its key, but no chart or media one). */
export const NULL_JSON = 'null';

/** Flattens a parsed history row, leaving out `_step` (it is a column of its own). */
export function flattenRow(row: Record<string, unknown>): FlatValue[] {
  const out: FlatValue[] = [];
  forEachLeaf(row, (key, value) => out.push(encodeLeaf(key, value)));
  return out;
}

/** Calls `visit` for every flattened leaf of a history row (as flattenRow), allocating no leaf objects. */
export function forEachLeaf(row: Record<string, unknown>, visit: (key: string, value: unknown) => void): void {
  const walk = (prefix: string, value: Record<string, unknown>, depth: number) => {
    for (const name of Object.keys(value)) {
      if (depth === 0 && name === '_step') continue;
      const child = value[name];
      const key = depth === 0 ? name : `${prefix}.${name}`;
      if (isPlainObject(child) && !Object.hasOwn(child, '_type') && depth < MAX_DEPTH && Object.keys(child).length > 0) walk(key, child, depth + 1);
      else visit(key, child);
    }
  };
  walk('', row, 0);
}

/** The step of a history line: its `_step` when it is an integer, else the line index. */
export function stepOf(row: Record<string, unknown> | null, lineNo: number): number {
  const step = row?._step;
  return typeof step === 'number' && Number.isSafeInteger(step) ? step : lineNo;
}

/**
 * Sets `value` at a dotted `path` below `target`, creating objects on the way. Only own properties
 * are walked: a segment such as "__proto__" or "constructor" is a key like any other, so the walk can
 * never reach (and write into) a prototype such as Object.prototype.
 */
export function setDotted(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = Object.hasOwn(node, part) ? node[part] : undefined;
    if (isPlainObject(next)) node = next;
    else {
      const created: Record<string, unknown> = {};
      setOwn(node, part, created);
      node = created;
    }
  }
  setOwn(node, path[path.length - 1]!, value);
}
