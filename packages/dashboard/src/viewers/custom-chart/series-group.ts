/**
 * Table rows into lines: one series per value of a key column (a class, a line key), or one series
 * for the whole table. Pure, so it runs under Node's test runner.
 */
import { cellLabel, cellNumber, type ChartTable } from './table-columns.js';

/** One line or point set of an xy chart, points in row order. */
export interface XYSeries {
  label: string;
  points: [number, number][];
}

/**
 * The [x, y] of each row with a finite x and y, grouped by the key column's value (series in order
 * of first appearance, points in row order). `keyColumn` null: one series named `label`.
 */
export function groupSeries(table: ChartTable, xColumn: number, yColumn: number, keyColumn: number | null, label = ''): XYSeries[] {
  const groups = new Map<string, [number, number][]>();
  if (keyColumn === null) groups.set(label, []);
  for (const row of table.data) {
    if (!Array.isArray(row)) continue;
    const x = cellNumber(row[xColumn]);
    const y = cellNumber(row[yColumn]);
    if (x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    const key = keyColumn === null ? label : cellLabel(row[keyColumn]);
    let points = groups.get(key);
    if (!points) groups.set(key, (points = []));
    points.push([x, y]);
  }
  return [...groups].map(([name, points]) => ({ label: name, points }));
}

/** Total points over the series. */
export const pointCount = (series: readonly XYSeries[]) => series.reduce((n, s) => n + s.points.length, 0);

/** One bar: a label and its value (the sum of the rows with that label). */
export interface Bar {
  label: string;
  value: number;
}

/**
 * Bars of a label and a value column: rows with the same label add up (as stacked bars would),
 * bars in order of first appearance; rows without a finite value are skipped.
 */
export function groupBars(table: ChartTable, labelColumn: number, valueColumn: number): Bar[] {
  const sums = new Map<string, number>();
  for (const row of table.data) {
    if (!Array.isArray(row)) continue;
    const value = cellNumber(row[valueColumn]);
    if (value === null || !Number.isFinite(value)) continue;
    const label = cellLabel(row[labelColumn]);
    sums.set(label, (sums.get(label) ?? 0) + value);
  }
  return [...sums].map(([label, value]) => ({ label, value }));
}

/** The finite numbers of a column. */
export function columnValues(table: ChartTable, column: number): number[] {
  const values: number[] = [];
  for (const row of table.data) {
    const v = Array.isArray(row) ? cellNumber(row[column]) : null;
    if (v !== null && Number.isFinite(v)) values.push(v);
  }
  return values;
}
