/** Limits both peers rely on; kept apart from the schemas so client processes can read them cheaply. */

/** Most records one batch may carry; a client flushes at least this often. */
export const MAX_BATCH_RECORDS = 8192;

/** The largest media file a client sends inline, in one record (a frame carries at most 16 MiB). */
export const MAX_MEDIA_BYTES = 12 * 1024 * 1024;
