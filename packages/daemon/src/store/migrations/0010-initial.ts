/** The first schema: runs and everything a run records. */
export const version = 10;
export const name = 'initial';

export const sql = `
CREATE TABLE runs (
  -- AUTOINCREMENT: a pk is a handle clients hold; one of a deleted (overwritten) run is never reused
  pk INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  entity TEXT,
  project TEXT NOT NULL,
  name TEXT,
  group_name TEXT,
  job_type TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  notes TEXT,
  config TEXT NOT NULL DEFAULT '{}',
  summary TEXT NOT NULL DEFAULT '{}',
  -- summary key paths the user set explicitly; history no longer updates them
  summary_pinned TEXT NOT NULL DEFAULT '[]',
  -- running aggregates behind defineMetric summaries (min, max, mean count, first)
  summary_state TEXT NOT NULL DEFAULT '{}',
  settings TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL CHECK (state IN ('running', 'finished', 'failed', 'crashed')),
  exit_code INTEGER,
  start_time REAL NOT NULL,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  finished_at REAL,
  host TEXT,
  program TEXT,
  pid INTEGER,
  mode TEXT NOT NULL CHECK (mode IN ('online', 'offline')),
  last_seq INTEGER NOT NULL DEFAULT 0,
  last_step INTEGER NOT NULL DEFAULT -1,
  history_lines INTEGER NOT NULL DEFAULT 0,
  event_lines INTEGER NOT NULL DEFAULT 0,
  console_lines INTEGER NOT NULL DEFAULT 0,
  dropped_rows INTEGER NOT NULL DEFAULT 0,
  resume_count INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX runs_identity ON runs (coalesce(entity, ''), project, run_id);
CREATE INDEX runs_state ON runs (state);

-- One W&B history line per committed step; line_no is the 0-based line index file_stream uses.
CREATE TABLE history (
  run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
  line_no INTEGER NOT NULL,
  step INTEGER NOT NULL,
  ts REAL NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (run_pk, line_no)
) WITHOUT ROWID;
CREATE INDEX history_step ON history (run_pk, step);

-- System metric samples as W&B events lines.
CREATE TABLE events (
  run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
  line_no INTEGER NOT NULL,
  ts REAL NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (run_pk, line_no)
) WITHOUT ROWID;

CREATE TABLE console (
  run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
  line_no INTEGER NOT NULL,
  stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr')),
  ts REAL NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (run_pk, line_no)
) WITHOUT ROWID;

CREATE TABLE files (
  run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
  path TEXT NOT NULL,
  local_path TEXT NOT NULL,
  policy TEXT NOT NULL CHECK (policy IN ('now', 'live', 'end')),
  size INTEGER,
  sha256 TEXT,
  updated_at REAL NOT NULL,
  PRIMARY KEY (run_pk, path)
) WITHOUT ROWID;

CREATE TABLE metric_definitions (
  run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
  name TEXT NOT NULL,
  definition TEXT NOT NULL,
  PRIMARY KEY (run_pk, name)
) WITHOUT ROWID;

CREATE TABLE alerts (
  run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  ts REAL NOT NULL,
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  level TEXT NOT NULL,
  wait_seconds REAL,
  PRIMARY KEY (run_pk, seq)
) WITHOUT ROWID;

-- Sync watermarks per run and stream: lines the server has acknowledged (written by the syncer).
CREATE TABLE sync_watermarks (
  run_pk INTEGER NOT NULL REFERENCES runs (pk) ON DELETE CASCADE,
  stream TEXT NOT NULL,
  synced_lines INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_pk, stream)
) WITHOUT ROWID;
`;
