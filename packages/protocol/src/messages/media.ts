import * as v from 'valibot';
import { MAX_MEDIA_BYTES } from '../limits.js';
import { Name, RecordFields, RunFilePath } from './common.js';


/**
 * A media file a logged value points at (`media/images/x_3_<sha256[:20]>.png`, a table's JSON, ...),
 * its bytes inline. The daemon stores the bytes once per sha256 and uploads the file with the run's
 * other files. It precedes the history row or summary update that names `path`.
 */
export const MediaFile = v.object({
  t: v.literal('media'),
  ...RecordFields,
  path: v.pipe(RunFilePath, v.check((p) => p.startsWith('media/'), 'media paths start with media/')),
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  bytes: v.pipe(v.instance(Uint8Array), v.check((b) => b.length <= MAX_MEDIA_BYTES, `a media file is at most ${MAX_MEDIA_BYTES} bytes`)),
});
export type MediaFile = v.InferOutput<typeof MediaFile>;

/**
 * A custom chart (`plot.line`, `plot.confusionMatrix`, ...): W&B's Vega2 panel for `key`, drawing the
 * table logged as `tableKey` (`<key>_table`). The daemon puts it in the config's `_wandb.visualize`, as
 * W&B's clients do; a later chart for the same key replaces it.
 */
export const CustomChart = v.object({
  t: v.literal('chart'),
  ...RecordFields,
  key: Name(1024),
  /** W&B's preset: `wandb/line/v0`, `wandb/confusion_matrix/v1`, ... */
  panelDefId: Name(256),
  tableKey: Name(1024),
  /** Table columns for each field of the preset (`{x: 'step', y: 'loss'}`). */
  fields: v.record(v.string(), v.string()),
  /** Strings of the preset, such as the title. */
  stringFields: v.record(v.string(), v.string()),
});
export type CustomChart = v.InferOutput<typeof CustomChart>;
