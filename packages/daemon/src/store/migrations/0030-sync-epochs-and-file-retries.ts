/**
 * Sync generations and per-file upload state. `runs.sync_epoch` counts the resets of a run's sync
 * (a local resume, another server or key); it lives on `runs` because a reset deletes the run's
 * `sync_state` row, and an answer to a request sent in an older generation must be recognised as stale
 * and dropped. `known_bucket_*` remember the run's bucket across such resets. `sync_file_retries` holds the uploads that failed: retried with their own backoff (so
 * that one failing PUT does not hold back the run's file_stream) or failed for good.
 */
export const version = 30;
export const name = 'sync-epochs-and-file-retries';

export const sql = `
ALTER TABLE runs ADD COLUMN sync_epoch INTEGER NOT NULL DEFAULT 0;
-- The bucket this daemon last created or continued for the run, and on which server: kept across a
-- reset, so that the run attached again to that server (another key, or after an offline resume) is
-- known as its own and not refused as a foreign run with the same id.
ALTER TABLE runs ADD COLUMN known_bucket_id TEXT;
ALTER TABLE runs ADD COLUMN known_bucket_url TEXT;

-- One row per file whose last upload attempt failed (deleted when an upload of it succeeds).
CREATE TABLE sync_file_retries (
  run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
  path TEXT NOT NULL,
  -- the version (sha256 or updated_at) that failed; a newer version of the file is tried at once
  version TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 1,
  -- Unix seconds of the next attempt; NULL when failed for good
  next_attempt_at REAL,
  error TEXT NOT NULL,
  -- 1: a fatal answer (e.g. an expired upload URL) or a file that can never be read; not retried,
  -- and the run completes without it
  failed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_pk, path)
) WITHOUT ROWID;
`;
