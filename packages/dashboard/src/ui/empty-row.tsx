/** The row a key table shows when no row is shown. */

/** The table's column count, and whether it has rows at all (all hidden by the search). */
export interface EmptyRowProps {
  colSpan: number;
  /** False: nothing logged; true: rows exist but none matches the search. */
  hasRows: boolean;
}

/** One muted row across the table: "Nothing logged." or "No key matches.". */
export function EmptyRow({ colSpan, hasRows }: EmptyRowProps) {
  return (
    <tr>
      <td colSpan={colSpan} class="muted">
        {hasRows ? 'No key matches.' : 'Nothing logged.'}
      </td>
    </tr>
  );
}
