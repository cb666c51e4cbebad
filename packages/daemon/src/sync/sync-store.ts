/**
 * The syncer's SQL: remotes, per-run sync state, watermarks and uploaded files. Statements are
 * prepared once on the daemon's single connection; every write is one small synchronous transaction
 * (or one statement), never held across an await, so the commit queue is never blocked for long.
 */
import type Database from 'better-sqlite3';
import type { RunRow } from '../store/run-store.js';
import type { RemoteTarget } from './wandb-http.js';

/** The streams with line watermarks, named as in `sync_watermarks.stream`. */
export type LineStream = 'history' | 'events' | 'output';

/** The `runs` columns a sync turn reads. */
type SyncedRunColumns = 'pk' | 'run_id' | 'entity' | 'project' | 'name' | 'group_name' | 'job_type' | 'tags' | 'notes' | 'config' | 'summary' | 'settings'
  | 'state' | 'exit_code' | 'start_time' | 'updated_at' | 'host' | 'program' | 'pid' | 'history_lines' | 'event_lines' | 'console_lines';

/** A run with a remote, its sync state and watermarks: what one sync turn decides from. */
export interface SyncRow extends Pick<RunRow, SyncedRunColumns> {
  base_url: string;
  api_key: string;
  bucket_id: string | null;
  server_entity: string | null;
  server_project: string | null;
  upserted: number;
  config_hash: string | null;
  params_hash: string | null;
  summary_hash: string | null;
  end_files_at: number | null;
  complete_sent: number;
  done: number;
  fatal_error: string | null;
  attempts: number;
  next_attempt_at: number | null;
  stop_requested: number;
  last_sent_at: number | null;
  wm_history: number;
  wm_events: number;
  wm_output: number;
}

/** A `files` row that is not uploaded in its current version. */
export interface PendingFile {
  path: string;
  local_path: string;
  policy: 'now' | 'live' | 'end';
  version: string;
}

/** What a 2xx file_stream answer acknowledges. */
export interface StreamAck {
  history?: number;
  events?: number;
  output?: number;
  summaryHash?: string;
  uploaded: string[];
  complete: boolean;
  stopRequested: boolean;
}

/** What the server holds of a resumed run: its ids, names and line counts per stream. */
export interface ServerSeed {
  bucketId: string;
  entity: string;
  project: string;
  history: number;
  events: number;
  output: number;
}

const now = () => Date.now() / 1000;
const wm = (stream: LineStream) => `coalesce((SELECT synced_lines FROM sync_watermarks w WHERE w.run_pk = r.pk AND w.stream = '${stream}'), 0) AS wm_${stream}`;

/** Prepared statements and small transactions of the syncer. */
export class SyncStore {
  private readonly stmts;
  private readonly ackTx: (pk: number, ack: StreamAck) => void;
  private readonly resetTx: (pk: number) => void;
  private readonly seedTx: (pk: number, seed: ServerSeed) => void;

  constructor(db: Database.Database) {
    this.stmts = {
      insertRemote: db.prepare('INSERT INTO remotes (base_url, api_key) VALUES (?, ?) ON CONFLICT (base_url, api_key) DO NOTHING'),
      remoteId: db.prepare<[string, string]>('SELECT id FROM remotes WHERE base_url = ? AND api_key = ?'),
      runRemote: db.prepare<[number]>('SELECT remote_id FROM runs WHERE pk = ?'),
      setRunRemote: db.prepare('UPDATE runs SET remote_id = ? WHERE pk = ?'),
      ensureState: db.prepare('INSERT INTO sync_state (run_pk) VALUES (?) ON CONFLICT (run_pk) DO NOTHING'),
      deleteState: db.prepare('DELETE FROM sync_state WHERE run_pk = ?'),
      deleteWatermarks: db.prepare('DELETE FROM sync_watermarks WHERE run_pk = ?'),
      deleteFiles: db.prepare('DELETE FROM sync_files WHERE run_pk = ?'),
      active: db.prepare(`SELECT r.pk FROM sync_state s JOIN runs r ON r.pk = s.run_pk
        WHERE r.remote_id IS NOT NULL AND s.done = 0 AND s.fatal_error IS NULL ORDER BY r.pk`),
      backlog: db.prepare(`SELECT count(*) AS n FROM sync_state s JOIN runs r ON r.pk = s.run_pk
        WHERE r.remote_id IS NOT NULL AND s.done = 0 AND s.fatal_error IS NULL`),
      load: db.prepare<[number]>(`SELECT r.*, m.base_url, m.api_key, s.*, ${wm('history')}, ${wm('events')}, ${wm('output')}
        FROM runs r JOIN remotes m ON m.id = r.remote_id JOIN sync_state s ON s.run_pk = r.pk WHERE r.pk = ?`),
      history: db.prepare<[number, number, number]>('SELECT line_no, line FROM history WHERE run_pk = ? AND line_no >= ? ORDER BY line_no LIMIT ?'),
      events: db.prepare<[number, number, number]>('SELECT line_no, line FROM events WHERE run_pk = ? AND line_no >= ? ORDER BY line_no LIMIT ?'),
      console: db.prepare<[number, number, number]>('SELECT line_no, stream, ts, text FROM console WHERE run_pk = ? AND line_no >= ? ORDER BY line_no LIMIT ?'),
      definitions: db.prepare<[number]>('SELECT definition FROM metric_definitions WHERE run_pk = ? ORDER BY name'),
      pendingFiles: db.prepare(`SELECT f.path, f.local_path, f.policy, coalesce(f.sha256, CAST(f.updated_at AS TEXT)) AS version
        FROM files f LEFT JOIN sync_files s ON s.run_pk = f.run_pk AND s.path = f.path
        WHERE f.run_pk = @pk AND (s.path IS NULL OR s.version <> coalesce(f.sha256, CAST(f.updated_at AS TEXT)))
          AND (f.policy <> 'end' OR @terminal = 1) ORDER BY f.path`),
      syncedFile: db.prepare<[number, string]>('SELECT version FROM sync_files WHERE run_pk = ? AND path = ?'),
      putFile: db.prepare(`INSERT INTO sync_files (run_pk, path, version, reported, missing) VALUES (@pk, @path, @version, 0, @missing)
        ON CONFLICT (run_pk, path) DO UPDATE SET version = excluded.version, reported = 0, missing = excluded.missing`),
      unreported: db.prepare<[number]>('SELECT path FROM sync_files WHERE run_pk = ? AND reported = 0 AND missing = 0 ORDER BY path'),
      markReported: db.prepare('UPDATE sync_files SET reported = 1 WHERE run_pk = ? AND path = ?'),
      fileCounts: db.prepare<[number]>('SELECT count(*) AS n FROM sync_files WHERE run_pk = ? AND reported = 1'),
      setWatermark: db.prepare(`INSERT INTO sync_watermarks (run_pk, stream, synced_lines) VALUES (?, ?, ?)
        ON CONFLICT (run_pk, stream) DO UPDATE SET synced_lines = max(synced_lines, excluded.synced_lines)`),
      forceWatermark: db.prepare(`INSERT INTO sync_watermarks (run_pk, stream, synced_lines) VALUES (?, ?, ?)
        ON CONFLICT (run_pk, stream) DO UPDATE SET synced_lines = excluded.synced_lines`),
      upserted: db.prepare(`UPDATE sync_state SET bucket_id = @bucketId, server_entity = @entity, server_project = @project,
        upserted = 1, config_hash = coalesce(@configHash, config_hash), params_hash = coalesce(@paramsHash, params_hash),
        attempts = 0, next_attempt_at = NULL, last_error = NULL, last_sent_at = @now WHERE run_pk = @pk`),
      streamAck: db.prepare(`UPDATE sync_state SET summary_hash = coalesce(@summaryHash, summary_hash), complete_sent = max(complete_sent, @complete),
        stop_requested = max(stop_requested, @stop), attempts = 0, next_attempt_at = NULL, last_error = NULL, last_sent_at = @now WHERE run_pk = @pk`),
      success: db.prepare('UPDATE sync_state SET attempts = 0, next_attempt_at = NULL, last_error = NULL, last_sent_at = @now WHERE run_pk = @pk'),
      endFiles: db.prepare('UPDATE sync_state SET end_files_at = ? WHERE run_pk = ?'),
      failure: db.prepare('UPDATE sync_state SET attempts = attempts + 1, next_attempt_at = @at, last_error = @error WHERE run_pk = @pk'),
      fatal: db.prepare('UPDATE sync_state SET fatal_error = @error, last_error = @error, next_attempt_at = NULL WHERE run_pk = @pk'),
      done: db.prepare('UPDATE sync_state SET done = 1 WHERE run_pk = ?'),
      reopen: db.prepare('UPDATE sync_state SET upserted = 0, complete_sent = 0, done = 0, end_files_at = NULL WHERE run_pk = ?'),
      retryFatal: db.prepare(`UPDATE sync_state SET fatal_error = NULL, last_error = NULL, attempts = 0, next_attempt_at = NULL,
        upserted = 0, done = 0 WHERE run_pk = ? AND fatal_error IS NOT NULL`),
      seed: db.prepare(`UPDATE sync_state SET bucket_id = @bucketId, server_entity = @entity, server_project = @project WHERE run_pk = @pk`),
    };
    this.ackTx = db.transaction((pk: number, ack: StreamAck) => this.applyAck(pk, ack));
    this.seedTx = db.transaction((pk: number, seed: ServerSeed) => {
      this.stmts.ensureState.run(pk);
      this.stmts.seed.run({ pk, bucketId: seed.bucketId, entity: seed.entity, project: seed.project });
      for (const stream of ['history', 'events', 'output'] as const) this.stmts.forceWatermark.run(pk, stream, seed[stream]);
    });
    this.resetTx = db.transaction((pk: number) => {
      this.stmts.deleteState.run(pk);
      this.stmts.deleteWatermarks.run(pk);
      this.stmts.deleteFiles.run(pk);
    });
  }

  /**
   * Sets (or clears) the remote of a run. A different server or key than before starts the run's sync
   * over (bucket ids and watermarks belong to the server that answered them).
   */
  setRemote(pk: number, remote: RemoteTarget | null): void {
    const remoteId = remote === null ? null : this.remoteIdOf(remote);
    const current = (this.stmts.runRemote.get(pk) as { remote_id: number | null } | undefined)?.remote_id ?? null;
    if (current !== remoteId) {
      this.resetTx(pk);
      this.stmts.setRunRemote.run(remoteId, pk);
    }
    if (remoteId !== null) this.stmts.ensureState.run(pk);
  }

  private remoteIdOf(remote: RemoteTarget): number {
    this.stmts.insertRemote.run(remote.baseUrl, remote.apiKey);
    return (this.stmts.remoteId.get(remote.baseUrl, remote.apiKey) as { id: number }).id;
  }

  /** A run resumed locally: it will be upserted again and must send a new `complete` at its next end. */
  reopen(pk: number): void {
    this.stmts.reopen.run(pk);
  }

  /** Clears a fatal sync error so that the run is tried again (`wandb-daemon sync`). */
  retryFatal(pk: number): void {
    this.stmts.retryFatal.run(pk);
  }

  /** Runs with deliverable work: a remote, not fatal, not done. */
  activeRuns(): number[] {
    return (this.stmts.active.all() as { pk: number }[]).map((r) => r.pk);
  }

  /** How many runs have deliverable work (the liveness probe). */
  backlog(): number {
    return (this.stmts.backlog.get() as { n: number }).n;
  }

  /** The run's state for one turn, or undefined when it has no remote any more. */
  load(pk: number): SyncRow | undefined {
    return this.stmts.load.get(pk) as SyncRow | undefined;
  }

  /** Stored lines of a stream from `from`, at most `limit`, in line order. */
  lines(stream: LineStream, pk: number, from: number, limit: number): { line_no: number; line?: string; stream?: 'stdout' | 'stderr'; ts?: number; text?: string }[] {
    const stmt = stream === 'history' ? this.stmts.history : stream === 'events' ? this.stmts.events : this.stmts.console;
    return stmt.all(pk, from, limit) as { line_no: number }[];
  }

  /** Iterates every console line of a run (for `output.log`). */
  consoleLines(pk: number): IterableIterator<{ stream: 'stdout' | 'stderr'; ts: number; text: string }> {
    return this.stmts.console.iterate(pk, 0, -1) as IterableIterator<{ stream: 'stdout' | 'stderr'; ts: number; text: string }>;
  }

  /** The run's metric definitions as stored. */
  definitions(pk: number): unknown[] {
    return (this.stmts.definitions.all(pk) as { definition: string }[]).map((r) => JSON.parse(r.definition) as unknown);
  }

  /** `files` entries not uploaded in their current version (`end` ones only once the run ended). */
  pendingFiles(pk: number, terminal: boolean): PendingFile[] {
    return this.stmts.pendingFiles.all({ pk, terminal: terminal ? 1 : 0 }) as PendingFile[];
  }

  /** The version of a file last uploaded, if any. */
  uploadedVersion(pk: number, path: string): string | undefined {
    return (this.stmts.syncedFile.get(pk, path) as { version: string } | undefined)?.version;
  }

  /** Records a successful PUT (or a local file found missing, which is never retried). */
  fileUploaded(pk: number, path: string, version: string, missing = false): void {
    this.stmts.putFile.run({ pk, path, version, missing: missing ? 1 : 0 });
  }

  /** Uploaded files not yet listed in an acknowledged file_stream request. */
  unreportedFiles(pk: number): string[] {
    return (this.stmts.unreported.all(pk) as { path: string }[]).map((r) => r.path);
  }

  /** Files uploaded and reported. */
  reportedFileCount(pk: number): number {
    return (this.stmts.fileCounts.get(pk) as { n: number }).n;
  }

  /** Records a 2xx UpsertBucket answer. */
  upserted(pk: number, bucket: { bucketId: string; entity: string; project: string }, hashes: { configHash: string | null; paramsHash: string | null }): void {
    this.stmts.upserted.run({ pk, ...bucket, ...hashes, now: now() });
  }

  /** Records a 2xx file_stream answer: advances watermarks and the rest in one transaction. */
  acknowledge(pk: number, ack: StreamAck): void {
    this.ackTx(pk, ack);
  }

  private applyAck(pk: number, ack: StreamAck): void {
    for (const stream of ['history', 'events', 'output'] as const) {
      const lines = ack[stream];
      if (lines !== undefined) this.stmts.setWatermark.run(pk, stream, lines);
    }
    for (const path of ack.uploaded) this.stmts.markReported.run(pk, path);
    this.stmts.streamAck.run({ pk, summaryHash: ack.summaryHash ?? null, complete: ack.complete ? 1 : 0, stop: ack.stopRequested ? 1 : 0, now: now() });
  }

  /** Clears the retry state after any 2xx that has no other record (an upload PUT). */
  succeeded(pk: number): void {
    this.stmts.success.run({ pk, now: now() });
  }

  /** The end-of-run files of the run as of `updatedAt` are uploaded. */
  endFilesUploaded(pk: number, updatedAt: number): void {
    this.stmts.endFiles.run(updatedAt, pk);
  }

  /** Records a retryable failure and when to try again. */
  failed(pk: number, error: string, retryAt: number): void {
    this.stmts.failure.run({ pk, error, at: retryAt });
  }

  /** Stops the run's sync for good (until `wandb-daemon sync` retries it). */
  fatal(pk: number, error: string): void {
    this.stmts.fatal.run({ pk, error });
  }

  /** Nothing is left to deliver for this run. */
  markDone(pk: number): void {
    this.stmts.done.run(pk);
  }

  /**
   * A run resumed from the server: the server already holds its first lines, so the watermarks start
   * at the server's counts and later calls use the server's names.
   */
  seedFromServer(pk: number, seed: ServerSeed): void {
    this.seedTx(pk, seed);
  }
}
