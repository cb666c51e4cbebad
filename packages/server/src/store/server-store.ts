/**
 * The storage interface behind every route: accounts and keys, projects, runs and their lines and
 * files. The SQLite implementation lives in ./sqlite; routes and resolvers only see this interface.
 */
import type { SeriesQuery, SeriesResult } from './history-series.js';
import type { SpreadValues } from './history-spread.js';

export type { ChartPoint, M4Bucket, M4Point, M4Result } from './history-m4.js';
export type { SeriesQuery, SeriesResult } from './history-series.js';
export type { SpreadValues, StepValue } from './history-spread.js';

/** The run states a W&B client can see. */
export type RunState = 'running' | 'finished' | 'failed' | 'crashed' | 'preempting';

/** An entity (a user's namespace) by id and name. */
export interface EntityRef {
  id: number;
  name: string;
}

/** Who a key belongs to, and what it may see. */
export interface Viewer {
  userId: number;
  username: string;
  email: string | null;
  defaultEntity: EntityRef;
  /** Entities the user is a member of (the default one included). */
  entities: EntityRef[];
}

/** A project ("model" in W&B's schema). */
export interface ProjectRecord {
  id: number;
  name: string;
  entity: EntityRef;
  createdAt: number;
  updatedAt: number;
}

/** A run ("bucket") as stored; config and summary are W&B JSON text. */
export interface RunRecord {
  id: number;
  storageId: string;
  project: ProjectRecord;
  name: string;
  displayName: string;
  description: string | null;
  notes: string | null;
  group: string | null;
  jobType: string | null;
  tags: string[];
  /** Wrapped config JSON: `{"key": {"value": ...}}`. */
  config: string;
  /** The summary as W&B JSON (may contain NaN/Infinity tokens). */
  summary: string;
  host: string | null;
  program: string | null;
  repo: string | null;
  commit: string | null;
  sweep: string | null;
  state: RunState;
  exitcode: number | null;
  createdAt: number;
  updatedAt: number;
  heartbeatAt: number;
  stopRequested: boolean;
  historyLineCount: number;
  eventsLineCount: number;
  logLineCount: number;
}

/** UpsertBucket's input after GraphQL: undefined/null = leave unchanged. */
export interface UpsertRunInput {
  storageId?: string | null;
  name?: string | null;
  project?: string | null;
  entity?: string | null;
  group?: string | null;
  description?: string | null;
  displayName?: string | null;
  notes?: string | null;
  /** Already wrapped, as JSON text; merged key by key into the stored config. */
  config?: string | null;
  commit?: string | null;
  host?: string | null;
  program?: string | null;
  repo?: string | null;
  jobType?: string | null;
  state?: string | null;
  sweep?: string | null;
  tags?: string[] | null;
  summary?: string | null;
}

/** Where the caller wants a run, by names. */
export interface RunPath {
  entity: string;
  project: string;
  run: string;
}

/** One file_stream "file": content[k] is line offset+k. */
export interface LineChunk {
  offset: number;
  content: string[];
}

/** A file_stream request body, validated. */
export interface FileStreamUpdate {
  history?: LineChunk;
  events?: LineChunk;
  output?: LineChunk;
  /** The whole summary line (the last content line of wandb-summary.json). */
  summary?: string;
  uploaded?: string[];
  preempting?: boolean;
  complete?: boolean;
  exitcode?: number;
}

/** A stored file of a run. */
export interface FileRecord {
  path: string;
  blob: string | null;
  size: number | null;
  sha256: string | null;
  uploaded: boolean;
  updatedAt: number;
}

/** A step window over history; bounds inclusive. */
export interface HistoryQuery {
  minStep?: number;
  maxStep?: number;
  limit: number;
}

/** One history row of selected keys: the step, its line index, and the values by requested key. */
export interface HistoryRow {
  step: number;
  lineNo: number;
  values: Record<string, unknown>;
}

/** One console line. */
export interface OutputLine {
  lineNo: number;
  stream: 'stdout' | 'stderr';
  timestamp: string | null;
  text: string;
}

/** A project with its run count, for listings. */
export interface ProjectSummary extends ProjectRecord {
  runCount: number;
  lastActivity: number;
}

/** The storage the server runs on. Every method is synchronous: one SQLite writer, no interleaving. */
export interface ServerStore {
  // accounts
  hasUser(name: string): boolean;
  /** Creates a user, its default entity (same name) and membership; throws if the name is taken. */
  createUser(name: string, email?: string | null): Viewer;
  /** Registers `key` (by hash) for user `name`; idempotent for a key already registered to them. */
  addApiKey(name: string, key: string): void;
  /** The viewer a key belongs to, or null. */
  authenticate(key: string): Viewer | null;

  // projects and runs
  findProject(entity: string, project: string): ProjectRecord | null;
  listProjects(entityIds: readonly number[]): ProjectSummary[];
  findRun(path: RunPath): RunRecord | null;
  findRunByStorageId(storageId: string): RunRecord | null;
  runById(runId: number): RunRecord | null;
  listRuns(projectId: number): RunRecord[];
  /** UpsertBucket: `entity` already resolved and checked by the caller. */
  upsertRun(entity: EntityRef, input: UpsertRunInput): { run: RunRecord; inserted: boolean };
  /** The run at `path`, created with defaults (and its project) when missing. */
  ensureRun(entity: EntityRef, project: string, run: string): RunRecord;
  /** Applies a file_stream request in one transaction; any request is a heartbeat. */
  applyFileStream(runId: number, update: FileStreamUpdate, now: number): RunRecord;
  /** Sets the run's stop flag; returns the run after it. */
  requestStop(runId: number): RunRecord;
  /** Running (and preempting) runs silent since before `before` (unix s) become crashed; returns them, crashed. */
  markCrashed(before: number): RunRecord[];

  // lines
  historyKeys(runId: number): string[];
  /**
   * Every history key with what it holds, by name: 'number' when its values are numbers, else the
   * `_type` of its last typed value ('image-file', 'histogram'...), else 'json'. Null values count
   * for nothing. One row per key, whatever the run's length (kept at ingest).
   */
  historyKeyTypes(runId: number): { key: string; type: string }[];
  /**
   * The non-null values of one flattened key (exact name) in the step window: `total`, how many, and
   * at most `limit` of them spread evenly (the first and the last included; history-spread.ts), in
   * (step, line) order, numbers as numbers and other values parsed. Empty for a key the run lacks.
   * Throws RangeError for a limit that is not a non-negative integer.
   */
  historyValues(runId: number, key: string, query: HistoryQuery): SpreadValues;
  historyByKeys(runId: number, keys: readonly string[], query: HistoryQuery): HistoryRow[];
  /**
   * One flattened key (exact name) against x = `_step` or another history key, in an x window: every
   * raw point when few, else M4 over aligned buckets, plus the nearest points outside the window
   * (rules in history-series.ts); with smoothing > 0 also `smoothed`, the key's EMA reduced the same
   * way (history-smoothing.ts). Empty for a key or x key the run does not have. Throws RangeError
   * for buckets < 1, raw < 0 (or not integers), bounds that are not finite and smoothing outside [0, 1).
   */
  historySeries(runId: number, key: string, query: SeriesQuery): SeriesResult;
  historyLines(runId: number, query: HistoryQuery): { step: number; lineNo: number; line: string }[];
  /** The last `count` history lines, oldest first; a line without `_step` gets its stored step (resuming clients read it). */
  historyTail(runId: number, count: number): string[];
  eventsLines(runId: number, from: number, limit: number): { lineNo: number; line: string }[];
  eventsTail(runId: number, count: number): string[];
  outputLines(runId: number, from: number, limit: number): OutputLine[];

  // files
  files(runId: number): FileRecord[];
  file(runId: number, path: string): FileRecord | null;
  recordUpload(runId: number, path: string, blob: string, size: number, sha256: string, now: number): void;
  /** Marks files the client reports uploaded (markRunFilesUploaded), without a heartbeat. */
  markUploaded(runId: number, paths: readonly string[]): void;

  close(): void;
}
