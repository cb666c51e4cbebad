/** Limits both peers rely on; kept apart from the schemas so client processes can read them cheaply. */

/** Most records one batch may carry; a client flushes at least this often. */
export const MAX_BATCH_RECORDS = 8192;
