import * as v from 'valibot';
import { MAX_BATCH_RECORDS } from '../limits.js';

export { MAX_BATCH_RECORDS };

/**
 * Several records in one frame. Clients queue records and write them in batches, which halves the
 * encode and decode cost per record; each record keeps its own run and seq, and is validated alone,
 * so one bad record is refused without losing its neighbours. The item schema is checked per record
 * by the daemon (see `parseRecord`), not here.
 */
export const Batch = v.object({
  t: v.literal('batch'),
  records: v.pipe(v.array(v.unknown()), v.minLength(1), v.maxLength(MAX_BATCH_RECORDS)),
});
export type Batch = v.InferOutput<typeof Batch>;
