/** A table's first rows as they are, for presets without a drawing here. */
import { formatValue } from '../../ui/format.js';
import { RAW_ROWS } from './presets.js';
import type { ChartTable } from './table-columns.js';

/** The first RAW_ROWS rows of `table`. */
export function RawTable({ table }: { table: ChartTable }) {
  return (
    <div class="cc-raw-scroll">
      <table class="cc-raw">
        <thead>
          <tr>
            {table.columns.map((column, i) => (
              <th key={i}>{column}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.data.slice(0, RAW_ROWS).map((row, r) => (
            <tr key={r}>
              {table.columns.map((_, c) => (
                <td key={c}>{formatValue(Array.isArray(row) ? row[c] : undefined)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
