import * as v from 'valibot';
import { invalidRunFilePath } from '../run-file-path.js';

/** The daemon's handle for a run, returned by `run.start` and carried by every record of that run. */
export const RunKey = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

/** Per-run sequence number of a record; the daemon drops a record whose seq it has already stored. */
export const Seq = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

/** Id of a request that expects a reply, unique per connection. */
export const RequestId = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** Seconds since the Unix epoch, fractional. */
export const UnixSeconds = v.pipe(v.number(), v.finite(), v.minValue(0));

/** A non-empty string of bounded length (names, ids, paths). */
export const Name = (max = 512) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));

/**
 * A path of a file inside a run (`media/images/x.png`, `code/train.py`): relative, with no `.`, `..` or
 * empty segment (a server refuses those in CreateRunFiles, which fails the run's upload round). Shared by
 * every record that names a run file.
 */
export const RunFilePath = v.pipe(
  v.string(),
  v.check((p) => invalidRunFilePath(p) === null, (issue) => invalidRunFilePath(String(issue.input)) ?? 'not a run file path'),
);

/** A string-keyed object of user values (config, summary, history data). */
export const UserObject = v.record(v.string(), v.unknown());

/** Fields shared by records: the run they belong to and their sequence number. */
export const RecordFields = { run: RunKey, seq: Seq } as const;
