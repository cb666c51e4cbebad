/**
 * `plot.plotTable` and the presets drawing a table the caller built (`wandb/plot/custom_chart.py`,
 * `line.py`, `scatter.py`, `bar.py`, `histogram.py`): each names a W&B Vega2 preset, maps the
 * preset's fields to table columns, and sets its string constants.
 */
import { UsageError } from '../errors.js';
import { Table } from '../media/table.js';
import { CustomChart } from '../media/wb-value.js';

/** Options of the presets drawing a caller's table. */
export interface ChartOptions {
  /** The chart title; W&B's default is ''. */
  title?: string;
}

/** Options of {@link line}. */
export interface LineOptions extends ChartOptions {
  /** A column whose values split the points into separate lines. */
  stroke?: string;
}

/**
 * W&B's `wandb.plot_table`: a chart of `table` drawn by the Vega preset `vegaSpecName`, `fields`
 * mapping the preset's fields to columns and `stringFields` its string constants. Undefined fields
 * are left out.
 */
export function plotTable(vegaSpecName: string, table: Table, fields: Record<string, string | undefined>, stringFields: Record<string, string> = {}): CustomChart {
  if (!(table instanceof Table)) throw new TypeError(`Expected a Table, instead got ${describe(table)}`);
  if (typeof vegaSpecName !== 'string' || vegaSpecName === '') throw new TypeError('vegaSpecName must be a non-empty string');
  const definedFields: Record<string, string> = {};
  for (const [name, column] of Object.entries(fields)) {
    if (column === undefined || column === null) continue;
    if (typeof column !== 'string') throw new TypeError(`field ${JSON.stringify(name)} must name a column, got ${describe(column)}`);
    definedFields[name] = column;
  }
  for (const [name, value] of Object.entries(stringFields)) {
    if (typeof value !== 'string') throw new TypeError(`string field ${JSON.stringify(name)} must be a string, got ${describe(value)}`);
  }
  return new CustomChart(table, { panelDefId: vegaSpecName, fields: definedFields, stringFields: { ...stringFields } });
}

/** W&B's `wandb.plot.line`: `y` against `x`, one line per value of `stroke` when given ('wandb/line/v0'). */
export function line(table: Table, x: string, y: string, options: LineOptions = {}): CustomChart {
  checkColumns('line', table, [x, y, options.stroke]);
  return plotTable('wandb/line/v0', table, { x, y, stroke: options.stroke }, { title: options.title ?? '' });
}

/** W&B's `wandb.plot.scatter`: points of `y` against `x` ('wandb/scatter/v0'). */
export function scatter(table: Table, x: string, y: string, options: ChartOptions = {}): CustomChart {
  checkColumns('scatter', table, [x, y]);
  return plotTable('wandb/scatter/v0', table, { x, y }, { title: options.title ?? '' });
}

/** W&B's `wandb.plot.bar`: one bar per `label`, `value` long ('wandb/bar/v0'). */
export function bar(table: Table, label: string, value: string, options: ChartOptions = {}): CustomChart {
  checkColumns('bar', table, [label, value]);
  return plotTable('wandb/bar/v0', table, { label, value }, { title: options.title ?? '' });
}

/** W&B's `wandb.plot.histogram`: the distribution of column `value` ('wandb/histogram/v0'). */
export function histogram(table: Table, value: string, options: ChartOptions = {}): CustomChart {
  checkColumns('histogram', table, [value]);
  return plotTable('wandb/histogram/v0', table, { value }, { title: options.title ?? '' });
}

/** A preset naming a column the table lacks draws nothing in W&B; here it is an error at once. */
function checkColumns(preset: string, table: Table, columns: readonly (string | undefined)[]): void {
  if (!(table instanceof Table)) throw new TypeError(`plot.${preset}() expected a Table, instead got ${describe(table)}`);
  for (const column of columns) {
    if (column !== undefined && !table.columns.includes(column)) {
      throw new UsageError(`plot.${preset}(): the table has no column ${JSON.stringify(column)}; its columns are ${JSON.stringify(table.columns)}`);
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
