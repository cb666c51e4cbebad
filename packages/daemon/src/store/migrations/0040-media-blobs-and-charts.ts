/**
 * Media files and custom charts (protocol 2). Media bytes live in the database, content-addressed:
 * `blobs` holds each distinct content once (by sha256), whatever the runs and paths that log it, and a
 * `files` row points either at a local path (a `file` record) or at a blob (a `media` record). The
 * `files` table is rebuilt because `local_path` was NOT NULL; its rows are copied as they are. A blob
 * lives while a file points at it: triggers delete it when its last file is deleted (a run deleted
 * included, through the cascade) or points elsewhere, whatever statement did it.
 * `charts` holds each run's custom charts by key, for the config's `_wandb.visualize`.
 */
export const version = 40;
export const name = 'media-blobs-and-charts';

export const sql = `
-- A rowid table: files point at a blob by id (a foreign key, so that no row dangles); the bytes are
-- read by sha256 through its unique index, never by an id that a deleted blob may have freed. data is
-- the last column, so that reading the other columns never touches its overflow pages.
CREATE TABLE blobs (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL,
  created_at REAL NOT NULL,
  data BLOB NOT NULL
);

CREATE TABLE files_v40 (
  run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
  path TEXT NOT NULL,
  -- exactly one of local_path (a file on disk) and blob_id (bytes in blobs) is set
  local_path TEXT,
  blob_id INTEGER REFERENCES blobs (id),
  policy TEXT NOT NULL CHECK (policy IN ('now', 'live', 'end')),
  size INTEGER,
  sha256 TEXT,
  updated_at REAL NOT NULL,
  PRIMARY KEY (run_pk, path),
  CHECK ((local_path IS NULL) <> (blob_id IS NULL))
) WITHOUT ROWID;
INSERT INTO files_v40 (run_pk, path, local_path, blob_id, policy, size, sha256, updated_at)
  SELECT run_pk, path, local_path, NULL, policy, size, sha256, updated_at FROM files;
DROP TABLE files;
ALTER TABLE files_v40 RENAME TO files;
-- Finds whether a blob is still referenced (before deleting it).
CREATE INDEX files_blob ON files (blob_id) WHERE blob_id IS NOT NULL;
CREATE TRIGGER files_blob_deleted AFTER DELETE ON files WHEN OLD.blob_id IS NOT NULL BEGIN
  DELETE FROM blobs WHERE id = OLD.blob_id AND NOT EXISTS (SELECT 1 FROM files WHERE blob_id = OLD.blob_id);
END;
CREATE TRIGGER files_blob_replaced AFTER UPDATE OF blob_id ON files
  WHEN OLD.blob_id IS NOT NULL AND OLD.blob_id IS NOT NEW.blob_id BEGIN
  DELETE FROM blobs WHERE id = OLD.blob_id AND NOT EXISTS (SELECT 1 FROM files WHERE blob_id = OLD.blob_id);
END;

-- One custom chart per run and key (a later chart for the key replaces it). fields and string_fields
-- are JSON objects of strings.
CREATE TABLE charts (
  run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
  key TEXT NOT NULL,
  panel_def_id TEXT NOT NULL,
  table_key TEXT NOT NULL,
  fields TEXT NOT NULL,
  string_fields TEXT NOT NULL,
  PRIMARY KEY (run_pk, key)
) WITHOUT ROWID;
`;
