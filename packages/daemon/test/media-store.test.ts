/**
 * Media files and custom charts without a daemon: migration 0040 (blobs, blob-backed `files` rows,
 * `charts`), the record writer storing media content-addressed (once per sha256, whatever the path or
 * run; a sha256 mismatch refused; contents no file points at deleted), charts by key, the config's
 * `_wandb.visualize`, and the syncer uploading blob-backed files from SQLite (turn by turn, against the
 * fake W&B server): PUT bytes, `uploaded`, retries, no second upload of a version, never other bytes
 * from a blob row id reused after a planned upload, config re-sent on a new chart.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { RecordMessage } from '@wandb-daemon/protocol';
import Database from 'better-sqlite3';
import type { ActiveRun } from '../src/store/active-run.js';
import { migrate, MIGRATIONS } from '../src/store/migrations/index.js';
import { openDatabase } from '../src/store/open-database.js';
import { RecordWriter, type ApplyOutcome } from '../src/store/record-writer.js';
import { RunStore } from '../src/store/run-store.js';
import { visualizeEntry, wrapConfig } from '../src/sync/wire-format.js';
import { FakeWandbServer, type RecordedRequest } from '../test-utils/fake-wandb-server.js';
import { LINE_CHART, LINE_VISUALIZE, mediaBody, sha } from '../test-utils/media-fixtures.js';
import type { RecordBody } from '../test-utils/raw-client.js';
import { API_KEY } from '../test-utils/sync-env.js';
import { holdRequest, remoteRun, setState, turnsUntil } from '../test-utils/sync-harness.js';
import { tempDirs } from '../test-utils/temp-dirs.js';

const media = mediaBody;

const freshDir = tempDirs('wandb-daemon-media-');
const freshPath = () => join(freshDir(), 'db.sqlite');

describe('migration 0040', () => {
  it('keeps the files rows of an older database, which stay on disk; a row needs exactly one of a path and a blob', () => {
    const db = new Database(freshPath());
    try {
      db.pragma('foreign_keys = ON');
      migrate(db, MIGRATIONS.filter((m) => m.version <= 30));
      db.prepare(`INSERT INTO runs (run_id, project, state, start_time, created_at, updated_at, mode) VALUES ('old', 'p', 'finished', 0, 0, 0, 'offline')`).run();
      db.prepare(`INSERT INTO files (run_pk, path, local_path, policy, size, sha256, updated_at) VALUES (1, 'model.txt', '/data/model.txt', 'end', 7, NULL, 5)`).run();
      assert.deepEqual(migrate(db), [40]);
      assert.deepEqual(db.prepare('SELECT * FROM files').all(), [
        { run_pk: 1, path: 'model.txt', local_path: '/data/model.txt', blob_id: null, policy: 'end', size: 7, sha256: null, updated_at: 5 },
      ]);
      const insert = db.prepare(`INSERT INTO files (run_pk, path, local_path, blob_id, policy, updated_at) VALUES (1, ?, ?, ?, 'now', 0)`);
      assert.throws(() => insert.run('neither', null, null), /CHECK constraint failed/);
      db.prepare(`INSERT INTO blobs (sha256, size, created_at, data) VALUES (?, 1, 0, x'00')`).run('0'.repeat(64));
      assert.throws(() => insert.run('both', '/x', 1), /CHECK constraint failed/);
      assert.throws(() => insert.run('dangling', null, 99), /FOREIGN KEY constraint failed/);
      assert.deepEqual(db.pragma('foreign_key_check'), []);
    } finally {
      db.close();
    }
  });
});

describe('RecordWriter: media and charts', () => {
  let db: Database.Database;
  let runs: RunStore;
  let writer: RecordWriter;

  beforeEach(() => {
    db = openDatabase(freshPath());
    runs = new RunStore(db);
    writer = new RecordWriter(db);
  });
  afterEach(() => db.close());

  const newRun = (runId: string): ActiveRun =>
    runs.load(runs.create({ runId, entity: null, project: 'p', name: null, group: null, jobType: null, tags: [], notes: null, config: {}, host: null, program: null, pid: process.pid, mode: 'offline', settings: {}, startTime: 0 }));
  const apply = (run: ActiveRun, body: RecordBody): ApplyOutcome =>
    db.transaction(() => writer.apply(run, { ...body, run: run.pk, seq: run.lastSeq + 1 } as RecordMessage))();
  const blobs = () => db.prepare('SELECT id, sha256, size, data FROM blobs ORDER BY id').all() as { id: number; sha256: string; size: number; data: Buffer }[];
  const files = (run: ActiveRun) => db.prepare('SELECT path, local_path, blob_id, policy, size, sha256 FROM files WHERE run_pk = ? ORDER BY path').all(run.pk);

  it('stores the same bytes once, whatever the path or the run', () => {
    const png = Buffer.from('\x89PNG fake image bytes');
    const a = newRun('a');
    const b = newRun('b');
    assert.deepEqual(apply(a, media('media/images/x_0.png', png)), { kind: 'stored' });
    assert.deepEqual(apply(a, media('media/images/x_0.png', png)), { kind: 'stored' });
    assert.deepEqual(apply(a, media('media/images/y_1.png', png)), { kind: 'stored' });
    assert.deepEqual(apply(b, media('media/images/x_0.png', png)), { kind: 'stored' });
    const stored = blobs();
    assert.equal(stored.length, 1);
    assert.deepEqual([stored[0]!.sha256, stored[0]!.size], [sha(png), png.length]);
    assert.ok(stored[0]!.data.equals(png));
    const row = { local_path: null, blob_id: stored[0]!.id, policy: 'now', size: png.length, sha256: sha(png) };
    assert.deepEqual(files(a), [{ path: 'media/images/x_0.png', ...row }, { path: 'media/images/y_1.png', ...row }]);
    assert.deepEqual(files(b), [{ path: 'media/images/x_0.png', ...row }]);
  });

  it('refuses bytes whose sha256 is not the one stated, storing nothing, and goes on', () => {
    const run = newRun('bad');
    const bytes = Buffer.from('real bytes');
    const outcome = apply(run, media('media/images/z.png', bytes, sha(Buffer.from('other bytes'))));
    assert.equal(outcome.kind, 'dropped');
    assert.match(outcome.kind === 'dropped' ? outcome.reason : '', new RegExp(`^media media/images/z\\.png refused: its bytes have sha256 ${sha(bytes)}, the record says ${sha(Buffer.from('other bytes'))}$`));
    assert.equal(run.lastSeq, 1, 'a refused record still consumes its seq');
    assert.deepEqual(blobs(), []);
    assert.deepEqual(files(run), []);
    assert.deepEqual(apply(run, media('media/images/z.png', bytes)), { kind: 'stored' });
    assert.equal(blobs().length, 1);
  });

  it('hashes only new bytes: a record naming stored content points at the stored bytes, whatever it carries', () => {
    const run = newRun('again');
    const png = Buffer.from('\x89PNG stored once');
    assert.deepEqual(apply(run, media('media/images/a_0.png', png)), { kind: 'stored' });
    // Another copy that differs (a client bug): the stored bytes of that sha256 stay the file's.
    assert.deepEqual(apply(run, media('media/images/a_1.png', Buffer.from('not the same bytes at all'), sha(png))), { kind: 'stored' });
    const stored = blobs();
    assert.equal(stored.length, 1);
    assert.ok(stored[0]!.data.equals(png));
    assert.deepEqual((files(run) as { path: string; size: number; sha256: string }[]).map((f) => [f.path, f.size, f.sha256]), [
      ['media/images/a_0.png', png.length, sha(png)],
      ['media/images/a_1.png', png.length, sha(png)],
    ]);
  });

  it('deletes a content no file points at any more: path logged again with other bytes, replaced by a file on disk, run deleted', () => {
    const one = Buffer.from('one');
    const two = Buffer.from('two');
    const a = newRun('a');
    const b = newRun('b');
    apply(a, media('media/t/x.json', one));
    apply(a, media('media/t/x.json', two));
    assert.deepEqual(blobs().map((blob) => blob.sha256), [sha(two)], 'the first content, no longer pointed at, is gone');
    apply(b, media('media/t/shared.json', two));
    apply(a, { t: 'file', path: 'media/t/x.json', localPath: '/tmp/x.json', policy: 'end' });
    assert.deepEqual(files(a), [{ path: 'media/t/x.json', local_path: '/tmp/x.json', blob_id: null, policy: 'end', size: null, sha256: null }]);
    assert.deepEqual(blobs().map((blob) => blob.sha256), [sha(two)], 'still pointed at by run b');
    apply(a, media('media/t/y.json', one));
    runs.delete(a.pk);
    assert.deepEqual(blobs().map((blob) => blob.sha256), [sha(two)], 'run a\'s content went with it; run b\'s stayed');
    runs.delete(b.pk);
    assert.deepEqual(blobs(), []);
  });

  it('stores one chart per key, a later one replacing it', () => {
    const run = newRun('charts');
    apply(run, { t: 'chart', ...LINE_CHART });
    apply(run, { t: 'chart', ...LINE_CHART, key: 'other', tableKey: 'other_table' });
    apply(run, { t: 'chart', ...LINE_CHART, stringFields: { title: 'Loss (v2)' } });
    assert.deepEqual(db.prepare('SELECT key, panel_def_id, table_key, fields, string_fields FROM charts WHERE run_pk = ? ORDER BY key').all(run.pk), [
      { key: 'loss-chart', panel_def_id: 'wandb/line/v0', table_key: 'loss-chart_table', fields: '{"x":"step","y":"loss"}', string_fields: '{"title":"Loss (v2)"}' },
      { key: 'other', panel_def_id: 'wandb/line/v0', table_key: 'other_table', fields: '{"x":"step","y":"loss"}', string_fields: '{"title":"Loss"}' },
    ]);
  });
});

describe('_wandb.visualize', () => {
  it('is W&B\'s Vega2 panel per chart key, and absent without charts', () => {
    assert.deepEqual(visualizeEntry(LINE_CHART), LINE_VISUALIZE);
    // Key order matters to the config hash and is W&B's.
    assert.equal(JSON.stringify(visualizeEntry(LINE_CHART)), JSON.stringify(LINE_VISUALIZE));
    assert.deepEqual(wrapConfig({ lr: 1 }, [], {}, [LINE_CHART]), { lr: { value: 1 }, _wandb: { value: { t: {}, m: [], visualize: { 'loss-chart': LINE_VISUALIZE } } } });
    assert.deepEqual(wrapConfig({ lr: 1 }, [], {}), { lr: { value: 1 }, _wandb: { value: { t: {}, m: [] } } });
    const odd = wrapConfig({}, [], {}, [{ ...LINE_CHART, key: '__proto__' }]) as { _wandb: { value: { visualize: Record<string, unknown> } } };
    assert.deepEqual(Object.keys(odd._wandb.value.visualize), ['__proto__']);
  });
});

describe('sync of media from the database', () => {
  const fake = new FakeWandbServer(API_KEY);
  before(() => fake.listen());
  after(() => fake.close());

  const putsOf = (path: string) => fake.requests.filter((r) => r.method === 'PUT' && decodeURIComponent(r.path).includes(`/${path}?`));
  /** A harness run with a writer on the same database, to log records as ingest does. */
  function mediaRun(runId: string) {
    const harness = remoteRun(fake, { runId });
    const runs = new RunStore(harness.db);
    const writer = new RecordWriter(harness.db);
    const active = runs.load(harness.pk);
    const log = (body: RecordBody) => harness.db.transaction(() => {
      writer.apply(active, { ...body, run: active.pk, seq: active.lastSeq + 1 } as RecordMessage);
      runs.flush(active);
    })();
    return { ...harness, log };
  }

  it('uploads a blob-backed file once per version (CreateRunFiles, PUT of the bytes, `uploaded`), retrying a failed PUT', async () => {
    const { db, pk, store, syncer, log } = mediaRun('media-sync');
    const bytes = Buffer.alloc(700 * 1024);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 31) % 256;
    const path = 'media/images/big_0_abc.png';
    const failing = { status: 503, times: 2, match: (r: RecordedRequest) => r.method === 'PUT' && r.path.includes('/big_0_abc.png') };
    fake.faults.push(failing);
    log(media(path, bytes));
    await turnsUntil(syncer, () => fake.run('media-sync')?.uploaded.includes(path) === true, 100);
    assert.equal(failing.times, 0, 'the PUT was retried after failing');
    assert.equal(putsOf(path).length, 3);
    assert.ok(fake.run('media-sync')!.uploads.get(path)!.equals(bytes), 'PUT bytes differ');
    assert.ok(fake.operations('CreateRunFiles').some((r) => r.body.variables.run === 'media-sync' && r.body.variables.files.includes(path)));
    assert.deepEqual(db.prepare('SELECT version, reported FROM sync_files WHERE run_pk = ? AND path = ?').get(pk, path), { version: sha(bytes), reported: 1 });
    // Logged again, same bytes (a replay, a resumed run): the version is uploaded, nothing is sent again.
    log(media(path, bytes));
    setState(db, pk, 'finished', 0);
    await turnsUntil(syncer, () => store.load(pk)!.done === 1, 100);
    assert.equal(putsOf(path).length, 3);
    assert.equal(fake.run('media-sync')!.uploaded.filter((p) => p === path).length, 1);
    db.close();
  });

  it('never PUTs other bytes when the blob of a planned upload is deleted and its row id reused meanwhile', async () => {
    const { db, syncer, log } = mediaRun('media-reused-id');
    const blobId = (bytes: Buffer) => (db.prepare('SELECT id FROM blobs WHERE sha256 = ?').get(sha(bytes)) as { id: number } | undefined)?.id;
    const first = Buffer.from('the first bytes, replaced before their PUT');
    const other = Buffer.from('other bytes, stored in the row the first ones freed');
    const path = 'media/images/first_0.png';
    const otherPath = 'media/images/other_1.png';
    log(media(path, first));
    const firstId = blobId(first);
    // The upload round of `path` is planned (its CreateRunFiles sent), its PUT not yet made.
    const { inFlight, release } = await holdRequest(fake, syncer, (req) => req.operationName === 'CreateRunFiles' && req.body.variables.files.includes(path));
    // Meanwhile the path is logged as a file on disk (its blob, the only one, is deleted) and other
    // bytes are stored at another path, in the freed row id.
    log({ t: 'file', path, localPath: join(freshDir(), 'no-such-file.png'), policy: 'now' });
    log(media(otherPath, other));
    assert.equal(blobId(first), undefined);
    assert.equal(blobId(other), firstId, 'the freed row id is reused (otherwise this test proves nothing)');
    release();
    await inFlight;
    await turnsUntil(syncer, () => fake.run('media-reused-id')?.uploaded.includes(otherPath) === true);
    assert.deepEqual(putsOf(path), [], 'the other bytes were PUT under the replaced file');
    assert.ok(fake.run('media-reused-id')!.uploads.get(otherPath)!.equals(other));
    assert.equal(fake.run('media-reused-id')!.uploaded.includes(path), false);
    db.close();
  });

  it('sends the config again when a chart is added or replaced, and writes it into config.yaml', async () => {
    const { db, pk, store, syncer, log } = mediaRun('chart-sync');
    const upserts = () => fake.operations('UpsertBucket').filter((r) => r.body.variables.name === 'chart-sync');
    await turnsUntil(syncer, () => upserts().length === 1 && store.load(pk)!.upserted === 1);
    assert.equal(JSON.parse(upserts()[0]!.body.variables.config)._wandb.value.visualize, undefined);
    log({ t: 'chart', ...LINE_CHART });
    await turnsUntil(syncer, () => upserts().length === 2);
    const config = JSON.parse(upserts()[1]!.body.variables.config);
    assert.deepEqual(config._wandb.value.visualize, { 'loss-chart': LINE_VISUALIZE });
    assert.equal(upserts()[1]!.body.variables.tags, null, 'a config-only UpsertBucket');
    log({ t: 'chart', ...LINE_CHART, stringFields: { title: 'Loss (v2)' } });
    await turnsUntil(syncer, () => upserts().length === 3);
    assert.deepEqual(JSON.parse(upserts()[2]!.body.variables.config)._wandb.value.visualize['loss-chart'].panel_config.stringSettings, { title: 'Loss (v2)' });
    setState(db, pk, 'finished', 0);
    await turnsUntil(syncer, () => store.load(pk)!.done === 1, 100);
    assert.equal(upserts().length, 3, 'no config change, no UpsertBucket');
    const yaml = fake.run('chart-sync')!.uploads.get('config.yaml')!.toString();
    assert.match(yaml, /\n {4}visualize:\n {6}loss-chart:\n {8}panel_type: Vega2\n {8}panel_config:\n {10}panelDefId: wandb\/line\/v0\n/);
    assert.match(yaml, /title: Loss \(v2\)/);
    db.close();
  });
});
