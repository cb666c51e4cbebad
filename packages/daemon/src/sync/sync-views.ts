/**
 * Read-only views of sync state for `status`, `runs` and the HTTP API. They show the server by its
 * origin only: no query ever selects `remotes.api_key`.
 */
import type Database from 'better-sqlite3';
import type { SyncRunStatus, SyncStatus } from '@wandb-daemon/protocol';
import { wm } from './sync-store.js';

/** A run's sync as the HTTP API and `wandb-daemon runs` show it (null: the run has no remote). */
export interface RunSyncView {
  server: string;
  state: 'syncing' | 'retrying' | 'failed' | 'synced';
  /** Names the server answered, once the run was upserted. */
  entity: string | null;
  project: string | null;
  history: { synced: number; total: number };
  events: { synced: number; total: number };
  output: { synced: number; total: number };
  /** Files uploaded and reported to the server. */
  files: number;
  complete: boolean;
  error: string | null;
  /** Unix seconds of the next retry while `retrying`. */
  nextRetryAt: number | null;
  stopRequested: boolean;
  /** Files whose upload failed: `retrying` with backoff (the run's end waits for them), or failed for good. */
  fileErrors: FileErrorView[];
}

/** A file whose last upload failed. */
export interface FileErrorView {
  path: string;
  state: 'retrying' | 'failed';
  error: string;
  /** Unix seconds of the next attempt while `retrying`. */
  nextRetryAt: number | null;
}

interface ViewRow {
  pk: number;
  run_id: string;
  entity: string | null;
  project: string;
  base_url: string;
  history_lines: number;
  event_lines: number;
  console_lines: number;
  server_entity: string | null;
  server_project: string | null;
  done: number;
  complete_sent: number;
  fatal_error: string | null;
  last_error: string | null;
  attempts: number;
  next_attempt_at: number | null;
  stop_requested: number;
  wm_history: number;
  wm_events: number;
  wm_output: number;
  files: number;
}

const VIEW_SELECT = `SELECT r.pk, r.run_id, r.entity, r.project, m.base_url, r.history_lines, r.event_lines, r.console_lines,
    s.server_entity, s.server_project, s.done, s.complete_sent, s.fatal_error, s.last_error, s.attempts, s.next_attempt_at,
    s.stop_requested, ${wm('history')}, ${wm('events')}, ${wm('output')},
    (SELECT count(*) FROM sync_files f WHERE f.run_pk = r.pk AND f.reported = 1) AS files
  FROM runs r JOIN remotes m ON m.id = r.remote_id JOIN sync_state s ON s.run_pk = r.pk`;

/** Most runs `status` details. */
const MAX_STATUS_RUNS = 100;

/** Most file errors a run's view lists. */
const MAX_FILE_ERRORS = 20;

const origin = (baseUrl: string) => {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return '(invalid URL)';
  }
};

const stateOf = (r: ViewRow): RunSyncView['state'] => (r.fatal_error !== null ? 'failed' : r.done ? 'synced' : r.attempts > 0 ? 'retrying' : 'syncing');

/** Prepared queries behind the sync views. */
export class SyncViews {
  private readonly one: Database.Statement<[number]>;
  private readonly unfinished: Database.Statement<[number]>;
  private readonly counts: Database.Statement<[]>;
  private readonly fileErrors: Database.Statement<[number]>;

  constructor(db: Database.Database) {
    this.one = db.prepare(`${VIEW_SELECT} WHERE r.pk = ?`);
    this.fileErrors = db.prepare(`SELECT path, error, failed, next_attempt_at FROM sync_file_retries WHERE run_pk = ? ORDER BY failed DESC, path LIMIT ${MAX_FILE_ERRORS}`);
    this.unfinished = db.prepare(`${VIEW_SELECT} WHERE s.done = 0 OR s.fatal_error IS NOT NULL ORDER BY r.pk DESC LIMIT ?`);
    this.counts = db.prepare(`SELECT
        coalesce(sum(r.remote_id IS NULL), 0) AS local,
        coalesce(sum(r.remote_id IS NOT NULL AND s.fatal_error IS NOT NULL), 0) AS failed,
        coalesce(sum(r.remote_id IS NOT NULL AND s.fatal_error IS NULL AND s.done = 1), 0) AS synced,
        coalesce(sum(r.remote_id IS NOT NULL AND s.fatal_error IS NULL AND s.done = 0), 0) AS pending
      FROM runs r LEFT JOIN sync_state s ON s.run_pk = r.pk`);
  }

  /** The sync view of one run, or null when it has no remote. */
  run(pk: number): RunSyncView | null {
    const r = this.one.get(pk) as ViewRow | undefined;
    if (!r) return null;
    return {
      server: origin(r.base_url),
      state: stateOf(r),
      entity: r.server_entity,
      project: r.server_project,
      history: { synced: r.wm_history, total: r.history_lines },
      events: { synced: r.wm_events, total: r.event_lines },
      output: { synced: r.wm_output, total: r.console_lines },
      files: r.files,
      complete: r.complete_sent === 1,
      error: r.fatal_error ?? r.last_error,
      nextRetryAt: r.fatal_error === null && r.attempts > 0 ? r.next_attempt_at : null,
      stopRequested: r.stop_requested === 1,
      fileErrors: this.fileErrorsOf(r.pk),
    };
  }

  private fileErrorsOf(pk: number): FileErrorView[] {
    const rows = this.fileErrors.all(pk) as { path: string; error: string; failed: number; next_attempt_at: number | null }[];
    return rows.map((f) => ({ path: f.path, state: f.failed ? 'failed' : 'retrying', error: f.error, nextRetryAt: f.failed ? null : f.next_attempt_at }));
  }

  /** The first file error of a run as one line (`status` shows one error per run). */
  private fileErrorLine(pk: number): string | null {
    const first = this.fileErrorsOf(pk)[0];
    return first ? `file ${first.path} ${first.state}: ${first.error}` : null;
  }

  /** The `sync` part of the status reply. */
  status(): SyncStatus {
    const counts = this.counts.get() as Omit<SyncStatus, 'runs'>;
    const runs = (this.unfinished.all(MAX_STATUS_RUNS) as ViewRow[]).map((r): SyncRunStatus => ({
      run: r.pk,
      runId: r.run_id,
      entity: r.entity,
      project: r.project,
      server: origin(r.base_url),
      state: stateOf(r) as SyncRunStatus['state'],
      syncedRows: r.wm_history,
      unsyncedRows: Math.max(0, r.history_lines - r.wm_history),
      error: r.fatal_error ?? r.last_error ?? this.fileErrorLine(r.pk),
      stopRequested: r.stop_requested === 1,
    }));
    return { ...counts, runs };
  }
}
