/** `plot.lineSeries` (W&B's `wandb/plot/line_series.py`): several y series in one chart. */
import { UsageError } from '../errors.js';
import { Table } from '../media/table.js';
import type { CustomChart } from '../media/wb-value.js';
import { plotTable } from './custom-chart.js';

const isSeries = (value: unknown): value is ArrayLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as ArrayLike<unknown>).length === 'number';

/**
 * W&B's `wandb.plot.line_series`: each series of `ys` against its x values, on one chart
 * ('wandb/lineseries/v0'). `xs` is one array shared by every series, or one array per series; pairs
 * beyond the shorter of a series' xs and ys are dropped, as in W&B. `keys` name the lines (default
 * `line_0`, `line_1`, ...); `xname` labels the x axis. The table has columns `step`, `lineKey`, `lineVal`.
 */
export function lineSeries(
  xs: ArrayLike<unknown> | ArrayLike<ArrayLike<unknown>>,
  ys: ArrayLike<ArrayLike<unknown>>,
  keys?: readonly string[] | null,
  title = '',
  xname = 'x',
): CustomChart {
  if (!isSeries(xs) || !isSeries(ys)) throw new TypeError('plot.lineSeries() takes arrays: xs, and ys as an array of series');
  const ySeries = Array.from(ys);
  if (ySeries.some((series) => !isSeries(series) || typeof series === 'string')) throw new TypeError('plot.lineSeries(): each entry of ys must be an array of values');
  const first = (xs as ArrayLike<unknown>)[0];
  const xSeries = isSeries(first) && typeof first !== 'string' ? (Array.from(xs) as ArrayLike<unknown>[]) : ySeries.map(() => xs as ArrayLike<unknown>);
  if (xSeries.length !== ySeries.length) throw new UsageError(`Number of x-series (${xSeries.length}) must match y-series (${ySeries.length}).`);
  const names = keys ?? ySeries.map((_, i) => `line_${i}`);
  if (names.length !== ySeries.length) throw new UsageError(`Number of keys (${names.length}) must match y-series (${ySeries.length}).`);
  const data: unknown[][] = [];
  ySeries.forEach((y, i) => {
    const x = xSeries[i]!;
    if (!isSeries(x)) throw new TypeError(`plot.lineSeries(): x-series ${i} is not an array`);
    for (let j = 0; j < Math.min(x.length, y.length); j += 1) data.push([x[j], names[i], y[j]]);
  });
  const table = new Table({ columns: ['step', 'lineKey', 'lineVal'], data });
  return plotTable('wandb/lineseries/v0', table, { step: 'step', lineKey: 'lineKey', lineVal: 'lineVal' }, { title, xname });
}
