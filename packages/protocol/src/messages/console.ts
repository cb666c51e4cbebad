import * as v from 'valibot';
import { RecordFields, UnixSeconds } from './common.js';

export const ConsoleStream = v.picklist(['stdout', 'stderr']);
export type ConsoleStream = v.InferOutput<typeof ConsoleStream>;

/** Complete lines of the user process's console output, without their newline. */
export const ConsoleOutput = v.object({
  t: v.literal('console'),
  ...RecordFields,
  stream: ConsoleStream,
  ts: UnixSeconds,
  lines: v.pipe(v.array(v.string()), v.minLength(1)),
});
export type ConsoleOutput = v.InferOutput<typeof ConsoleOutput>;
