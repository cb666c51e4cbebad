/**
 * A confusion matrix from W&B's table rows (`Actual`, `Predicted`, `nPredictions`). Pure, so it
 * runs under Node's test runner.
 */
import { cellLabel, cellNumber, type ChartTable } from './table-columns.js';

/** `counts[a][p]`: predictions of class `labels[p]` for rows whose actual class is `labels[a]`. */
export interface ConfusionMatrix {
  labels: string[];
  counts: number[][];
}

/**
 * The matrix of the rows: classes in order of first appearance (actual, then predicted, row by
 * row, which keeps W&B's class order), counts summed over repeated pairs. Without a count column
 * (`countColumn` null) each row counts once, so a plain table of predictions works too. Rows with
 * a count that is not a finite number add nothing.
 */
export function buildMatrix(table: ChartTable, actualColumn: number, predictedColumn: number, countColumn: number | null): ConfusionMatrix {
  const index = new Map<string, number>();
  const indexOf = (label: string) => {
    let i = index.get(label);
    if (i === undefined) index.set(label, (i = index.size));
    return i;
  };
  const cells: [number, number, number][] = [];
  for (const row of table.data) {
    if (!Array.isArray(row)) continue;
    const a = indexOf(cellLabel(row[actualColumn]));
    const p = indexOf(cellLabel(row[predictedColumn]));
    const n = countColumn === null ? 1 : cellNumber(row[countColumn]);
    if (n !== null && Number.isFinite(n)) cells.push([a, p, n]);
  }
  const size = index.size;
  const counts = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (const [a, p, n] of cells) counts[a]![p]! += n;
  return { labels: [...index.keys()], counts };
}

/** The largest count (0 for an empty matrix), which sets the colour scale. */
export const maxCount = (matrix: ConfusionMatrix) => matrix.counts.reduce((m, row) => Math.max(m, ...row), 0);
