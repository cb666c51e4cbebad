/**
 * Sync to a W&B-compatible server: where each run syncs to (`remotes`, `runs.remote_id`), what the
 * server acknowledged (`sync_watermarks` from 0010, `sync_state`, `sync_files`). The API keys in
 * `remotes` rely on the database file being 0600 (open-database.ts); they are never logged or shown.
 */
export const version = 20;
export const name = 'sync';

export const sql = `
CREATE TABLE remotes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  base_url TEXT NOT NULL,
  api_key TEXT NOT NULL,
  UNIQUE (base_url, api_key)
);

-- NULL: the run stays local (offline, or no key) until \`wandb-daemon sync\` assigns a remote.
ALTER TABLE runs ADD COLUMN remote_id INTEGER REFERENCES remotes (id);

-- One row per run that has (or had) a remote: what the server said and what it acknowledged.
CREATE TABLE sync_state (
  run_pk INTEGER PRIMARY KEY REFERENCES runs (pk) ON DELETE CASCADE,
  -- the server's storage id of the bucket, and the names it answered (used in file_stream URLs)
  bucket_id TEXT,
  server_entity TEXT,
  server_project TEXT,
  -- 1 once the full UpsertBucket of this attachment succeeded
  upserted INTEGER NOT NULL DEFAULT 0,
  -- hashes of the config (wrapped, with metric definitions), params (name, tags, notes, group, job
  -- type) and summary last acknowledged by the server
  config_hash TEXT,
  params_hash TEXT,
  summary_hash TEXT,
  -- runs.updated_at of the terminal run whose end-of-run files were uploaded
  end_files_at REAL,
  complete_sent INTEGER NOT NULL DEFAULT 0,
  -- 1 when nothing is left to deliver for this run (complete sent, or a crashed run fully delivered)
  done INTEGER NOT NULL DEFAULT 0,
  fatal_error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at REAL,
  last_error TEXT,
  stop_requested INTEGER NOT NULL DEFAULT 0,
  last_sent_at REAL
) WITHOUT ROWID;
CREATE INDEX sync_state_pending ON sync_state (done, fatal_error);

-- Files whose PUT succeeded: version is the sha256 (or updated_at) uploaded; reported = 1 once a
-- file_stream request listing it in \`uploaded\` was acknowledged; missing = 1 for a local file gone.
CREATE TABLE sync_files (
  run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
  path TEXT NOT NULL,
  version TEXT NOT NULL,
  reported INTEGER NOT NULL DEFAULT 0,
  missing INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_pk, path)
) WITHOUT ROWID;
`;
