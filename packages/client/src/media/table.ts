/**
 * W&B's Table (`wandb.Table`): named columns whose cell types are inferred as W&B's `_dtypes` infers
 * them, logged as a `table-file` whose file holds `{"columns":[..],"data":[[..]]}` (W&B's run-side
 * file: no `column_types`, those belong to its artifact format). Rich values in cells (Image, ...)
 * are written as their JSON, their files named by content (`media/images/<sha256[:20]>.png`) so an
 * image repeated in many rows is one file.
 */
import { toWandbJson } from '@wandb-daemon/protocol/lite';
import { isPlainObject } from '@wandb-daemon/protocol/plain-object';
import { UsageError } from '../errors.js';
import { checkMediaSize, mediaFileJson } from './file-media.js';
import { assign, describeType, describeValue, NONE, typeFromName, typeOf, union, UNKNOWN, type CellType, type ColumnTypeName } from './table-types.js';
import { WBValue, type MediaContext } from './wb-value.js';

export type { ColumnTypeName } from './table-types.js';

/** A column name: W&B allows strings and integers. */
export type ColumnKey = string | number;

/** What `new Table()` takes; the names are W&B's (`rows` is its legacy spelling of `data`). */
export interface TableOptions {
  /** Column names; W&B's default is `['Input', 'Output', 'Expected']`. */
  columns?: readonly ColumnKey[];
  /** The rows, each with one value per column. */
  data?: readonly (readonly unknown[])[];
  /** Legacy spelling of `data`, used when `data` is absent. */
  rows?: readonly (readonly unknown[])[];
  /** W&B's `dtype`: one type for every column, one per column, or by column name; unset columns infer. */
  columnTypes?: ColumnTypeName | readonly ColumnTypeName[] | Readonly<Record<string, ColumnTypeName>>;
  /** Whether columns accept null (and NaN, which W&B treats as null): one for all or one per column. Default true. */
  optional?: boolean | readonly boolean[];
  /** Turns type checking off: any non-null value in any column. */
  allowMixedTypes?: boolean;
  /** Snake-case spelling of `allowMixedTypes`. */
  allow_mixed_types?: boolean;
}

const LOG_MODE = 'IMMUTABLE';

/** W&B's `wandb.Table`: columns of typed cells, logged as a `table-file`. */
export class Table extends WBValue {
  /** The most rows a logged table may have (W&B's `Table.MAX_ROWS`); like W&B's, it can be changed. */
  static MAX_ROWS = 10_000;

  readonly wandbType = 'table-file';
  /** The column names. */
  readonly columns: ColumnKey[];
  /** The rows, one value per column (W&B's `table.data`). */
  readonly data: unknown[][] = [];
  #types: CellType[];

  constructor(options: TableOptions = {}) {
    super();
    const columns = options.columns ?? ['Input', 'Output', 'Expected'];
    if (!Array.isArray(columns)) throw new TypeError('Table columns must be an array of strings or integers');
    for (const column of columns) checkColumnName(column, []);
    if (new Set(columns).size !== columns.length) throw new UsageError(`Table columns must be unique, got ${JSON.stringify(columns)}`);
    this.columns = [...columns];
    const mixed = options.allowMixedTypes ?? options.allow_mixed_types ?? false;
    const optional = perColumn(options.optional ?? true, this.columns, 'optional');
    const names = mixed ? perColumn<ColumnTypeName>('any', this.columns, 'columnTypes') : columnTypeNames(options.columnTypes, this.columns);
    this.#types = this.columns.map((_, i) => {
      const name = names[i];
      const base = name === undefined ? UNKNOWN : typeFromName(name);
      return optional[i] ? union([base, NONE]) : base;
    });
    const rows = options.data ?? options.rows ?? [];
    if (!Array.isArray(rows)) throw new TypeError('Table data must be an array of rows');
    for (const row of rows) {
      if (!Array.isArray(row)) throw new TypeError(`each Table row must be an array, got ${describeValue(row)}`);
      this.addData(...(row as unknown[]));
    }
  }

  /** Appends a row (W&B's `add_data`): one value per column, each matching its column's type. */
  addData(...values: unknown[]): void {
    if (values.length !== this.columns.length) {
      throw new UsageError(`This table expects ${this.columns.length} columns: ${JSON.stringify(this.columns)}, found ${values.length}`);
    }
    const types = values.map((value, i) => this.#assign(i, value, this.data.length));
    this.data.push(values);
    this.#types = types;
  }

  /** Alias of {@link addData} (W&B's deprecated `add_row`). */
  addRow(...values: unknown[]): void {
    this.addData(...values);
  }

  /** Appends a column with one value per row (W&B's `add_column`; not optional unless asked, as there). */
  addColumn(name: string, values: readonly unknown[], optional = false): void {
    checkColumnName(name, this.columns);
    if (typeof name !== 'string') throw new TypeError('addColumn() takes a string column name');
    if (!Array.isArray(values)) throw new TypeError(`addColumn(${JSON.stringify(name)}) takes an array of values`);
    const first = this.columns.length === 0;
    if (!first && values.length !== this.data.length) throw new UsageError(`Expected length ${this.data.length}, found ${values.length}`);
    const type = this.#checkColumn(name, values, optional ? union([UNKNOWN, NONE]) : UNKNOWN);
    values.forEach((value, i) => (first && i >= this.data.length ? this.data.push([value]) : this.data[i]!.push(value)));
    this.columns.push(name);
    this.#types.push(type);
  }

  /** The values of one column, in row order (W&B's `get_column`). */
  getColumn(name: ColumnKey): unknown[] {
    const index = this.#indexOf(name);
    return this.data.map((row) => row[index]);
  }

  /** Sets a column's type, checking the rows already there (W&B's `cast`). */
  cast(name: ColumnKey, type: ColumnTypeName, optional = false): void {
    const index = this.#indexOf(name);
    const base = typeFromName(type);
    this.#types[index] = this.#checkColumn(name, this.getColumn(name), optional ? union([base, NONE]) : base);
  }

  /** Adds the columns `fn` returns for each row, keyed by new column name (W&B's `add_computed_columns`). */
  addComputedColumns(fn: (index: number, row: Record<string, unknown>) => Record<string, unknown>): void {
    const added = new Map<string, unknown[]>();
    this.data.forEach((row, index) => {
      const computed = fn(index, Object.fromEntries(this.columns.map((column, i) => [column, row[i]])));
      for (const [key, value] of Object.entries(computed)) {
        if (!added.has(key)) added.set(key, []);
        added.get(key)!.push(value);
      }
    });
    for (const [name, values] of added) this.addColumn(name, values);
  }

  /** Snake-case alias of {@link addData}. */
  add_data(...values: unknown[]): void {
    this.addData(...values);
  }

  /** Snake-case alias of {@link addColumn}. */
  add_column(name: string, values: readonly unknown[], optional = false): void {
    this.addColumn(name, values, optional);
  }

  /** Snake-case alias of {@link getColumn}. */
  get_column(name: ColumnKey): unknown[] {
    return this.getColumn(name);
  }

  /**
   * W&B's `table-file` JSON. Writes the table file (`media/table/<key>_<step>_<sha256[:20]>.table.json`)
   * and the files of rich cells through `ctx`. Throws a UsageError past {@link Table.MAX_ROWS} rows.
   */
  toWandbJson(ctx: MediaContext): Record<string, unknown> {
    if (this.data.length > Table.MAX_ROWS) {
      throw new UsageError(
        `Table row limit exceeded: table has ${this.data.length} rows, limit is ${Table.MAX_ROWS} (Table.MAX_ROWS). ` +
          'Log fewer rows, or raise Table.MAX_ROWS (large tables load slowly in the UI).',
      );
    }
    const cells = new CellWriter(ctx);
    const file = { columns: this.columns, data: this.data.map((row) => row.map((value) => cells.json(value))) };
    // W&B's JSON: non-finite numbers as bare NaN/Infinity tokens, as W&B writes them.
    const bytes = new TextEncoder().encode(toWandbJson(file));
    checkMediaSize(bytes, `Table ${JSON.stringify(ctx.key)}`);
    // W&B's key order (Media.to_json, then Table.to_json's update).
    return { ...mediaFileJson(ctx, this.wandbType, 'table', bytes, 'table.json'), ncols: this.columns.length, nrows: this.data.length, log_mode: LOG_MODE };
  }

  #indexOf(name: ColumnKey): number {
    const index = this.columns.indexOf(name);
    if (index < 0) throw new UsageError(`Table has no column ${JSON.stringify(name)}; its columns are ${JSON.stringify(this.columns)}`);
    return index;
  }

  /** The type of column `i` after it takes `value` in row `row`; a TypeError when it cannot. */
  #assign(i: number, value: unknown, row: number): CellType {
    const current = this.#types[i]!;
    const next = assign(current, value);
    if (next.kind === 'invalid') {
      throw new TypeError(
        `Table column ${JSON.stringify(this.columns[i])} holds ${describeType(current)} values; row ${row} has ${describeValue(value)} ` +
          `(${describeType(typeOf(value))}). Pass allowMixedTypes: true to allow mixed types.`,
      );
    }
    return next;
  }

  /** The type of a whole column of `values` starting from `type`, or a TypeError naming the first misfit. */
  #checkColumn(name: ColumnKey, values: readonly unknown[], type: CellType): CellType {
    let current = type;
    values.forEach((value, row) => {
      const next = assign(current, value);
      if (next.kind === 'invalid') {
        throw new TypeError(`Table column ${JSON.stringify(name)}: row ${row} has ${describeValue(value)} (${describeType(typeOf(value))}), which cannot be cast to ${describeType(current)}`);
      }
      current = next;
    });
    return current;
  }
}

function checkColumnName(name: unknown, existing: readonly ColumnKey[]): void {
  if (typeof name !== 'string' && !Number.isInteger(name)) throw new TypeError(`a Table column name must be a string or an integer, got ${describeValue(name)}`);
  if (existing.includes(name as ColumnKey)) throw new UsageError(`Table already has a column ${JSON.stringify(name)}`);
}

function perColumn<T>(value: T | readonly T[], columns: readonly ColumnKey[], what: string): readonly T[] {
  if (!Array.isArray(value)) return columns.map(() => value as T);
  if (value.length !== columns.length) throw new UsageError(`Table ${what} has ${value.length} entries for ${columns.length} columns`);
  return value as readonly T[];
}

function columnTypeNames(types: TableOptions['columnTypes'], columns: readonly ColumnKey[]): readonly (ColumnTypeName | undefined)[] {
  if (types === undefined || typeof types === 'string' || Array.isArray(types)) {
    return perColumn<ColumnTypeName | undefined>(types as ColumnTypeName | readonly ColumnTypeName[] | undefined, columns, 'columnTypes');
  }
  const byName = types as Readonly<Record<string, ColumnTypeName>>;
  for (const key of Object.keys(byName)) {
    if (!columns.some((column) => String(column) === key)) throw new UsageError(`Table columnTypes names ${JSON.stringify(key)}, which is not a column`);
  }
  return columns.map((column) => byName[String(column)]);
}

// ---- Writing the table file. ----

/**
 * Turns cells into JSON values. A rich value's files are named by content
 * (`media/<kind>/<sha256[:20]>.<ext>`), so the same image in many rows or tables is one file; a value
 * met twice is converted once.
 */
class CellWriter {
  readonly #seen = new Map<WBValue, unknown>();
  readonly #ctx: MediaContext;

  constructor(ctx: MediaContext) {
    this.#ctx = { key: ctx.key, step: ctx.step, byContent: true, addFile: (file) => ctx.addFile(file) };
  }

  json(value: unknown, ancestors: object[] = []): unknown {
    switch (typeof value) {
      case 'undefined':
        return null;
      case 'bigint':
        return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
      case 'object':
        break;
      default:
        return value;
    }
    if (value === null) return null;
    if (value instanceof Date) return value.toISOString();
    if (value instanceof WBValue) return this.#richJson(value);
    if (ancestors.includes(value)) throw new TypeError('a table cell cannot hold a circular reference');
    ancestors.push(value);
    try {
      if (Array.isArray(value) || value instanceof Set || ArrayBuffer.isView(value)) {
        return Array.from(value as ArrayLike<unknown>, (item) => this.json(item, ancestors));
      }
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (!(value instanceof Map) && !isPlainObject(value) && typeof toJSON === 'function') return this.json(toJSON.call(value), ancestors);
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
      return Object.fromEntries(entries.map(([key, item]) => [String(key), this.json(item, ancestors)]));
    } finally {
      ancestors.pop();
    }
  }

  #richJson(value: WBValue): unknown {
    if (this.#seen.has(value)) return this.#seen.get(value);
    const out = this.json(value.toWandbJson(this.#ctx));
    this.#seen.set(value, out);
    return out;
  }
}
