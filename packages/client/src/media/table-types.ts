/**
 * The cell types of a Table, a small model of W&B's `_dtypes` (`wandb/sdk/data_types/_dtypes.py`):
 * Unknown (decided by the first value), Any, None, Number, String, Boolean, Timestamp, rich values by
 * their `_type`, List, TypedDict and Union (Optional is a union with None). A column's type is
 * narrowed by each value it takes; a value it cannot take makes the row invalid.
 */
import { isPlainObject } from '@wandb-daemon/protocol/plain-object';
import { WBValue } from './wb-value.js';

/**
 * A column type by W&B's type name (the `dtype` of `wandb.Table`): 'number', 'string', 'boolean',
 * 'timestamp', 'none', 'list', 'any', 'unknown' (decided by the first value), or a rich value's
 * `_type` such as 'image-file'.
 */
export type ColumnTypeName = 'any' | 'unknown' | 'none' | 'number' | 'string' | 'boolean' | 'timestamp' | 'list' | (string & {});

/** A column's type. */
export type CellType =
  | { readonly kind: 'invalid' | 'any' | 'unknown' }
  | { readonly kind: 'simple'; readonly name: string }
  | { readonly kind: 'list'; readonly element: CellType; readonly length: number | null }
  | { readonly kind: 'dict'; readonly entries: ReadonlyMap<string, CellType> }
  | { readonly kind: 'union'; readonly types: readonly CellType[] };

const INVALID: CellType = { kind: 'invalid' };
const ANY: CellType = { kind: 'any' };
/** A type the first non-null value decides. */
export const UNKNOWN: CellType = { kind: 'unknown' };
const simple = (name: string): CellType => ({ kind: 'simple', name });
/** The type of null, undefined and NaN. */
export const NONE = simple('none');

/** How a type reads in an error message (W&B's `repr`, lower-cased). */
export function describeType(type: CellType): string {
  switch (type.kind) {
    case 'simple':
      return type.name;
    case 'list':
      return `list of ${type.element.kind === 'union' ? `(${describeType(type.element)})` : describeType(type.element)}`;
    case 'dict':
      return `{${[...type.entries].map(([key, value]) => `${JSON.stringify(key)}: ${describeType(value)}`).join(', ')}}`;
    case 'union':
      return type.types.map(describeType).join(' or ');
    default:
      return type.kind;
  }
}

/** Members of nested unions, flattened and sorted by how they read (W&B sorts by `repr`). */
function flatSorted(types: readonly CellType[]): CellType[] {
  const flat = types.flatMap((type) => (type.kind === 'union' ? type.types : [type]));
  const named = flat.map((type) => [describeType(type), type] as const);
  named.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return named.map(([, type]) => type);
}

/** A union of `types` (W&B's `UnionType`; Optional(T) is `union([T, NONE])`). */
export const union = (types: readonly CellType[]): CellType => ({ kind: 'union', types: flatSorted(types) });

const isNone = (type: CellType): boolean => type.kind === 'simple' && type.name === 'none';
const isList = (value: unknown): value is Iterable<unknown> =>
  Array.isArray(value) || value instanceof Set || (ArrayBuffer.isView(value) && !(value instanceof DataView));
const isDict = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && (value instanceof Map || isPlainObject(value)) && !(value instanceof WBValue);

/** The name W&B gives an object's class (`pythonObject`), or null for a value no table can hold. */
function objectClass(value: object): string | null {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value.constructor?.name ?? 'Object') : null;
}

/** W&B's `TypeRegistry.type_of`: NaN counts as null, as in W&B. Throws for values a table cannot hold. */
export function typeOf(value: unknown): CellType {
  switch (typeof value) {
    case 'undefined':
      return NONE;
    case 'number':
      return Number.isNaN(value) ? NONE : simple('number');
    case 'bigint':
      return simple('number');
    case 'string':
      return simple('string');
    case 'boolean':
      return simple('boolean');
    case 'function':
    case 'symbol':
      throw new TypeError(`a ${typeof value} cannot be a table cell`);
  }
  if (value === null) return NONE;
  if (value instanceof WBValue) return simple(value.wandbType);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('an invalid Date cannot be a table cell');
    return simple('timestamp');
  }
  if (isList(value)) return listTypeOf(Array.from(value));
  if (isDict(value)) {
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
    return { kind: 'dict', entries: new Map(entries.map(([key, item]) => [String(key), typeOf(item)])) };
  }
  const cls = objectClass(value as object);
  if (cls === null) throw new TypeError(`a ${(value as object).constructor?.name ?? 'object'} cannot be a table cell (use numbers, strings, booleans, Dates, arrays, plain objects or rich values)`);
  return simple(`${cls} object`);
}

/**
 * W&B's `ListType.from_obj`. Where W&B keeps an unusable list type for a list of mixed values, this
 * types the elements as `any` or null, so such lists are accepted (consistently) instead.
 */
function listTypeOf(items: unknown[]): CellType {
  let element = items.some((item) => item === null || item === undefined) ? union([UNKNOWN, NONE]) : UNKNOWN;
  for (const item of items) element = assign(element, item);
  return { kind: 'list', element: element.kind === 'invalid' ? union([ANY, NONE]) : element, length: items.length };
}

/** W&B's `Type.assign`: the type a column has after taking `value`, or INVALID. */
export function assign(type: CellType, value: unknown): CellType {
  switch (type.kind) {
    case 'union':
      return assignUnion(type.types, [value], assign, (item) => typeOf(item));
    case 'unknown':
    case 'any':
      return assignType(type, typeOf(value));
    case 'list': {
      // W&B's ListType.assign: each item must fit the element type (an empty list always does).
      if (!isList(value)) return INVALID;
      const items = Array.from(value);
      let element = type.element;
      for (const item of items) if ((element = assign(element, item)).kind === 'invalid') return INVALID;
      return { kind: 'list', element, length: items.length };
    }
    case 'dict': {
      // W&B's TypedDictType.assign: no unknown key; a missing key is None for its type.
      if (!isDict(value)) return INVALID;
      const given = new Map(value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v]) : Object.entries(value));
      if ([...given.keys()].some((key) => !type.entries.has(key))) return INVALID;
      const entries = new Map<string, CellType>();
      for (const [key, member] of type.entries) {
        const assigned = assign(member, given.get(key) ?? null);
        if (assigned.kind === 'invalid') return INVALID;
        entries.set(key, assigned);
      }
      return { kind: 'dict', entries };
    }
    default:
      return assignType(type, typeOf(value));
  }
}

/** W&B's `Type.assign_type`. */
function assignType(self: CellType, other: CellType): CellType {
  switch (self.kind) {
    case 'invalid':
      return INVALID;
    case 'any':
      return isNone(other) || other.kind === 'invalid' ? INVALID : ANY;
    case 'unknown':
      return isNone(other) ? INVALID : other;
    case 'union':
      return assignUnion(self.types, other.kind === 'union' ? other.types : [other], assignType, (type) => type);
    case 'list': {
      if (other.kind !== 'list') return INVALID;
      const element = assignType(self.element, other.element);
      return element.kind === 'invalid' ? INVALID : { kind: 'list', element, length: self.length === other.length ? self.length : null };
    }
    case 'dict': {
      if (other.kind !== 'dict' || [...other.entries.keys()].some((key) => !self.entries.has(key))) return INVALID;
      const entries = new Map<string, CellType>();
      for (const [key, type] of self.entries) {
        const assigned = assignType(type, other.entries.get(key) ?? UNKNOWN);
        if (assigned.kind === 'invalid') return INVALID;
        entries.set(key, assigned);
      }
      return { kind: 'dict', entries };
    }
    case 'simple':
      return other.kind === 'simple' && other.name === self.name ? self : INVALID;
  }
}

/**
 * W&B's `_union_assigner`, for values (`assign`) or types (`assign_type`): the first member that
 * takes each one takes it; else an Unknown member becomes its type. None never fills an Unknown.
 */
function assignUnion<T>(allowed: readonly CellType[], others: readonly T[], fit: (member: CellType, other: T) => CellType, typeOfOther: (other: T) => CellType): CellType {
  let resolved = [...allowed];
  for (const other of others) {
    const next: CellType[] = [];
    let valid = false;
    let unknowns = 0;
    for (const member of resolved) {
      if (valid) next.push(member);
      else if (member.kind === 'unknown') unknowns += 1;
      else {
        const assigned = fit(member, other);
        valid = assigned.kind !== 'invalid';
        next.push(valid ? assigned : member);
      }
    }
    if (!valid) {
      const type = typeOfOther(other);
      if (unknowns === 0 || isNone(type) || type.kind === 'invalid') return INVALID;
      next.push(type);
      unknowns -= 1;
    }
    for (let i = 0; i < unknowns; i += 1) next.push(UNKNOWN);
    resolved = flatSorted(next);
  }
  return { kind: 'union', types: resolved };
}

/** The type a `columnTypes` name stands for. */
export function typeFromName(name: ColumnTypeName): CellType {
  if (typeof name !== 'string' || name === '') throw new TypeError(`a column type must be a W&B type name such as 'number', got ${String(name)}`);
  if (name === 'any') return ANY;
  if (name === 'unknown') return UNKNOWN;
  if (name === 'list') return { kind: 'list', element: UNKNOWN, length: null };
  return simple(name);
}

/** How a value reads in an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value instanceof WBValue) return `a ${value.constructor.name}`;
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) return `a ${value.constructor?.name ?? 'object'}`;
  return String(value);
}
