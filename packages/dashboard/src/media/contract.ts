/**
 * What the run page hands to media panels, and the test hook they expose.
 *
 * Test hook (the browser tests read data, not pixels). Every media panel's root element is
 * `div.media-panel` with:
 *   data-media-key     the key: a history key, a (dotted) summary key, or a custom chart's key
 *   data-media-type    the `_type` logged (`image-file`, `images/separated`, `histogram`, `table-file`,
 *                      `video-file`, `audio-file`, `audio`, `html-file`, `object3D-file`,
 *                      `graph-file`...), or `custom-chart`
 *   data-media-source  history | summary
 *   data-state         loading | ready | empty | error (ready: the value at the step is known; the
 *                      files it names load on their own, see below)
 *   data-step          the step shown (history keys only)
 *   data-step-count    steps the slider offers; data-step-total the values the run holds (more
 *                      when the server sent an evenly spread sample)
 *   data-following     true while the slider follows the latest step, false once the user pinned one
 * and by type:
 *   image-file, images/separated, video-file, audio-file, audio:
 *                      data-paths, data-captions: JSON arrays of the files shown at the step and
 *                      their captions ('' for none); data-width, data-height (images). Every
 *                      <img>/<video>/<audio> showing a run file has data-path and data-state
 *                      (loading | ready | error); ready: fetched and set as the element's source
 *                      (while loading or failed, a placeholder div carries the two attributes).
 *   histogram          data-heatmap-steps (columns), data-heatmap-bins (rows of the common value
 *                      grid), data-latest-step (the step of the bars)
 *   table-file         data-row-count (rows on the page shown), data-row-matches (rows passing the
 *                      filter), data-row-total (rows in the table), data-page (0-based), data-pages,
 *                      data-sort (`<column>:asc|desc`, '' unsorted)
 *   html-file, object3D-file, graph-file: data-path (the file shown)
 *   custom-chart       data-panel-def, data-table-key, data-row-total (rows of the table drawn)
 */
import type { RunPath } from '../api.js';
import type { MediaEntry } from './media-keys.js';

/** What every media panel gets. */
export interface MediaPanelProps {
  /** The run (keeps its identity while the page shows the same run). */
  run: RunPath;
  entry: MediaEntry;
  /** The run's history version (ChartRun.version): panels refresh their step lists when it moves. */
  version: number;
}

/** Data attributes a panel adds to its root element (`data-` names; undefined values are left out). */
export type MediaAttrs = Record<`data-${string}`, string | number | boolean | undefined>;
