import * as v from 'valibot';
import { Name, RecordFields } from './common.js';

/** Which aggregate of a metric the summary keeps. */
export const SummaryMode = v.picklist(['min', 'max', 'mean', 'first', 'last', 'best', 'copy', 'none']);
export type SummaryMode = v.InferOutput<typeof SummaryMode>;

/** `defineMetric(name, options)`: `name` may end in `*` to match every key with that prefix. */
export const MetricDefinition = v.object({
  t: v.literal('metric'),
  ...RecordFields,
  name: v.pipe(Name(256), v.check((n) => !n.slice(0, -1).includes('*'), 'only a trailing * is allowed in a metric name')),
  stepMetric: v.optional(Name(256)),
  stepSync: v.optional(v.boolean()),
  hidden: v.optional(v.boolean()),
  summary: v.optional(v.array(SummaryMode)),
  goal: v.optional(v.picklist(['minimize', 'maximize'])),
});
export type MetricDefinition = v.InferOutput<typeof MetricDefinition>;
