/**
 * A confusion matrix as a heatmap grid: actual classes on rows, predicted on columns, the count in
 * each cell, the diagonal (correct predictions) outlined; hovering a cell tells its count and
 * share of the row.
 */
import { useMemo, useState } from 'preact/hooks';
import { formatCount, formatNumber } from '../../charts/format.js';
import { maxCount, type ConfusionMatrix } from './confusion-matrix.js';

/** The cell's background for a share `t` (0–1) of the largest count. */
function heat(t: number): string {
  return t > 0 ? `rgba(9, 105, 218, ${(0.08 + 0.92 * t).toFixed(3)})` : 'transparent';
}

/** The sentence shown for a hovered cell. */
export function cellSummary(matrix: ConfusionMatrix, actual: number, predicted: number, rowTotal?: number): string {
  const row = matrix.counts[actual] ?? [];
  const n = row[predicted] ?? 0;
  const total = rowTotal ?? row.reduce((s, v) => s + v, 0);
  const share = total > 0 ? ` (${formatNumber((100 * n) / total)}% of actual ${matrix.labels[actual]})` : '';
  return `Actual ${matrix.labels[actual]}, predicted ${matrix.labels[predicted]}: ${formatCount(n)}${share}`;
}

/** The grid and a line telling the hovered cell. */
export function MatrixGrid({ matrix }: { matrix: ConfusionMatrix }) {
  const [hover, setHover] = useState<[number, number] | null>(null);
  const max = maxCount(matrix);
  // Once per matrix, not per cell: every cell's title needs its row's total.
  const rowTotals = useMemo(() => matrix.counts.map((row) => row.reduce((s, v) => s + v, 0)), [matrix]);
  return (
    <div class="cc-matrix" onMouseLeave={() => setHover(null)}>
      <div class="cc-matrix-scroll">
        <table class="cc-matrix-table">
          <thead>
            <tr>
              <th class="cc-matrix-corner">
                Actual ↓ · Predicted →
              </th>
              {matrix.labels.map((label) => (
                <th scope="col" key={label} title={label}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.labels.map((actual, a) => (
              <tr key={actual}>
                <th scope="row" title={actual}>
                  {actual}
                </th>
                {(matrix.counts[a] ?? []).map((n, p) => {
                  const t = max > 0 ? n / max : 0;
                  return (
                    <td
                      key={p}
                      class={`cc-cell${a === p ? ' cc-diagonal' : ''}${t > 0.55 ? ' cc-dark' : ''}${hover?.[0] === a && hover[1] === p ? ' cc-hover' : ''}`}
                      style={{ background: heat(t) }}
                      data-actual={actual}
                      data-predicted={matrix.labels[p]}
                      data-count={n}
                      title={cellSummary(matrix, a, p, rowTotals[a])}
                      onMouseEnter={() => setHover([a, p])}
                    >
                      {formatCount(n)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="cc-matrix-hover" aria-live="polite">
        {hover ? cellSummary(matrix, hover[0], hover[1]) : 'Hover a cell for its count.'}
      </div>
    </div>
  );
}
