import * as v from 'valibot';
import { RecordFields, UserObject } from './common.js';

/** Config changes after init (`config.update`, attribute sets, deletes). Top-level keys merge. */
export const ConfigUpdate = v.object({
  t: v.literal('config'),
  ...RecordFields,
  set: UserObject,
  remove: v.array(v.string()),
});
export type ConfigUpdate = v.InferOutput<typeof ConfigUpdate>;
