/** The SQLite implementation of ServerStore: one writer connection, statements prepared once. */
import type Database from 'better-sqlite3';
import { assertLittleEndian } from '../history-block.js';
import type { EntityRef, FileStreamUpdate, HistoryQuery, RunPath, RunRecord, SeriesQuery, ServerStore, UpsertRunInput } from '../server-store.js';
import { Accounts } from './accounts.js';
import { Files } from './files.js';
import { LineReader } from './line-reader.js';
import { LineWriter } from './line-writer.js';
import { openDatabase } from './open-database.js';
import { Runs } from './runs.js';

/** ServerStore over one SQLite database file. */
export class SqliteServerStore implements ServerStore {
  private readonly accounts: Accounts;
  private readonly runs: Runs;
  private readonly writer: LineWriter;
  private readonly reader: LineReader;
  private readonly fileTable: Files;
  private readonly stream;

  /** Opens (and migrates) the database at `path`. */
  static open(path: string): SqliteServerStore {
    return new SqliteServerStore(openDatabase(path));
  }

  constructor(readonly db: Database.Database) {
    assertLittleEndian();
    this.accounts = new Accounts(db);
    this.runs = new Runs(db);
    this.writer = new LineWriter(db);
    this.reader = new LineReader(db);
    this.fileTable = new Files(db);
    this.stream = {
      heartbeat: db.prepare<[number, number, number]>(
        // A request after a crash (or a resume after the end) means the run is running again. A stop
        // request ends with the run; a crashed run may be the same process reconnecting: it keeps it.
        `UPDATE runs SET heartbeat_at = ?, updated_at = ?, state = CASE WHEN state IN ('crashed', 'finished', 'failed') THEN 'running' ELSE state END,
           exitcode = CASE WHEN state IN ('crashed', 'finished', 'failed') THEN NULL ELSE exitcode END,
           stop_requested = CASE WHEN state IN ('finished', 'failed') THEN 0 ELSE stop_requested END WHERE id = ?`,
      ),
      counts: db.prepare<[number, number, number, number]>(
        'UPDATE runs SET history_line_count = max(history_line_count, ?), events_line_count = max(events_line_count, ?), log_line_count = max(log_line_count, ?) WHERE id = ?',
      ),
      summary: db.prepare<[string, number]>('UPDATE runs SET summary = ? WHERE id = ?'),
      preempting: db.prepare<[number]>("UPDATE runs SET state = 'preempting' WHERE id = ?"),
      // The stop was obeyed (or moot): a later resume must not be stopped again.
      complete: db.prepare<[string, number, number]>('UPDATE runs SET state = ?, exitcode = ?, stop_requested = 0 WHERE id = ?'),
    };
  }

  hasUser(name: string): boolean {
    return this.accounts.hasUser(name);
  }

  createUser(name: string, email: string | null = null) {
    return this.accounts.createUser(name, email);
  }

  addApiKey(name: string, key: string): void {
    this.accounts.addApiKey(name, key);
  }

  authenticate(key: string) {
    return this.accounts.authenticate(key);
  }

  findProject(entity: string, project: string) {
    return this.runs.findProject(entity, project);
  }

  listProjects(entityIds: readonly number[]) {
    return this.runs.listProjects(entityIds);
  }

  findRun(path: RunPath) {
    return this.runs.findRun(path);
  }

  findRunByStorageId(storageId: string) {
    return this.runs.findRunByStorageId(storageId);
  }

  runById(runId: number) {
    return this.runs.findRunById(runId);
  }

  listRuns(projectId: number) {
    return this.runs.listRuns(projectId);
  }

  upsertRun(entity: EntityRef, input: UpsertRunInput) {
    return this.runs.upsertRun(entity, input);
  }

  ensureRun(entity: EntityRef, project: string, run: string) {
    return this.runs.ensureRun(entity, project, run);
  }

  applyFileStream(runId: number, update: FileStreamUpdate, now: number): RunRecord {
    try {
      this.db.transaction(() => this.applyInTransaction(runId, update, now)).immediate();
    } catch (error) {
      this.writer.reset();
      throw error;
    }
    return this.runs.runById(runId);
  }

  requestStop(runId: number): RunRecord {
    this.runs.requestStop(runId);
    return this.runs.runById(runId);
  }

  markCrashed(before: number): RunRecord[] {
    return this.runs.markCrashed(before);
  }

  historyKeys(runId: number) {
    return this.reader.historyKeys(runId);
  }

  historyKeyTypes(runId: number) {
    return this.reader.historyKeyTypes(runId);
  }

  historyValues(runId: number, key: string, query: HistoryQuery) {
    if (!Number.isSafeInteger(query.limit) || query.limit < 0) throw new RangeError(`limit must be a non-negative integer, not ${query.limit}`);
    return this.reader.historyValues(runId, key, query);
  }

  historyByKeys(runId: number, keys: readonly string[], query: HistoryQuery) {
    return this.reader.historyByKeys(runId, keys, query);
  }

  historySeries(runId: number, key: string, query: SeriesQuery) {
    if (!Number.isSafeInteger(query.buckets) || query.buckets < 1) throw new RangeError(`buckets must be a positive integer, not ${query.buckets}`);
    if (!Number.isSafeInteger(query.raw) || query.raw < 0) throw new RangeError(`raw must be a non-negative integer, not ${query.raw}`);
    for (const bound of [query.min, query.max]) if (bound !== undefined && !Number.isFinite(bound)) throw new RangeError(`window bounds must be finite numbers, not ${bound}`);
    if (query.smoothing !== undefined && !(query.smoothing >= 0 && query.smoothing < 1)) throw new RangeError(`smoothing must be a number from 0 up to 1 (excluded), not ${query.smoothing}`);
    return this.reader.historySeries(runId, key, query);
  }

  historyLines(runId: number, query: HistoryQuery) {
    return this.reader.historyLines(runId, query);
  }

  historyTail(runId: number, count: number) {
    return this.reader.historyTail(runId, count);
  }

  eventsLines(runId: number, from: number, limit: number) {
    return this.reader.eventsLines(runId, from, limit);
  }

  eventsTail(runId: number, count: number) {
    return this.reader.eventsTail(runId, count);
  }

  outputLines(runId: number, from: number, limit: number) {
    return this.reader.outputLines(runId, from, limit);
  }

  files(runId: number) {
    return this.fileTable.files(runId);
  }

  file(runId: number, path: string) {
    return this.fileTable.file(runId, path);
  }

  recordUpload(runId: number, path: string, blob: string, size: number, sha256: string, now: number): void {
    this.fileTable.recordUpload(runId, path, blob, size, sha256, now);
  }

  markUploaded(runId: number, paths: readonly string[]): void {
    this.fileTable.markUploaded(runId, paths, Date.now() / 1000);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private applyInTransaction(runId: number, update: FileStreamUpdate, now: number): void {
    if (!update.complete) this.stream.heartbeat.run(now, now, runId);
    const history = update.history ? this.writer.writeHistory(runId, update.history) : 0;
    const events = update.events ? this.writer.writeEvents(runId, update.events) : 0;
    const output = update.output ? this.writer.writeOutput(runId, update.output) : 0;
    this.stream.counts.run(history, events, output, runId);
    if (update.summary !== undefined) this.stream.summary.run(update.summary, runId);
    if (update.uploaded?.length) this.fileTable.markUploaded(runId, update.uploaded, now);
    if (update.preempting) this.stream.preempting.run(runId);
    if (update.complete) {
      this.stream.heartbeat.run(now, now, runId);
      const code = update.exitcode ?? 0;
      this.stream.complete.run(code === 0 ? 'finished' : 'failed', code, runId);
    }
  }
}
