/** A 3D object at a step (point cloud, OBJ, glTF/GLB, STL), drawn by the shared 3D viewer. */
import { useCallback } from 'preact/hooks';
import { Object3DPanel } from '../viewers/index.js';
import type { MediaPanelProps } from './contract.js';
import { frameState, MediaFrame } from './media-frame.js';
import { fileItem } from './media-types.js';
import { runFileBytes } from './run-files.js';
import { useSteppedValue } from './use-stepped-value.js';

/** The 3D panel (`object3D-file`, or a list of them): the viewer reads the files' bytes through the key-carrying fetch. */
export function Object3DMediaPanel(props: MediaPanelProps) {
  const { run, entry } = props;
  const shown = useSteppedValue(props);
  const item = fileItem(shown.value);
  const fetchFile = useCallback((path: string) => runFileBytes(run, path), [run]);
  const has = shown.value !== undefined && shown.value !== null;
  const state = frameState(shown.loading, has, shown.error);
  return (
    <MediaFrame mediaKey={entry.key} type={entry.type} source={entry.source} state={state} error={shown.error} slider={shown.slider} attrs={{ ...shown.attrs, 'data-path': item?.path }}>
      {has ? <Object3DPanel value={shown.value} fetchFile={fetchFile} /> : null}
    </MediaFrame>
  );
}
