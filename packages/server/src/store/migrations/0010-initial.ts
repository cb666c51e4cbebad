/** The first schema: accounts, projects, runs ("buckets"), their lines and files. */
export const version = 10;
export const name = 'initial';

export const sql = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  email TEXT,
  default_entity_id INTEGER NOT NULL REFERENCES entities (id),
  created_at REAL NOT NULL
);

CREATE TABLE entities (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at REAL NOT NULL
);

-- A key sees the projects of the entities its user is a member of, and nothing else.
CREATE TABLE memberships (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, entity_id)
) WITHOUT ROWID;

-- Only the sha256 of a key is kept: the key itself is shown once, when created.
CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key_sha256 TEXT NOT NULL UNIQUE,
  created_at REAL NOT NULL
);

CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  UNIQUE (entity_id, name)
);

-- A W&B "bucket". name is the client's run id; storage_id is what GraphQL calls id.
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  storage_id TEXT NOT NULL UNIQUE,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  display_name TEXT NOT NULL,
  description TEXT,
  notes TEXT,
  group_name TEXT,
  job_type TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  -- wrapped: {"key": {"value": ...}}, as W&B stores it and RunResumeStatus returns it
  config TEXT NOT NULL DEFAULT '{}',
  -- the last wandb-summary.json line, W&B JSON (may hold NaN/Infinity tokens)
  summary TEXT NOT NULL DEFAULT '{}',
  host TEXT,
  program TEXT,
  repo TEXT,
  commit_sha TEXT,
  sweep TEXT,
  state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'finished', 'failed', 'crashed', 'preempting')),
  exitcode INTEGER,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  heartbeat_at REAL NOT NULL,
  stop_requested INTEGER NOT NULL DEFAULT 0,
  history_line_count INTEGER NOT NULL DEFAULT 0,
  events_line_count INTEGER NOT NULL DEFAULT 0,
  log_line_count INTEGER NOT NULL DEFAULT 0,
  UNIQUE (project_id, name)
);
CREATE INDEX runs_running ON runs (state, heartbeat_at);

-- History lines as sent (for full rows and RunResumeStatus tails); line_no is the file_stream index.
CREATE TABLE history_lines (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  line_no INTEGER NOT NULL,
  step INTEGER NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (run_id, line_no)
) WITHOUT ROWID;
CREATE INDEX history_lines_step ON history_lines (run_id, step);

-- Dictionary of flattened history key names ("a.b"), shared by all runs.
CREATE TABLE history_keys (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

-- Which keys a run has, so listing them never scans its values.
CREATE TABLE run_history_keys (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key_id INTEGER NOT NULL REFERENCES history_keys (id),
  PRIMARY KEY (run_id, key_id)
) WITHOUT ROWID;

-- Per-key history values in columnar blocks (src/store/history-block.ts): block block_no of a
-- (run, key) holds the key's values on lines [block_no * 1024, block_no * 1024 + 1023] as
-- little-endian typed arrays, so a file_stream request writes one row per touched (key, block)
-- instead of one per value, and reading one key over a step window decodes only the blocks whose
-- [min_step, max_step] overlaps it. A rowid table: rows are kilobytes, too large for a WITHOUT ROWID
-- b-tree. The small columns come first, so reading headers and summaries never touches the BLOBs'
-- overflow pages.
CREATE TABLE history_blocks (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key_id INTEGER NOT NULL REFERENCES history_keys (id),
  block_no INTEGER NOT NULL,
  n INTEGER NOT NULL,
  first_line INTEGER NOT NULL,
  last_line INTEGER NOT NULL,
  min_step INTEGER NOT NULL,
  max_step INTEGER NOT NULL,
  -- 1 when steps never decrease along the block's lines
  sorted INTEGER NOT NULL,
  -- M4 summary of the block's numeric values (Float64 × 13, see history-m4.ts)
  summary BLOB NOT NULL,
  -- Uint16 line offsets in the block; NULL when the lines are contiguous from first_line
  lines BLOB,
  -- Float64 steps; NULL when step = min_step + (line - first_line)
  steps BLOB,
  -- Float64 values, NaN/±Infinity native, NaN for non-numeric values; NULL when none is numeric
  nums BLOB,
  -- non-numeric values: {"<line offset>": "<W&B JSON>"}; NULL when none
  extras TEXT,
  UNIQUE (run_id, key_id, block_no)
);

CREATE TABLE events_lines (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  line_no INTEGER NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (run_id, line_no)
) WITHOUT ROWID;

CREATE TABLE output_lines (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  line_no INTEGER NOT NULL,
  line TEXT NOT NULL,
  stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr')),
  timestamp TEXT,
  text TEXT NOT NULL,
  PRIMARY KEY (run_id, line_no)
) WITHOUT ROWID;

-- Files a run uploaded; blob names the bytes under <data dir>/files (never a client path).
CREATE TABLE files (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  blob TEXT,
  size INTEGER,
  sha256 TEXT,
  uploaded INTEGER NOT NULL DEFAULT 0,
  updated_at REAL NOT NULL,
  PRIMARY KEY (run_id, path)
) WITHOUT ROWID;
`;
