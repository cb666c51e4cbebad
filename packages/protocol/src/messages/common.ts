import * as v from 'valibot';

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

/** A string-keyed object of user values (config, summary, history data). */
export const UserObject = v.record(v.string(), v.unknown());

/** Fields shared by records: the run they belong to and their sequence number. */
export const RecordFields = { run: RunKey, seq: Seq } as const;
