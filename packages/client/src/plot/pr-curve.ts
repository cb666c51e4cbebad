/** `plot.prCurve` (W&B's `wandb/plot/pr_curve.py`): one precision-recall curve per class, one-vs-rest. */
import { Table } from '../media/table.js';
import type { CustomChart } from '../media/wb-value.js';
import { checkInputs, classesToPlot, classLabel, resampleRows, scoreColumn, uniqueClasses, type ClassScores, type ClassValue } from './classes.js';
import { linspace, precisionRecallCurve, roundDecimals, runningMax, searchSortedLeft } from './curves.js';
import { plotTable } from './custom-chart.js';

/** Options of {@link prCurve} beyond the positional ones. */
export interface PrCurveOptions {
  /** Points per curve, at recall 1, ..., 0 evenly spaced (W&B's `interp_size`, default 21). */
  interpSize?: number;
  /** Default 'Precision-Recall Curve'. */
  title?: string;
}

/**
 * W&B's `wandb.plot.pr_curve`. For the i-th class of `yTrue` (sorted, as numpy's `unique`), the scores
 * in column i of `yProbas` rank the samples against all others; the curve's precision is made
 * monotone (the best precision at that recall or more) and read at `interpSize` evenly spaced recalls,
 * rounded to 3 decimals. `labels[c]` names integer class c; `classesToPlot` keeps some classes.
 * The table's columns are `class`, `precision`, `recall` (W&B's order); preset 'wandb/area-under-curve/v0'.
 */
export function prCurve(
  yTrue: ArrayLike<ClassValue>,
  yProbas: ClassScores,
  labels?: readonly string[] | null,
  classesToPlotList?: readonly ClassValue[] | null,
  titleOrOptions?: string | PrCurveOptions,
): CustomChart {
  const what = 'plot.prCurve()';
  const options = typeof titleOrOptions === 'string' ? { title: titleOrOptions } : (titleOrOptions ?? {});
  const interpSize = options.interpSize ?? 21;
  if (!Number.isInteger(interpSize) || interpSize < 1) throw new RangeError(`${what}: interpSize must be a positive integer, got ${interpSize}`);
  const truth = checkInputs(yTrue, yProbas, what);
  const classes = uniqueClasses(truth, what);
  // Recall 1, 0.95, ..., 0, computed as numpy does so that ties with reached recalls fall the same way.
  const recalls = linspace(0, 1, interpSize).reverse();
  const rows: unknown[][] = [];
  for (const i of classesToPlot(classes, classesToPlotList ?? undefined)) {
    const label = classLabel(classes[i]!, labels ?? undefined, what);
    const curve = precisionRecallCurve(truth.map((value) => value === classes[i]), scoreColumn(yProbas, i, what));
    const precision = runningMax(curve.precision).reverse();
    const recall = curve.recall.reverse();
    for (const r of recalls) rows.push([label, roundDecimals(precision[searchSortedLeft(recall, r)]!, 3), roundDecimals(r, 3)]);
  }
  const data = resampleRows(rows, Table.MAX_ROWS, [1, 2, 0]);
  return plotTable(
    'wandb/area-under-curve/v0',
    new Table({ columns: ['class', 'precision', 'recall'], data }),
    { x: 'recall', y: 'precision', class: 'class' },
    { title: options.title ?? 'Precision-Recall Curve', 'x-axis-title': 'Recall', 'y-axis-title': 'Precision' },
  );
}
