/** `plot.rocCurve` (W&B's `wandb/plot/roc_curve.py`): one ROC curve per class, one-vs-rest. */
import { Table } from '../media/table.js';
import type { CustomChart } from '../media/wb-value.js';
import { checkInputs, classesToPlot, classLabel, resampleRows, scoreColumn, uniqueClasses, type ClassScores, type ClassValue } from './classes.js';
import { rocCurve as rocPoints, roundDecimals } from './curves.js';
import { plotTable } from './custom-chart.js';

/**
 * W&B's `wandb.plot.roc_curve`. For the i-th class of `yTrue` (sorted, as numpy's `unique`), the scores
 * in column i of `yProbas` rank the samples against all others; the points are scikit-learn's
 * `roc_curve` (every distinct score a threshold, collinear points dropped, (0, 0) first), rounded to
 * 3 decimals. `labels[c]` names integer class c; `classesToPlot` keeps some classes. The table's
 * columns are `class`, `fpr`, `tpr`; preset 'wandb/area-under-curve/v0'.
 */
export function rocCurve(
  yTrue: ArrayLike<ClassValue>,
  yProbas: ClassScores,
  labels?: readonly string[] | null,
  classesToPlotList?: readonly ClassValue[] | null,
  title = 'ROC Curve',
): CustomChart {
  const what = 'plot.rocCurve()';
  const truth = checkInputs(yTrue, yProbas, what);
  const classes = uniqueClasses(truth, what);
  const rows: unknown[][] = [];
  for (const i of classesToPlot(classes, classesToPlotList ?? undefined)) {
    const label = classLabel(classes[i]!, labels ?? undefined, what);
    const { fpr, tpr } = rocPoints(truth.map((value) => value === classes[i]), scoreColumn(yProbas, i, what));
    fpr.forEach((x, k) => rows.push([label, roundDecimals(x, 3), roundDecimals(tpr[k]!, 3)]));
  }
  const data = resampleRows(rows, Table.MAX_ROWS, [1, 2, 0]);
  return plotTable(
    'wandb/area-under-curve/v0',
    new Table({ columns: ['class', 'fpr', 'tpr'], data }),
    { x: 'fpr', y: 'tpr', class: 'class' },
    { title, 'x-axis-title': 'False positive rate', 'y-axis-title': 'True positive rate' },
  );
}
