/** A logged table at a step: its file fetched and parsed, then filtered, sorted and paged (see table-grid). */
import type { MediaPanelProps } from './contract.js';
import { MediaFrame } from './media-frame.js';
import { TableGrid, useTableView } from './table-grid.js';
import { parseTable, type TableData } from './table-view.js';
import { useSteppedFile } from './use-stepped-value.js';

/** A table file's content (for useRunFile). */
export const readTable = async (blob: Blob): Promise<TableData> => parseTable(await blob.text());

/** The table panel (`table-file`). */
export function TablePanel(props: MediaPanelProps) {
  const { run, entry, version } = props;
  const { shown, file, error, state, attrs } = useSteppedFile(props, readTable);
  const table = file.state === 'ready' ? file.value : null;
  const { view, controls } = useTableView(table);
  const sort = controls.sort && table ? `${table.columns[controls.sort.column] ?? controls.sort.column}:${controls.sort.descending ? 'desc' : 'asc'}` : '';
  const viewAttrs = view ? { 'data-row-count': view.rows.length, 'data-row-matches': view.matches, 'data-row-total': view.total, 'data-page': view.page, 'data-pages': view.pages, 'data-sort': sort } : {};
  return (
    <MediaFrame mediaKey={entry.key} type={entry.type} source={entry.source} state={state} error={error} slider={shown.slider} attrs={{ ...attrs, ...viewAttrs }}>
      {table && view ? <TableGrid run={run} columns={table.columns} view={view} controls={controls} retry={version} /> : null}
    </MediaFrame>
  );
}
