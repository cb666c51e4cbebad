/**
 * One run's sync driven turn by turn, without a daemon: an in-memory database with the real schema,
 * the real SyncStore and RunSyncer, and runs and lines inserted directly. For tests of races and edge
 * cases that need a request held in flight while the store changes under it.
 */
import Database from 'better-sqlite3';
import { migrate } from '../src/store/migrations/index.js';
import type { Logger } from '../src/log.js';
import type { FakeWandbServer, RecordedRequest } from './fake-wandb-server.js';
import { RunSyncer } from '../src/sync/run-syncer.js';
import { DEFAULT_SYNC_SETTINGS, type SyncSettings } from '../src/sync/sync-settings.js';
import { SyncStore } from '../src/sync/sync-store.js';

/** A log line as the harness keeps it. */
export interface LoggedLine {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps its lines in memory. */
export function memoryLogger(lines: LoggedLine[] = []): Logger & { lines: LoggedLine[] } {
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, msg, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') } as unknown as Logger & { lines: LoggedLine[] };
}

/** A database with the daemon's schema, in memory. */
export function syncDb(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

/** Inserts a run (no lines); returns its pk. */
export function insertRun(db: Database.Database, init: { runId?: string; state?: string; exitCode?: number | null; project?: string } = {}): number {
  const insert = db.prepare(`INSERT INTO runs (run_id, project, state, exit_code, start_time, created_at, updated_at, mode)
    VALUES (?, ?, ?, ?, 0, 0, 0, 'online')`);
  return Number(insert.run(init.runId ?? 'r1', init.project ?? 'p', init.state ?? 'running', init.exitCode ?? null).lastInsertRowid);
}

/** Appends history lines `from`..`from + n - 1` (`{"x":i,"_step":i}`) and counts them. */
export function appendHistory(db: Database.Database, pk: number, n: number, from?: number): void {
  const start = from ?? (db.prepare('SELECT history_lines AS n FROM runs WHERE pk = ?').get(pk) as { n: number }).n;
  const insert = db.prepare('INSERT INTO history (run_pk, line_no, step, ts, line) VALUES (?, ?, ?, 0, ?)');
  for (let i = start; i < start + n; i += 1) insert.run(pk, i, i, `{"x":${i},"_step":${i}}`);
  db.prepare('UPDATE runs SET history_lines = max(history_lines, ?), updated_at = updated_at + 1 WHERE pk = ?').run(start + n, pk);
}

/** Sets a run's state as ingest would (a resume, a finish). */
export function setState(db: Database.Database, pk: number, state: string, exitCode: number | null = null): void {
  db.prepare('UPDATE runs SET state = ?, exit_code = ?, updated_at = updated_at + 1 WHERE pk = ?').run(state, exitCode, pk);
}

/** A run syncer on `db` with fast settings (no pacing, no debounce, 1–5 ms backoff) unless overridden. */
export function runSyncer(db: Database.Database, pk: number, settings: Partial<SyncSettings> = {}, log = memoryLogger()) {
  const store = new SyncStore(db, log);
  const controller = new AbortController();
  const merged: SyncSettings = { ...DEFAULT_SYNC_SETTINGS, intervalMs: 0, debounceMs: 0, backoffMinMs: 1, backoffMaxMs: 5, ...settings };
  const syncer = new RunSyncer(pk, { store, settings: merged, log, signal: controller.signal });
  return { store, syncer, log, controller };
}

/**
 * A fresh database with one run of `lines` history lines, its syncer, and its remote set to `server`
 * (the usual start of a harness test).
 */
export function remoteRun(server: { url: string; apiKey: string }, init: Parameters<typeof insertRun>[1], lines = 0, settings: Partial<SyncSettings> = {}): { db: Database.Database; pk: number } & ReturnType<typeof runSyncer> {
  const db = syncDb();
  const pk = insertRun(db, init);
  if (lines > 0) appendHistory(db, pk, lines);
  const syncing = runSyncer(db, pk, settings);
  syncing.store.setRemote(pk, { baseUrl: server.url, apiKey: server.apiKey });
  return { db, pk, ...syncing };
}

/** Runs turns until `done()` holds (at most `max` turns); returns how many ran. */
export async function turnsUntil(syncer: RunSyncer, done: () => boolean, max = 50): Promise<number> {
  for (let turns = 1; turns <= max; turns += 1) {
    // Honour a backoff the turn chose, so that a retry is a real retry (the delays are milliseconds).
    const wait = syncer.nextAt - Date.now();
    if (wait > 0 && wait < 1_000) await new Promise((resolve) => setTimeout(resolve, wait));
    await syncer.turn();
    if (done()) return turns;
  }
  throw new Error(`not done after ${max} turns`);
}

/** A promise with its resolve function, to hold a fake's answer until the test releases it. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Runs turns until a request matching `match` is held at the fake (its answer waits for `release()`);
 * returns the turn in flight.
 */
export async function holdRequest(fake: FakeWandbServer, syncer: RunSyncer, match: (req: RecordedRequest) => boolean): Promise<{ inFlight: Promise<void>; release: () => void }> {
  const held = deferred();
  const seen = deferred();
  fake.gate = (req) => (match(req) ? (seen.resolve(), held.promise) : undefined);
  for (let i = 0; i < 20; i += 1) {
    const inFlight = syncer.turn();
    if (await Promise.race([inFlight.then(() => false), seen.promise.then(() => true)])) {
      fake.gate = null;
      return { inFlight, release: held.resolve };
    }
  }
  throw new Error('the request never went out');
}
