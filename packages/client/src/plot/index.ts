/**
 * W&B's `wandb.plot`: charts drawn by the server's Vega presets from a logged table. Each function
 * returns a CustomChart; `run.log({ key: chart })` logs its table as `key_table` and the chart
 * under `key`. camelCase names, with W&B's snake_case ones as aliases.
 */
import type { ClassScores, ClassValue } from './classes.js';
import { confusionMatrix } from './confusion-matrix.js';
import { bar, histogram, line, plotTable, scatter } from './custom-chart.js';
import { lineSeries } from './line-series.js';
import { prCurve } from './pr-curve.js';
import { rocCurve } from './roc-curve.js';

export type { ClassScores, ClassValue } from './classes.js';
export type { ConfusionMatrixOptions } from './confusion-matrix.js';
export type { ChartOptions, LineOptions } from './custom-chart.js';
export type { PrCurveOptions } from './pr-curve.js';

/** W&B's `wandb.plot`. */
export const plot = {
  line,
  scatter,
  bar,
  histogram,
  lineSeries,
  prCurve,
  rocCurve,
  confusionMatrix,
  plotTable,
  line_series: lineSeries,
  pr_curve: prCurve,
  roc_curve: rocCurve,
  confusion_matrix: confusionMatrix,
  plot_table: plotTable,
} as const;

/**
 * W&B's legacy `wandb.plots.precision_recall(y_true, y_probas, labels, plot_micro, classes_to_plot)`
 * (removed from W&B in 0.17), drawn as {@link prCurve}: W&B drew it with the retired
 * 'wandb/pr_curve/v1' preset from 20 samples of the raw curve. `plotMicro` is ignored, as it was there.
 */
function precisionRecall(
  yTrue: ArrayLike<ClassValue>,
  yProbas: ClassScores,
  labels?: readonly string[] | null,
  _plotMicro?: boolean,
  classesToPlot?: readonly ClassValue[] | null,
): ReturnType<typeof prCurve> {
  return prCurve(yTrue, yProbas, labels, classesToPlot);
}

/** W&B's legacy `wandb.plots` namespace: only `precision_recall`, as {@link prCurve}. */
export const plots = {
  precisionRecall,
  precision_recall: precisionRecall,
} as const;
