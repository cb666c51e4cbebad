import * as v from 'valibot';
import { RecordFields } from './common.js';

const Step = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/**
 * History the client refused: `log(data, { step })` with a step before the run's current one is
 * dropped with a warning (W&B's rule), so it never reaches the daemon as a row. The client reports
 * how many such calls it dropped since its previous report, so the count shows in `status`, `runs`
 * and the HTTP API. `step` and `currentStep` describe the last drop, for the warning's wording.
 */
export const DroppedRows = v.object({
  t: v.literal('dropped'),
  ...RecordFields,
  rows: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  /** The step of the last dropped call. */
  step: Step,
  /** The run's step when it was dropped. */
  currentStep: Step,
});
export type DroppedRows = v.InferOutput<typeof DroppedRows>;
