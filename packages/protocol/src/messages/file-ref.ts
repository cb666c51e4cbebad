import * as v from 'valibot';
import { RecordFields, RunFilePath } from './common.js';

/** W&B's upload policies: now, whenever it changes, or at the end of the run. */
export const FilePolicy = v.picklist(['now', 'live', 'end']);
export type FilePolicy = v.InferOutput<typeof FilePolicy>;

/** A file that belongs to the run: its path inside the run and where it lies on disk. */
export const FileRef = v.object({
  t: v.literal('file'),
  ...RecordFields,
  path: RunFilePath,
  localPath: v.pipe(v.string(), v.minLength(1)),
  policy: FilePolicy,
  size: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
  sha256: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/))),
});
export type FileRef = v.InferOutput<typeof FileRef>;
