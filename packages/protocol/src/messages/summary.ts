import * as v from 'valibot';
import { RecordFields, UserObject } from './common.js';

/**
 * Explicit summary changes by the user. Keys set here are pinned: later history rows no longer update
 * them automatically (W&B's rule). Removing a key unpins it.
 */
export const SummaryUpdate = v.object({
  t: v.literal('summary'),
  ...RecordFields,
  set: UserObject,
  remove: v.array(v.string()),
});
export type SummaryUpdate = v.InferOutput<typeof SummaryUpdate>;
