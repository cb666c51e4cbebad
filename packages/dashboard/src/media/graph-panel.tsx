/** A model graph (`graph-file`, usually summary-only such as `graph_0`): its JSON file drawn by the graph viewer. */
import { GraphPanel } from '../viewers/index.js';
import type { MediaPanelProps } from './contract.js';
import { MediaFrame } from './media-frame.js';
import { readJson } from './run-files.js';
import { useSteppedFile } from './use-stepped-value.js';

/** The graph panel (`graph-file`). */
export function GraphMediaPanel(props: MediaPanelProps) {
  const { entry } = props;
  const { shown, file, error, state, attrs } = useSteppedFile(props, readJson);
  return (
    <MediaFrame mediaKey={entry.key} type={entry.type} source={entry.source} state={state} error={error} slider={shown.slider} attrs={attrs}>
      {file.state === 'ready' ? <GraphPanel graph={file.value} /> : null}
    </MediaFrame>
  );
}
