/**
 * What `plot.prCurve` and `plot.rocCurve` share, as W&B's `wandb/plot/pr_curve.py` and
 * `roc_curve.py` do it: the classes of `yTrue`, a class's scores, its label, and the resampling
 * of a table too long for `Table.MAX_ROWS`.
 */
import { UsageError } from '../errors.js';

/** A class label in `yTrue`: a number or a string. */
export type ClassValue = number | string;

/** Scores per sample, one per class (the columns of a `predict_proba` output). */
export type ClassScores = ArrayLike<ArrayLike<number>>;

/** Orders class values as numpy sorts them: numbers by value, strings by code point. */
export function compareValues(a: ClassValue, b: ClassValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** numpy's `unique(yTrue)`: the distinct labels, sorted. Throws for a mix of numbers and strings. */
export function uniqueClasses(yTrue: readonly ClassValue[], what: string): ClassValue[] {
  const kinds = new Set(yTrue.map((value) => typeof value));
  for (const kind of kinds) if (kind !== 'number' && kind !== 'string') throw new TypeError(`${what}: labels must be numbers or strings, got a ${kind}`);
  if (kinds.size > 1) throw new TypeError(`${what}: labels must be all numbers or all strings, got both`);
  if (yTrue.some((value) => typeof value === 'number' && Number.isNaN(value))) throw new UsageError(`${what}: labels contain NaN`);
  return [...new Set(yTrue)].sort(compareValues);
}

/** Checks the shape of `yTrue` and `yProbas` and copies `yTrue` into an array. */
export function checkInputs(yTrue: ArrayLike<ClassValue>, yProbas: ClassScores, what: string): ClassValue[] {
  if (yTrue === null || typeof yTrue !== 'object' || typeof yTrue.length !== 'number') throw new TypeError(`${what}: yTrue must be an array of labels`);
  if (yProbas === null || typeof yProbas !== 'object' || typeof yProbas.length !== 'number') throw new TypeError(`${what}: yProbas must be an array of score rows`);
  if (yTrue.length !== yProbas.length) throw new UsageError(`${what}: yTrue has ${yTrue.length} samples but yProbas has ${yProbas.length}`);
  if (yTrue.length === 0) throw new UsageError(`${what}: no samples`);
  return Array.from(yTrue);
}

/** Column `index` of the score rows (W&B's `y_probas[:, i]`). */
export function scoreColumn(yProbas: ClassScores, index: number, what: string): number[] {
  return Array.from(yProbas, (row, sample) => {
    const score = row?.[index];
    if (typeof score !== 'number') throw new UsageError(`${what}: yProbas row ${sample} has no score for class index ${index} (each row needs one score per class)`);
    return score;
  });
}

/** The classes to plot, in sorted order (W&B: `np.isin(classes, classes_to_plot)`). */
export function classesToPlot(classes: readonly ClassValue[], wanted: readonly ClassValue[] | undefined): number[] {
  const indices = classes.map((_, i) => i);
  if (wanted === undefined || wanted === null) return indices;
  return indices.filter((i) => wanted.includes(classes[i]!));
}

/** W&B's label for a class: `labels[class]` for an integer class when labels are given, else the class. */
export function classLabel(value: ClassValue, labels: readonly string[] | undefined, what: string): ClassValue {
  if (labels === undefined || labels === null || typeof value !== 'number' || !Number.isInteger(value)) return value;
  const label = labels.at(value); // Python indexing: -1 is the last
  if (label === undefined) throw new UsageError(`${what}: class ${value} has no entry in labels (${labels.length} labels)`);
  return label;
}

/**
 * Cuts `rows` to `max` rows keeping each class's share (W&B: sklearn's stratified `resample`), then
 * sorts them by `sortColumns` as W&B does. W&B draws the kept rows at random (seed 42); this keeps
 * evenly spaced rows of each class, both ends included, so the result is deterministic.
 */
export function resampleRows(rows: unknown[][], max: number, sortColumns: readonly number[]): unknown[][] {
  if (rows.length <= max) return rows;
  const byClass = new Map<unknown, unknown[][]>();
  for (const row of rows) {
    const group = byClass.get(row[0]) ?? [];
    group.push(row);
    byClass.set(row[0], group);
  }
  const groups = [...byClass.values()];
  const shares = groups.map((group) => (group.length * max) / rows.length);
  const counts = shares.map(Math.floor);
  // Largest remainders take the rows left over (sklearn's `_approximate_mode`).
  const order = shares.map((share, i) => [share - Math.floor(share), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let left = max - counts.reduce((a, b) => a + b, 0), k = 0; left > 0; left -= 1, k += 1) counts[order[k]![1]]! += 1;
  const kept = groups.flatMap((group, g) => evenlySpaced(group, counts[g]!));
  return kept.sort((a, b) => {
    for (const column of sortColumns) {
      const order = compareValues(a[column] as ClassValue, b[column] as ClassValue);
      if (order !== 0) return order;
    }
    return 0;
  });
}

function evenlySpaced<T>(items: readonly T[], count: number): T[] {
  if (count <= 0) return [];
  if (count === 1) return [items[0]!];
  return Array.from({ length: count }, (_, j) => items[Math.round((j * (items.length - 1)) / (count - 1))]!);
}
