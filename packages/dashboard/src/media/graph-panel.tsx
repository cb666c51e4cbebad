/** A model graph (`graph-file`, usually summary-only such as `graph_0`): its JSON file drawn by the graph viewer. */
import { GraphPanel } from '../viewers/index.js';
import type { MediaPanelProps } from './contract.js';
import { MediaFrame } from './media-frame.js';
import { fileItem } from './media-types.js';
import { readJson, useRunFile } from './run-files.js';
import { useSteppedValue } from './use-stepped-value.js';

/** The graph panel (`graph-file`). */
export function GraphMediaPanel(props: MediaPanelProps) {
  const { run, entry, version } = props;
  const shown = useSteppedValue(props);
  const path = fileItem(shown.value)?.path ?? null;
  const file = useRunFile(run, path, readJson, version);
  const error = shown.error ?? (file.state === 'error' ? file.error : null);
  const state = shown.loading || (path && file.state === 'loading') ? 'loading' : file.state === 'ready' ? 'ready' : error ? 'error' : 'empty';
  return (
    <MediaFrame mediaKey={entry.key} type={entry.type} source={entry.source} state={state} error={error} slider={shown.slider} attrs={{ ...shown.attrs, 'data-path': path ?? undefined }}>
      {file.state === 'ready' ? <GraphPanel graph={file.value} /> : null}
    </MediaFrame>
  );
}
