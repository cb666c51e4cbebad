/** The panel of a media key, by kind (one component per kind, looked up in a table). */
import type { ComponentType } from 'preact';
import { AudioPanel } from './audio-panel.js';
import type { MediaPanelProps } from './contract.js';
import { GraphMediaPanel } from './graph-panel.js';
import { HistogramPanel } from './histogram-panel.js';
import { HtmlPanel } from './html-panel.js';
import { ImagePanel } from './image-panel.js';
import type { MediaEntry } from './media-keys.js';
import type { MediaKind } from './media-types.js';
import { Object3DMediaPanel } from './object3d-panel.js';
import { PanelBoundary } from './panel-boundary.js';
import { OtherPanel } from './other-panel.js';
import { TablePanel } from './table-panel.js';
import { VideoPanel } from './video-panel.js';

const PANELS: Readonly<Record<MediaKind, ComponentType<MediaPanelProps>>> = {
  image: ImagePanel,
  images: ImagePanel,
  histogram: HistogramPanel,
  table: TablePanel,
  video: VideoPanel,
  audio: AudioPanel,
  html: HtmlPanel,
  object3d: Object3DMediaPanel,
  graph: GraphMediaPanel,
  other: OtherPanel,
};

/** Kinds whose panel spans a whole row of the grid. */
const WIDE_KINDS: ReadonlySet<MediaKind> = new Set(['histogram', 'table', 'html', 'graph']);

/** True when the entry's panel spans a whole row (a summary histogram is bars alone: one cell). */
export const isWide = (entry: MediaEntry) => WIDE_KINDS.has(entry.kind) && !(entry.kind === 'histogram' && entry.source === 'summary');

/** The panel for `entry.kind`. */
export function MediaPanel(props: MediaPanelProps) {
  const Panel = PANELS[props.entry.kind];
  return (
    <PanelBoundary mediaKey={props.entry.key}>
      <Panel {...props} />
    </PanelBoundary>
  );
}
