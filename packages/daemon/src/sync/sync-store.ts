/**
 * The syncer's SQL: remotes, per-run sync state, watermarks and uploaded files. Statements are
 * prepared once on the daemon's single connection; every write is one small synchronous transaction
 * (or one statement), never held across an await, so the commit queue is never blocked for long.
 *
 * Every write that records a server's answer is guarded by the run's sync generation
 * (`runs.sync_epoch`), read by `load()` before the request was sent: a reset in between (a local resume,
 * another server or key) bumps the generation, and the late answer then writes nothing.
 */
import type Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import type { RunRow } from '../store/run-store.js';
import type { StoredChart } from './wire-format.js';
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
  /** The run's sync generation when this row was read; writes of this turn apply only while it holds. */
  sync_epoch: number;
  wm_history: number;
  wm_events: number;
  wm_output: number;
}

/** A `files` row that is not uploaded in its current version: a file on disk, or a media blob. */
export interface PendingFile {
  path: string;
  local_path: string | null;
  blob_id: number | null;
  policy: 'now' | 'live' | 'end';
  version: string;
}

/** A file whose last upload failed: backing off until `next_attempt_at`, or failed for good. */
export interface FileRetry {
  path: string;
  version: string;
  attempts: number;
  next_attempt_at: number | null;
  error: string;
  failed: number;
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
const wmValue = (stream: LineStream) => `coalesce((SELECT synced_lines FROM sync_watermarks w WHERE w.run_pk = r.pk AND w.stream = '${stream}'), 0)`;
/** The SQL select item `wm_<stream>`: the stream's synced lines of run `r` (0 before any), for queries over `runs r`. */
export const wm = (stream: LineStream) => `${wmValue(stream)} AS wm_${stream}`;

/** The local line tables of each stream and the `runs` column counting its lines. */
const STREAM_TABLES: Record<LineStream, { table: string; total: string }> = {
  history: { table: 'history', total: 'history_lines' },
  events: { table: 'events', total: 'event_lines' },
  output: { table: 'console', total: 'console_lines' },
};

/** Prepared statements and small transactions of the syncer. */
export class SyncStore {
  private readonly stmts;
  private readonly setRemoteTx: (pk: number, remote: RemoteTarget | null) => void;
  private readonly seedTx: (pk: number, seed: ServerSeed) => void;
  private readonly reopenTx: (pk: number) => void;
  private readonly retryTx: (pk: number) => void;
  private readonly guardTx: (pk: number, epoch: number, write: () => void) => boolean;
  private readonly firstLines: Record<LineStream, Database.Statement<[number]>>;

  constructor(
    db: Database.Database,
    private readonly log?: Pick<Logger, 'warn'>,
  ) {
    this.stmts = {
      insertRemote: db.prepare('INSERT INTO remotes (base_url, api_key) VALUES (?, ?) ON CONFLICT (base_url, api_key) DO NOTHING'),
      remoteId: db.prepare<[string, string]>('SELECT id FROM remotes WHERE base_url = ? AND api_key = ?'),
      runRemote: db.prepare<[number]>(`SELECT r.remote_id, m.base_url, s.bucket_id FROM runs r LEFT JOIN remotes m ON m.id = r.remote_id
        LEFT JOIN sync_state s ON s.run_pk = r.pk WHERE r.pk = ?`),
      setRunRemote: db.prepare('UPDATE runs SET remote_id = ? WHERE pk = ?'),
      epoch: db.prepare<[number]>('SELECT sync_epoch FROM runs WHERE pk = ?'),
      bumpEpoch: db.prepare('UPDATE runs SET sync_epoch = sync_epoch + 1 WHERE pk = ?'),
      ensureState: db.prepare('INSERT INTO sync_state (run_pk) VALUES (?) ON CONFLICT (run_pk) DO NOTHING'),
      deleteState: db.prepare('DELETE FROM sync_state WHERE run_pk = ?'),
      deleteWatermarks: db.prepare('DELETE FROM sync_watermarks WHERE run_pk = ?'),
      deleteFiles: db.prepare('DELETE FROM sync_files WHERE run_pk = ?'),
      deleteRetries: db.prepare('DELETE FROM sync_file_retries WHERE run_pk = ?'),
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
      charts: db.prepare<[number]>('SELECT key, panel_def_id, table_key, fields, string_fields FROM charts WHERE run_pk = ? ORDER BY key'),
      blob: db.prepare<[string]>('SELECT data FROM blobs WHERE sha256 = ?'),
      pendingFiles: db.prepare(`SELECT f.path, f.local_path, f.blob_id, f.policy, coalesce(f.sha256, CAST(f.updated_at AS TEXT)) AS version
        FROM files f LEFT JOIN sync_files s ON s.run_pk = f.run_pk AND s.path = f.path
        WHERE f.run_pk = @pk AND (s.path IS NULL OR s.version <> coalesce(f.sha256, CAST(f.updated_at AS TEXT)))
          AND (f.policy <> 'end' OR @terminal = 1) ORDER BY f.path`),
      syncedFile: db.prepare<[number, string]>('SELECT version FROM sync_files WHERE run_pk = ? AND path = ?'),
      putFile: db.prepare(`INSERT INTO sync_files (run_pk, path, version, reported, missing) VALUES (@pk, @path, @version, 0, @missing)
        ON CONFLICT (run_pk, path) DO UPDATE SET version = excluded.version, reported = 0, missing = excluded.missing`),
      clearRetry: db.prepare('DELETE FROM sync_file_retries WHERE run_pk = ? AND path = ?'),
      fileRetries: db.prepare<[number]>('SELECT path, version, attempts, next_attempt_at, error, failed FROM sync_file_retries WHERE run_pk = ? ORDER BY path'),
      fileRetry: db.prepare(`INSERT INTO sync_file_retries (run_pk, path, version, attempts, next_attempt_at, error, failed)
        VALUES (@pk, @path, @version, 1, @at, @error, @failed)
        ON CONFLICT (run_pk, path) DO UPDATE SET attempts = CASE WHEN version = excluded.version THEN attempts + 1 ELSE 1 END,
          version = excluded.version, next_attempt_at = excluded.next_attempt_at, error = excluded.error, failed = excluded.failed`),
      unreported: db.prepare<[number]>('SELECT path FROM sync_files WHERE run_pk = ? AND reported = 0 AND missing = 0 ORDER BY path'),
      markReported: db.prepare('UPDATE sync_files SET reported = 1 WHERE run_pk = ? AND path = ?'),
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
      reopen: db.prepare(`UPDATE sync_state SET upserted = 0, complete_sent = 0, done = 0, end_files_at = NULL, stop_requested = 0,
        attempts = 0, next_attempt_at = NULL WHERE run_pk = ?`),
      retryFatal: db.prepare(`UPDATE sync_state SET fatal_error = NULL, last_error = NULL, attempts = 0, next_attempt_at = NULL,
        upserted = 0, done = 0 WHERE run_pk = ? AND fatal_error IS NOT NULL`),
      // Done, yet lines are left or the run is running again: a state only an older daemon's race left
      // behind (a late answer after a reset); such a run is reopened by `wandb-daemon sync`.
      wronglyDone: db.prepare<[number]>(`SELECT 1 FROM runs r JOIN sync_state s ON s.run_pk = r.pk WHERE r.pk = ? AND s.done = 1 AND s.fatal_error IS NULL
        AND (r.state = 'running' OR ${wmValue('history')} < r.history_lines OR ${wmValue('events')} < r.event_lines OR ${wmValue('output')} < r.console_lines)`),
      seed: db.prepare(`UPDATE sync_state SET bucket_id = @bucketId, server_entity = @entity, server_project = @project WHERE run_pk = @pk`),
      rememberBucket: db.prepare('UPDATE runs SET known_bucket_id = ?, known_bucket_url = ? WHERE pk = ?'),
      restoreBucket: db.prepare(`UPDATE sync_state SET bucket_id = (SELECT known_bucket_id FROM runs WHERE pk = @pk)
        WHERE run_pk = @pk AND (SELECT known_bucket_url FROM runs WHERE pk = @pk) = @baseUrl`),
    };
    // The first stored line of each stream, and its count (min(line_no) is NULL for no line).
    const first = (stream: LineStream) =>
      db.prepare<[number]>(`SELECT (SELECT min(line_no) FROM ${STREAM_TABLES[stream].table} WHERE run_pk = r.pk) AS first, r.${STREAM_TABLES[stream].total} AS total FROM runs r WHERE r.pk = ?`);
    this.firstLines = { history: first('history'), events: first('events'), output: first('output') };
    this.guardTx = db.transaction((pk: number, epoch: number, write: () => void): boolean => {
      if (this.epochOf(pk) !== epoch) return false;
      write();
      return true;
    });
    this.seedTx = db.transaction((pk: number, seed: ServerSeed) => {
      this.stmts.bumpEpoch.run(pk);
      this.stmts.ensureState.run(pk);
      this.stmts.seed.run({ pk, bucketId: seed.bucketId, entity: seed.entity, project: seed.project });
      for (const stream of ['history', 'events', 'output'] as const) this.stmts.forceWatermark.run(pk, stream, seed[stream]);
    });
    this.setRemoteTx = db.transaction((pk: number, remote: RemoteTarget | null) => this.applyRemote(pk, remote));
    this.reopenTx = db.transaction((pk: number) => {
      this.stmts.bumpEpoch.run(pk);
      this.stmts.reopen.run(pk);
    });
    this.retryTx = db.transaction((pk: number) => {
      if (this.stmts.wronglyDone.get(pk)) {
        this.stmts.bumpEpoch.run(pk);
        this.stmts.reopen.run(pk);
      } else if (this.stmts.retryFatal.run(pk).changes > 0) this.stmts.bumpEpoch.run(pk);
    });
  }

  /**
   * Sets (or clears) the remote of a run. A different server or key than before starts the run's sync
   * over (bucket ids and watermarks belong to the server that answered them); back on a server that
   * already has the run's bucket (another key, or after an offline resume), that bucket id is restored,
   * so that the run is known there as the one this daemon created.
   */
  setRemote(pk: number, remote: RemoteTarget | null): void {
    this.setRemoteTx(pk, remote);
  }

  private applyRemote(pk: number, remote: RemoteTarget | null): void {
    const remoteId = remote === null ? null : this.remoteIdOf(remote);
    const current = this.stmts.runRemote.get(pk) as { remote_id: number | null; base_url: string | null; bucket_id: string | null } | undefined;
    if ((current?.remote_id ?? null) !== remoteId) {
      if (current?.bucket_id && current.base_url) this.stmts.rememberBucket.run(current.bucket_id, current.base_url, pk);
      // A new generation: answers to requests still in flight to the previous remote are dropped.
      this.stmts.bumpEpoch.run(pk);
      this.stmts.deleteState.run(pk);
      this.stmts.deleteWatermarks.run(pk);
      this.stmts.deleteFiles.run(pk);
      this.stmts.deleteRetries.run(pk);
      this.stmts.setRunRemote.run(remoteId, pk);
      if (remote !== null) {
        this.stmts.ensureState.run(pk);
        this.stmts.restoreBucket.run({ pk, baseUrl: remote.baseUrl });
        this.startAtLocalLines(pk, remote);
      }
    }
    if (remoteId !== null) this.stmts.ensureState.run(pk);
  }

  /**
   * After a reset, each stream's watermark starts at its first stored line: a run continued from a
   * server holds only the lines from that server's count on, and the lines before are not here to send
   * (starting at 0 would leave a gap at the watermark that no batch can fill).
   */
  private startAtLocalLines(pk: number, remote: RemoteTarget): void {
    const skipped: Partial<Record<LineStream, number>> = {};
    for (const stream of ['history', 'events', 'output'] as const) {
      const { first, total } = this.firstLines[stream].get(pk) as { first: number | null; total: number };
      const start = Math.min(first ?? total, total);
      if (start <= 0) continue;
      this.stmts.forceWatermark.run(pk, stream, start);
      // No local line at all: a run just continued from its server, nothing here is being left out.
      if (first !== null) skipped[stream] = start;
    }
    if (Object.keys(skipped).length > 0) {
      this.log?.warn({ run: pk, server: new URL(remote.baseUrl).origin, skippedLines: skipped }, 'sync: the first lines of this run are not stored here (it was continued from another server); the new server gets the lines from there on');
    }
  }

  private remoteIdOf(remote: RemoteTarget): number {
    this.stmts.insertRemote.run(remote.baseUrl, remote.apiKey);
    return (this.stmts.remoteId.get(remote.baseUrl, remote.apiKey) as { id: number }).id;
  }

  /** The run's current sync generation (0 for an unknown run). */
  epochOf(pk: number): number {
    return (this.stmts.epoch.get(pk) as { sync_epoch: number } | undefined)?.sync_epoch ?? 0;
  }

  /**
   * A run resumed locally: it will be upserted again and must send a new `complete` at its next end.
   * Starts a new sync generation, so that an answer still in flight (say, to the `complete` of the
   * run's previous end) cannot mark the resumed run done.
   */
  reopen(pk: number): void {
    this.reopenTx(pk);
  }

  /**
   * `wandb-daemon sync` on a run: clears a fatal sync error so that the run is tried again, and reopens
   * a run marked done while it still has undelivered lines or is running.
   */
  retryFatal(pk: number): void {
    this.retryTx(pk);
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

  /** The run's custom charts, by key. */
  charts(pk: number): StoredChart[] {
    const rows = this.stmts.charts.all(pk) as { key: string; panel_def_id: string; table_key: string; fields: string; string_fields: string }[];
    return rows.map((r) => ({
      key: r.key,
      panelDefId: r.panel_def_id,
      tableKey: r.table_key,
      fields: JSON.parse(r.fields) as Record<string, string>,
      stringFields: JSON.parse(r.string_fields) as Record<string, string>,
    }));
  }

  /**
   * The bytes with this sha256 (one synchronous read of at most 12 MiB), or undefined when no file
   * holds them any more. Read by content, never by row id: ids of deleted blobs are reused, and an
   * upload planned before a delete must not PUT other bytes under the old version.
   */
  blob(sha256: string): Buffer | undefined {
    return (this.stmts.blob.get(sha256) as { data: Buffer } | undefined)?.data;
  }

  /** `files` entries not uploaded in their current version (`end` ones only once the run ended). */
  pendingFiles(pk: number, terminal: boolean): PendingFile[] {
    return this.stmts.pendingFiles.all({ pk, terminal: terminal ? 1 : 0 }) as PendingFile[];
  }

  /** The version of a file last uploaded, if any. */
  uploadedVersion(pk: number, path: string): string | undefined {
    return (this.stmts.syncedFile.get(pk, path) as { version: string } | undefined)?.version;
  }

  /** The run's files whose last upload failed, by path. */
  fileRetries(pk: number): Map<string, FileRetry> {
    return new Map((this.stmts.fileRetries.all(pk) as FileRetry[]).map((r) => [r.path, r]));
  }

  /**
   * Records a file as settled in `version`: uploaded (`reported` next in `uploaded`), or not PUT at all
   * (`put: false`: the local file is gone, or the server answered no URL), which is never listed in
   * `uploaded`. False (nothing written) when the run's sync generation moved on.
   */
  fileUploaded(pk: number, epoch: number, path: string, version: string, put = true): boolean {
    return this.guardTx(pk, epoch, () => {
      this.stmts.putFile.run({ pk, path, version, missing: put ? 0 : 1 });
      this.stmts.clearRetry.run(pk, path);
    });
  }

  /** Records a failed upload of a file: retried from `retryAt` (Unix seconds), or never (`retryAt` null). */
  fileFailed(pk: number, epoch: number, file: { path: string; version: string }, error: string, retryAt: number | null): boolean {
    return this.guardTx(pk, epoch, () => this.stmts.fileRetry.run({ pk, ...file, error, at: retryAt, failed: retryAt === null ? 1 : 0 }));
  }

  /** Uploaded files not yet listed in an acknowledged file_stream request. */
  unreportedFiles(pk: number): string[] {
    return (this.stmts.unreported.all(pk) as { path: string }[]).map((r) => r.path);
  }

  /** Records a 2xx UpsertBucket answer (unless the run's sync generation moved on). */
  upserted(pk: number, epoch: number, bucket: { bucketId: string; entity: string; project: string }, hashes: { configHash: string | null; paramsHash: string | null }): boolean {
    return this.guardTx(pk, epoch, () => this.stmts.upserted.run({ pk, ...bucket, ...hashes, now: now() }));
  }

  /** Records a 2xx file_stream answer: advances watermarks and the rest in one transaction (unless the generation moved on). */
  acknowledge(pk: number, epoch: number, ack: StreamAck): boolean {
    return this.guardTx(pk, epoch, () => this.applyAck(pk, ack));
  }

  private applyAck(pk: number, ack: StreamAck): void {
    for (const stream of ['history', 'events', 'output'] as const) {
      const lines = ack[stream];
      if (lines !== undefined) this.stmts.setWatermark.run(pk, stream, lines);
    }
    for (const path of ack.uploaded) this.stmts.markReported.run(pk, path);
    this.stmts.streamAck.run({ pk, summaryHash: ack.summaryHash ?? null, complete: ack.complete ? 1 : 0, stop: ack.stopRequested ? 1 : 0, now: now() });
  }

  /** Clears the retry state after any 2xx that has no other record (an upload round). */
  succeeded(pk: number, epoch: number): boolean {
    return this.guardTx(pk, epoch, () => this.stmts.success.run({ pk, now: now() }));
  }

  /** The end-of-run files of the run as of `updatedAt` are uploaded (or failed for good). */
  endFilesUploaded(pk: number, epoch: number, updatedAt: number): boolean {
    return this.guardTx(pk, epoch, () => this.stmts.endFiles.run(updatedAt, pk));
  }

  /** Records a retryable failure and when to try again. */
  failed(pk: number, epoch: number, error: string, retryAt: number): boolean {
    return this.guardTx(pk, epoch, () => this.stmts.failure.run({ pk, error, at: retryAt }));
  }

  /** Stops the run's sync for good (until `wandb-daemon sync` retries it). */
  fatal(pk: number, epoch: number, error: string): boolean {
    return this.guardTx(pk, epoch, () => this.stmts.fatal.run({ pk, error }));
  }

  /** Nothing is left to deliver for this run. */
  markDone(pk: number, epoch: number): boolean {
    return this.guardTx(pk, epoch, () => this.stmts.done.run(pk));
  }

  /**
   * A run resumed from the server: the server already holds its first lines, so the watermarks start
   * at the server's counts and later calls use the server's names.
   */
  seedFromServer(pk: number, seed: ServerSeed): void {
    this.seedTx(pk, seed);
  }
}
