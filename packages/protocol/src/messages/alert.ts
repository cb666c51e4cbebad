import * as v from 'valibot';
import { Name, RecordFields } from './common.js';

export const AlertLevel = v.picklist(['INFO', 'WARN', 'ERROR']);

/** `run.alert(...)`: a notification the server may forward. */
export const Alert = v.object({
  t: v.literal('alert'),
  ...RecordFields,
  title: Name(256),
  text: v.string(),
  level: AlertLevel,
  waitDurationSeconds: v.optional(v.pipe(v.number(), v.minValue(0))),
});
export type Alert = v.InferOutput<typeof Alert>;
