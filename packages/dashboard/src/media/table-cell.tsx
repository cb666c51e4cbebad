/** One cell of a logged table: an image as a thumbnail (fetched with the key), anything else as text. */
import { toNumber, type RunPath } from '../api.js';
import { cellText } from './table-view.js';
import { fileItem, typeOf } from './media-types.js';
import { RunFileMedia } from './run-file-media.js';

/** The cell's value and the run its files belong to. */
export interface TableCellProps {
  run: RunPath;
  value: unknown;
  retry: number;
}

/** A `<td>`: numbers right-aligned, image-file cells as thumbnails with their caption as the title. */
export function TableCell({ run, value, retry }: TableCellProps) {
  const image = typeOf(value) === 'image-file' ? fileItem(value) : null;
  if (image) {
    return (
      <td class="table-thumb" title={image.caption ?? image.path}>
        <RunFileMedia run={run} path={image.path} as="img" alt={image.caption ?? ''} class="media-thumb" retry={retry} />
      </td>
    );
  }
  const text = cellText(value);
  return (
    <td class={toNumber(value) !== null ? 'num' : undefined} title={text.length > 40 ? text : undefined}>
      {text}
    </td>
  );
}
