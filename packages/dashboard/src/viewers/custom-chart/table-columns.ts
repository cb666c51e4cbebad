/**
 * Reading a W&B table (`{columns, data}`) through a custom chart's field mapping. Pure, so it runs
 * under Node's test runner.
 */
import { toNumber } from '../../api.js';

/** A W&B table as the chart receives it: column names and rows of cells. */
export interface ChartTable {
  columns: string[];
  data: unknown[][];
}

/** Thrown when the chart's fields name a column the table lacks; the panel shows the message. */
export class ChartFieldError extends Error {
  override name = 'ChartFieldError';
}

/**
 * The index of the column a preset field is mapped to (`fields[field]`, else a column named like
 * the field), or -1 when there is none.
 */
export function findColumn(table: ChartTable, fields: Readonly<Record<string, string>>, field: string): number {
  const name = fields[field];
  if (name !== undefined && name !== '') return table.columns.indexOf(name);
  return table.columns.indexOf(field);
}

/** Like findColumn, but a missing column is a ChartFieldError naming the field and the columns. */
export function requireColumn(table: ChartTable, fields: Readonly<Record<string, string>>, field: string): number {
  const index = findColumn(table, fields, field);
  if (index >= 0) return index;
  const name = fields[field] || field;
  throw new ChartFieldError(`field "${field}" names column "${name}", which the table lacks (columns: ${table.columns.join(', ') || 'none'})`);
}

/** The column name a field is mapped to, for axis titles. */
export function columnName(table: ChartTable, index: number): string {
  return table.columns[index] ?? '';
}

/**
 * A cell as a number: numbers as they are, W&B's "NaN"/"Infinity"/"-Infinity" strings, numeric
 * strings and booleans (1/0); null for anything else.
 */
export function cellNumber(value: unknown): number | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  const token = toNumber(value);
  if (token !== null || typeof value !== 'string') return token;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return Number.isNaN(n) ? null : n;
}

/** A cell as a category label: strings as they are, other values as JSON (null as "null"). */
export function cellLabel(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}
