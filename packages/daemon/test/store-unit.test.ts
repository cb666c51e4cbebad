/**
 * Unit tests of the SQLite store without the ingest pipeline: schema migrations
 * (src/store/migrations/index.ts), opening the database (src/store/open-database.ts), and RunStore
 * (src/store/run-store.ts) with RecordWriter (src/store/record-writer.ts) driven directly, the way the
 * commit queue drives them: records applied inside a transaction, then counters flushed to the row.
 * Every test works on its own database file in a temporary directory removed afterwards.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, afterEach, describe, it } from 'node:test';
import { parseWandbJson, type RecordMessage, type RunInfo } from '@wandb-daemon/protocol';
import Database from 'better-sqlite3';
import type { ActiveRun } from '../src/store/active-run.js';
import { LATEST_SCHEMA_VERSION, migrate, MIGRATIONS, SchemaTooNewError, type Migration } from '../src/store/migrations/index.js';
import { openDatabase } from '../src/store/open-database.js';
import { RecordWriter, type ApplyOutcome } from '../src/store/record-writer.js';
import { RunStore } from '../src/store/run-store.js';
import { tempDirs } from '../test-utils/temp-dirs.js';
import { pathKey } from '@wandb-daemon/protocol';

const freshDir = tempDirs('wandb-daemon-store-unit-');
/** A fresh database path in the temporary directory. */
const freshPath = () => join(freshDir(), 'db.sqlite');

const userVersion = (db: Database.Database) => db.pragma('user_version', { simple: true }) as number;
const tableExists = (db: Database.Database, name: string) =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

describe('migrate', () => {
  it('applies every pending migration and sets user_version to LATEST_SCHEMA_VERSION', () => {
    const db = new Database(freshPath());
    try {
      assert.equal(userVersion(db), 0);
      assert.deepEqual(migrate(db), MIGRATIONS.map((m) => m.version));
      assert.equal(userVersion(db), LATEST_SCHEMA_VERSION);
      for (const table of ['runs', 'history', 'events', 'console', 'files', 'metric_definitions', 'alerts', 'sync_watermarks', 'blobs', 'charts']) {
        assert.ok(tableExists(db, table), table);
      }
    } finally {
      db.close();
    }
  });

  it('applies nothing the second time', () => {
    const db = new Database(freshPath());
    try {
      migrate(db);
      assert.deepEqual(migrate(db), []);
      assert.equal(userVersion(db), LATEST_SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer daemon with SchemaTooNewError naming both versions', () => {
    const path = freshPath();
    const db = new Database(path);
    try {
      const found = LATEST_SCHEMA_VERSION + 5;
      db.pragma(`user_version = ${found}`);
      assert.throws(
        () => migrate(db),
        (error: unknown) => {
          assert.ok(error instanceof SchemaTooNewError);
          assert.equal(error.found, found);
          assert.equal(error.supported, LATEST_SCHEMA_VERSION);
          assert.match(error.message, new RegExp(`\\b${found}\\b`));
          assert.match(error.message, new RegExp(`\\b${LATEST_SCHEMA_VERSION}\\b`));
          assert.ok(error.message.includes(path), 'names the database path');
          return true;
        },
      );
      assert.equal(userVersion(db), found, 'left untouched');
      assert.equal(tableExists(db, 'runs'), false);
    } finally {
      db.close();
    }
  });

  it('applies all migrations in one transaction: a broken second migration leaves nothing behind', () => {
    const migrations: Migration[] = [
      { version: 1, name: 'first', sql: 'CREATE TABLE first_table (x INTEGER);' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE second_table (x INTEGER); CREATE TABL oops (' },
    ];
    const db = new Database(freshPath());
    try {
      assert.throws(() => migrate(db, migrations));
      assert.equal(tableExists(db, 'first_table'), false);
      assert.equal(tableExists(db, 'second_table'), false);
      assert.equal(userVersion(db), 0);
    } finally {
      db.close();
    }
  });

  it('applies only migrations newer than user_version, in version order', () => {
    const migrations: Migration[] = [
      { version: 3, name: 'c', sql: 'CREATE TABLE c (x INTEGER);' },
      { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, name: 'b', sql: 'ALTER TABLE a ADD COLUMN y INTEGER;' },
    ];
    const db = new Database(freshPath());
    try {
      db.exec('CREATE TABLE a (x INTEGER);');
      db.pragma('user_version = 1');
      assert.deepEqual(migrate(db, migrations), [2, 3]);
      assert.equal(userVersion(db), 3);
      assert.ok(tableExists(db, 'c'));
      db.prepare('INSERT INTO a (x, y) VALUES (1, 2)').run();
    } finally {
      db.close();
    }
  });
});

describe('openDatabase', () => {
  it('creates the file 0600, in WAL mode, migrated, with foreign keys on', () => {
    const path = freshPath();
    const db = openDatabase(path);
    try {
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(userVersion(db), LATEST_SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('reopens an existing database without migrating again', () => {
    const path = freshPath();
    openDatabase(path).close();
    const db = openDatabase(path);
    try {
      assert.equal(userVersion(db), LATEST_SCHEMA_VERSION);
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });

  it('throws SchemaTooNewError for a database written by a newer daemon', () => {
    const path = freshPath();
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    assert.throws(() => openDatabase(path), SchemaTooNewError);
  });
});

const runInfo = (overrides: Partial<RunInfo> = {}): RunInfo => ({
  runId: 'unit-run',
  entity: null,
  project: 'proj',
  name: 'unit',
  group: null,
  jobType: null,
  tags: ['t'],
  notes: null,
  config: { lr: 0.1, batch: 32 },
  host: 'box',
  program: 'train.py',
  pid: process.pid,
  mode: 'offline',
  settings: {},
  startTime: 1_700_000_000,
  ...overrides,
});

/** Distributes Omit over the record union so a record body can be written without run/seq. */
type RecordBody = RecordMessage extends infer R ? (R extends RecordMessage ? Omit<R, 'run' | 'seq'> : never) : never;

describe('RunStore and RecordWriter', () => {
  let db: Database.Database;
  let runs: RunStore;
  let writer: RecordWriter;
  let run: ActiveRun;

  beforeEach(() => {
    db = openDatabase(freshPath());
    runs = new RunStore(db);
    writer = new RecordWriter(db);
    run = runs.load(runs.create(runInfo()));
  });
  afterEach(() => db.close());

  /** Applies one record with the given seq inside a transaction. */
  const apply = (seq: number, body: RecordBody): ApplyOutcome =>
    db.transaction(() => {
      const outcome = writer.apply(run, { ...body, run: run.pk, seq } as RecordMessage);
      writer.flushPending();
      return outcome;
    })();

  const history = (seq: number, step: number, data: Record<string, unknown>) =>
    apply(seq, { t: 'history', step, ts: 1_700_000_000 + step, runtime: step, data });

  const historyRows = () => db.prepare('SELECT line_no, step, line FROM history WHERE run_pk = ? ORDER BY line_no').all(run.pk) as { line_no: number; step: number; line: string }[];

  it('creates a running run and loads its initial state', () => {
    const row = runs.get(run.pk);
    assert.equal(row?.state, 'running');
    assert.equal(row?.run_id, 'unit-run');
    assert.equal(runs.find(null, 'proj', 'unit-run')?.pk, run.pk);
    assert.equal(runs.find('other', 'proj', 'unit-run'), undefined);
    assert.equal(run.lastSeq, 0);
    assert.equal(run.lastStep, -1);
    assert.equal(run.historyLines, 0);
    assert.deepEqual(run.config, { lr: 0.1, batch: 32 });
    assert.deepEqual(run.summary, {});
  });

  it('stores history rows as W&B lines with _step, _runtime and _timestamp', () => {
    assert.deepEqual(history(1, 0, { loss: 0.5 }), { kind: 'stored' });
    assert.deepEqual(history(2, 3, { loss: NaN, acc: { train: 1 } }), { kind: 'stored' });
    const rows = historyRows();
    assert.deepEqual(rows.map((r) => [r.line_no, r.step]), [[0, 0], [1, 3]]);
    assert.deepEqual(parseWandbJson(rows[0]!.line), { loss: 0.5, _step: 0, _runtime: 0, _timestamp: 1_700_000_000 });
    const second = parseWandbJson(rows[1]!.line) as Record<string, unknown>;
    assert.ok(Number.isNaN(second.loss));
    assert.deepEqual(second.acc, { train: 1 });
    assert.equal(run.lastSeq, 2);
    assert.equal(run.lastStep, 3);
    assert.equal(run.historyLines, 2);
  });

  it('reports a seq already stored as a duplicate and stores nothing', () => {
    history(1, 0, { x: 1 });
    history(2, 1, { x: 2 });
    assert.deepEqual(history(2, 2, { x: 3 }), { kind: 'duplicate' });
    assert.deepEqual(history(1, 5, { x: 4 }), { kind: 'duplicate' });
    assert.equal(historyRows().length, 2);
    assert.equal(run.lastSeq, 2);
    assert.equal(run.lastStep, 1);
    assert.equal(run.summary.x, 2);
  });

  it('drops a history row whose step is not after the last step and counts it', () => {
    history(1, 5, { x: 1 });
    const same = history(2, 5, { x: 2 });
    assert.equal(same.kind, 'dropped');
    assert.ok(same.kind === 'dropped' && /step 5/.test(same.reason));
    assert.equal(history(3, 2, { x: 3 }).kind, 'dropped');
    assert.equal(run.droppedRows, 2);
    assert.equal(run.lastSeq, 3, 'a dropped record still consumes its seq');
    assert.equal(run.lastStep, 5);
    assert.equal(historyRows().length, 1);
    assert.equal(run.summary.x, 1);
    assert.deepEqual(history(4, 6, { x: 4 }), { kind: 'stored' });
  });

  it('adds the rows of a dropped record to the same counter, once per seq, and flushes it', () => {
    history(1, 5, { x: 1 });
    history(2, 5, { x: 2 }); // dropped here
    assert.deepEqual(apply(3, { t: 'dropped', rows: 4, step: 3, currentStep: 5 }), { kind: 'stored' });
    assert.deepEqual(apply(3, { t: 'dropped', rows: 4, step: 3, currentStep: 5 }), { kind: 'duplicate' });
    assert.deepEqual(apply(2, { t: 'dropped', rows: 9, step: 0, currentStep: 5 }), { kind: 'duplicate' });
    assert.equal(run.droppedRows, 5);
    assert.equal(run.lastSeq, 3);
    assert.equal(run.lastStep, 5, 'a report changes no step');
    apply(4, { t: 'dropped', rows: Number.MAX_SAFE_INTEGER, step: 0, currentStep: 5 });
    assert.equal(run.droppedRows, Number.MAX_SAFE_INTEGER, 'saturates instead of leaving the safe integers');
    runs.flush(run);
    assert.equal(runs.get(run.pk)?.dropped_rows, Number.MAX_SAFE_INTEGER);
  });

  it('updates the summary automatically from history', () => {
    history(1, 0, { loss: 3, acc: { train: 0.5 } });
    history(2, 1, { loss: 2 });
    assert.equal(run.summary.loss, 2);
    assert.deepEqual(run.summary.acc, { train: 0.5 });
    assert.equal(run.summary._step, 1);
    assert.equal(run.summaryDirty, true);
  });

  it('pins keys set by an explicit summary; removing a key unpins it', () => {
    history(1, 0, { loss: 3, acc: 0.1 });
    apply(2, { t: 'summary', set: { loss: 42, best: { epoch: 3 } }, remove: [] });
    assert.ok(run.pinned.has(pathKey(['loss'])));
    assert.ok(run.pinned.has(pathKey(['best', 'epoch'])));
    history(3, 1, { loss: 1, acc: 0.2, best: { epoch: 9 } });
    assert.equal(run.summary.loss, 42);
    assert.deepEqual(run.summary.best, { epoch: 3 });
    assert.equal(run.summary.acc, 0.2);

    apply(4, { t: 'summary', set: {}, remove: ['loss', 'best'] });
    assert.equal('loss' in run.summary, false);
    assert.equal('best' in run.summary, false);
    assert.equal(run.pinned.size, 0);
    history(5, 2, { loss: 0.5 });
    assert.equal(run.summary.loss, 0.5);
  });

  it('merges config keys and removes the listed ones', () => {
    apply(1, { t: 'config', set: { batch: 64, optimizer: { name: 'adam' } }, remove: ['lr', 'missing'] });
    assert.deepEqual(run.config, { batch: 64, optimizer: { name: 'adam' } });
    assert.equal(run.configDirty, true);
  });

  it('numbers console lines across records', () => {
    apply(1, { t: 'console', stream: 'stdout', ts: 10, lines: ['a', 'b'] });
    apply(2, { t: 'console', stream: 'stderr', ts: 11, lines: ['c'] });
    const lines = db.prepare('SELECT line_no, stream, ts, text FROM console WHERE run_pk = ? ORDER BY line_no').all(run.pk);
    assert.deepEqual(lines, [
      { line_no: 0, stream: 'stdout', ts: 10, text: 'a' },
      { line_no: 1, stream: 'stdout', ts: 10, text: 'b' },
      { line_no: 2, stream: 'stderr', ts: 11, text: 'c' },
    ]);
    assert.equal(run.consoleLines, 3);
  });

  it('stores a system sample as an events line with the system. prefix and _wandb: true', () => {
    apply(1, { t: 'system', ts: 1_700_000_100, runtime: 12.5, metrics: { cpu: 40, 'proc.memory.rssMB': 300, 'system.disk': 7 } });
    apply(2, { t: 'system', ts: 1_700_000_110, runtime: 22.5, metrics: { cpu: 41 } });
    const events = db.prepare('SELECT line_no, ts, line FROM events WHERE run_pk = ? ORDER BY line_no').all(run.pk) as { line_no: number; ts: number; line: string }[];
    assert.equal(events.length, 2);
    assert.deepEqual(events.map((e) => e.line_no), [0, 1]);
    assert.equal(events[0]!.ts, 1_700_000_100);
    assert.deepEqual(parseWandbJson(events[0]!.line), {
      _wandb: true,
      _timestamp: 1_700_000_100,
      _runtime: 12.5,
      'system.cpu': 40,
      'system.proc.memory.rssMB': 300,
      'system.disk': 7,
    });
    assert.equal(run.eventLines, 2);
  });

  it('stores metric definitions and applies them to later rows', () => {
    apply(1, { t: 'metric', name: 'loss', summary: ['min'] });
    history(2, 0, { loss: 3 });
    history(3, 1, { loss: 1 });
    history(4, 2, { loss: 2 });
    assert.deepEqual(run.summary.loss, { min: 1 });
    const stored = db.prepare('SELECT name, definition FROM metric_definitions WHERE run_pk = ?').all(run.pk) as { name: string; definition: string }[];
    assert.deepEqual(stored.map((s) => [s.name, JSON.parse(s.definition)]), [['loss', { name: 'loss', summary: ['min'] }]]);
  });

  it('upserts files and stores alerts', () => {
    apply(1, { t: 'file', path: 'media/a.png', localPath: '/tmp/a.png', policy: 'now' });
    apply(2, { t: 'file', path: 'media/a.png', localPath: '/tmp/b.png', policy: 'end', size: 3 });
    apply(3, { t: 'alert', title: 'hi', text: 'there', level: 'ERROR', waitDurationSeconds: 5 });
    assert.deepEqual(db.prepare('SELECT path, local_path, policy, size FROM files WHERE run_pk = ?').all(run.pk), [
      { path: 'media/a.png', local_path: '/tmp/b.png', policy: 'end', size: 3 },
    ]);
    assert.deepEqual(db.prepare('SELECT seq, title, text, level, wait_seconds FROM alerts WHERE run_pk = ?').all(run.pk), [
      { seq: 3, title: 'hi', text: 'there', level: 'ERROR', wait_seconds: 5 },
    ]);
  });

  it('rolls back the rows of a failed transaction, and a discarded buffer never reaches the next one', () => {
    assert.throws(() =>
      db.transaction(() => {
        writer.apply(run, { t: 'history', run: run.pk, seq: 1, step: 0, ts: 1, runtime: 0, data: { x: 1 } });
        writer.flushPending();
        writer.apply(run, { t: 'history', run: run.pk, seq: 2, step: 1, ts: 1, runtime: 0, data: { x: 2 } });
        throw new Error('boom');
      })(),
    );
    assert.equal(historyRows().length, 0);
    writer.discardPending();
    run = runs.load(run.pk); // memory back in line with the rolled-back disk
    history(1, 0, { x: 3 });
    assert.deepEqual(historyRows().map((r) => r.line), ['{"x":3,"_step":0,"_runtime":0,"_timestamp":1700000000}']);
  });

  it('inserts many history rows in multi-row statements with exact line numbers', () => {
    db.transaction(() => {
      for (let i = 0; i < 100; i += 1) writer.apply(run, { t: 'history', run: run.pk, seq: i + 1, step: i * 3, ts: 1, runtime: 0, data: { i } });
      writer.flushPending();
    })();
    const rows = historyRows();
    assert.equal(rows.length, 100);
    rows.forEach((row, i) => {
      assert.equal(row.line_no, i);
      assert.equal(row.step, i * 3);
      assert.equal((parseWandbJson(row.line) as { i: number }).i, i);
    });
  });

  it('flush writes counters, summary, pins, aggregates and config so that load returns the same state', () => {
    apply(1, { t: 'metric', name: 'train/*', summary: ['min', 'mean'] });
    history(2, 0, { 'train/loss': 4, acc: NaN, big: Infinity });
    history(3, 1, { 'train/loss': 2 });
    history(4, 1, { 'train/loss': 0 }); // dropped
    apply(5, { t: 'summary', set: { best: 7 }, remove: [] });
    apply(6, { t: 'config', set: { epochs: 10 }, remove: ['lr'] });
    apply(7, { t: 'console', stream: 'stdout', ts: 1, lines: ['x', 'y'] });
    apply(8, { t: 'system', ts: 1, runtime: 1, metrics: { cpu: 1 } });
    runs.flush(run);
    assert.equal(run.summaryDirty, false);
    assert.equal(run.configDirty, false);

    const loaded = runs.load(run.pk);
    assert.deepEqual(loaded, run);
    assert.equal(loaded.lastSeq, 8);
    assert.equal(loaded.lastStep, 1);
    assert.equal(loaded.historyLines, 2);
    assert.equal(loaded.consoleLines, 2);
    assert.equal(loaded.eventLines, 1);
    assert.equal(loaded.droppedRows, 1);
    assert.deepEqual(loaded.summary['train/loss'], { min: 2, mean: 3 });
    assert.ok(Number.isNaN(loaded.summary.acc));
    assert.equal(loaded.summary.big, Infinity);
    assert.deepEqual(loaded.config, { batch: 32, epochs: 10 });
    assert.ok(loaded.rules.has('train/*'));
  });

  it('a reloaded run continues where it left off', () => {
    apply(1, { t: 'metric', name: 'loss', summary: ['mean'] });
    history(2, 0, { loss: 1 });
    history(3, 1, { loss: 3 });
    runs.flush(run);
    run = runs.load(run.pk);
    assert.deepEqual(history(3, 2, { loss: 100 }), { kind: 'duplicate' });
    assert.equal(history(4, 1, { loss: 100 }).kind, 'dropped');
    assert.deepEqual(history(5, 2, { loss: 5 }), { kind: 'stored' });
    assert.deepEqual(run.summary.loss, { mean: 3 });
    assert.deepEqual(historyRows().map((r) => r.line_no), [0, 1, 2]);
  });

  it('keeps infinite aggregate values across flush and load', () => {
    apply(1, { t: 'metric', name: 'loss', summary: ['min'] });
    history(2, 0, { loss: Infinity });
    runs.flush(run);
    run = runs.load(run.pk);
    history(3, 1, { loss: 5 });
    assert.deepEqual(run.summary.loss, { min: 5 });
  });

  it('finishes and crashes runs', () => {
    assert.equal(runs.finish(run.pk, 0), 'finished');
    assert.equal(runs.get(run.pk)?.exit_code, 0);
    assert.equal(runs.crash(run.pk), false, 'only a running run can crash');
    const other = runs.create(runInfo({ runId: 'other' }));
    assert.equal(runs.finish(other, 3), 'failed');
    const third = runs.create(runInfo({ runId: 'third' }));
    assert.deepEqual(runs.listRunning().map((r) => r.pk), [third]);
    assert.equal(runs.crash(third), true);
    assert.equal(runs.get(third)?.state, 'crashed');
  });

  it('resume merges config keys and marks the run running again', () => {
    runs.finish(run.pk, 1);
    runs.resume(runs.get(run.pk)!, runInfo({ config: { batch: 128, extra: true } }), true);
    const row = runs.get(run.pk)!;
    assert.equal(row.state, 'running');
    assert.equal(row.exit_code, null);
    assert.equal(row.resume_count, 1);
    assert.deepEqual(runs.load(run.pk).config, { lr: 0.1, batch: 128, extra: true });
  });

  it('delete removes the run and everything it recorded', () => {
    history(1, 0, { x: 1 });
    apply(2, { t: 'console', stream: 'stdout', ts: 1, lines: ['a'] });
    runs.delete(run.pk);
    assert.equal(runs.get(run.pk), undefined);
    assert.equal(historyRows().length, 0);
    assert.equal((db.prepare('SELECT count(*) AS n FROM console').get() as { n: number }).n, 0);
  });
});
