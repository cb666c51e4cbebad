/** `plot.confusionMatrix` (W&B's `wandb/plot/confusion_matrix.py`). */
import { UsageError } from '../errors.js';
import { Table } from '../media/table.js';
import type { CustomChart } from '../media/wb-value.js';
import { compareValues, type ClassScores, type ClassValue } from './classes.js';
import { plotTable } from './custom-chart.js';

/** What {@link confusionMatrix} takes: true labels and either predictions or per-class scores. */
export interface ConfusionMatrixOptions {
  /** Per-sample scores, one per class; the prediction is the first highest (numpy's `argmax`). */
  probs?: ClassScores | null;
  /** The true labels: class indices when `classNames` is given. */
  yTrue?: ArrayLike<ClassValue>;
  /** The predicted labels, alternative to `probs`. */
  preds?: ArrayLike<ClassValue> | null;
  /** Names of the classes 0, 1, ...; without them the classes are the labels seen, sorted, named `Class_1`, `Class_2`, ... */
  classNames?: readonly string[] | null;
  /** Default 'Confusion Matrix Curve' (W&B's). */
  title?: string;
  /** Snake-case spelling of `yTrue`. */
  y_true?: ArrayLike<ClassValue>;
  /** Snake-case spelling of `classNames`. */
  class_names?: readonly string[] | null;
}

/**
 * W&B's `wandb.plot.confusion_matrix`: a table with a row for every (actual, predicted) pair of
 * classes, actual-major, counting the samples (`Actual`, `Predicted`, `nPredictions`); preset
 * 'wandb/confusion_matrix/v1'.
 */
export function confusionMatrix(options: ConfusionMatrixOptions): CustomChart {
  const what = 'plot.confusionMatrix()';
  const { probs, preds: given, title = 'Confusion Matrix Curve' } = options;
  const yTrue = options.yTrue ?? options.y_true;
  const classNames = options.classNames ?? options.class_names ?? undefined;
  if (probs != null && given != null) throw new UsageError('Only one of `probs` or `preds` should be provided, not both.');
  if (yTrue == null) throw new UsageError(`${what} needs yTrue`);
  if (probs == null && given == null) throw new UsageError(`${what} needs preds or probs`);
  const truth = Array.from(yTrue);
  const preds = probs != null ? Array.from(probs, argmax) : Array.from(given!);
  if (preds.length !== truth.length) throw new UsageError('The number of predictions and true labels must be equal.');

  let classes: ClassValue[];
  let names: readonly string[];
  if (classNames) {
    if (new Set(preds).size > classNames.length) throw new UsageError('The number of unique predicted classes exceeds the number of class names.');
    if (new Set(truth).size > classNames.length) throw new UsageError('The number of unique true labels exceeds the number of class names.');
    classes = classNames.map((_, i) => i);
    names = classNames;
  } else {
    classes = [...new Set([...preds, ...truth])];
    if (new Set(classes.map((value) => typeof value)).size > 1) throw new TypeError(`${what}: labels must be all numbers or all strings`);
    classes.sort(compareValues);
    names = classes.map((_, i) => `Class_${i + 1}`);
  }
  const index = new Map(classes.map((value, i) => [value, i]));
  const counts = classes.map(() => classes.map(() => 0));
  truth.forEach((actual, k) => {
    const row = index.get(actual);
    const column = index.get(preds[k]!);
    if (row === undefined || column === undefined) {
      const label = row === undefined ? actual : preds[k];
      throw new UsageError(`${what}: label ${JSON.stringify(label)} is not a class index 0..${classes.length - 1} of classNames`);
    }
    counts[row]![column]! += 1;
  });
  const data = names.flatMap((actual, i) => names.map((predicted, j) => [actual, predicted, counts[i]![j]!]));
  return plotTable(
    'wandb/confusion_matrix/v1',
    new Table({ columns: ['Actual', 'Predicted', 'nPredictions'], data }),
    { Actual: 'Actual', Predicted: 'Predicted', nPredictions: 'nPredictions' },
    { title },
  );
}

/** numpy's `argmax` of one row: the index of the first highest score. */
function argmax(row: ArrayLike<number>, sample: number): number {
  if (!row || typeof row.length !== 'number' || row.length === 0) throw new UsageError(`plot.confusionMatrix(): probs row ${sample} has no scores`);
  let best = 0;
  for (let i = 1; i < row.length; i += 1) if (row[i]! > row[best]!) best = i;
  return best;
}
