/**
 * Media files and custom charts through a real daemon: media records over the socket stored once per
 * content; a sha256 mismatch or an oversize file refused with a notice while the rest of the batch is
 * stored and the connection stays up; `finish` durable for media (kill -9 right after the reply); an
 * online run's media uploaded from the database (CreateRunFiles, PUT, `uploaded`) and never again after a
 * restart, its chart in the UpsertBucket config as `_wandb.visualize`; an offline run's media and chart
 * uploaded by `wandb-daemon sync`.
 */
import assert from 'node:assert/strict';
import { MAX_MEDIA_BYTES } from '@wandb-daemon/protocol';
import Database from 'better-sqlite3';
import { describe, it } from 'node:test';
import { LINE_CHART, LINE_VISUALIZE, mediaBody, pseudoRandomBytes, sha } from '../test-utils/media-fixtures.js';
import { API_KEY, fakeAndDaemon, FAST_SYNC_ENV, remoteOf } from '../test-utils/sync-env.js';
import { waitFor, type TempDaemon } from '../test-utils/temp-daemon.js';
import type { FakeWandbServer } from '../test-utils/fake-wandb-server.js';

/** Runs `read` on the daemon's database (read-only while the daemon runs; WAL lets it read alongside). */
function inStore<T>(daemon: TempDaemon, read: (db: Database.Database) => T, readonly = true): T {
  const db = new Database(daemon.paths.database, { readonly, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const filesOf = (db: Database.Database, runId: string) =>
  db.prepare('SELECT f.path, f.blob_id, f.size, f.sha256, f.policy FROM files f JOIN runs r ON r.pk = f.run_pk WHERE r.run_id = ? ORDER BY f.path').all(runId) as { path: string; blob_id: number | null; size: number; sha256: string; policy: string }[];

/** The image path W&B gives a logged image: `media/images/<key>_<step>_<sha256[:20]>.png`. */
const imagePath = (key: string, step: number, bytes: Uint8Array) => `media/images/${key}_${step}_${sha(bytes).slice(0, 20)}.png`;

const putsOf = (fake: FakeWandbServer, path: string) => fake.requests.filter((r) => r.method === 'PUT' && decodeURIComponent(r.path).includes(`/${path}?`));

/** The `_wandb.visualize` of the UpsertBucket configs sent for `runId`, in order (undefined where none). */
const visualizeSent = (fake: FakeWandbServer, runId: string) =>
  fake.operations('UpsertBucket')
    .filter((r) => r.body.variables.name === runId && r.body.variables.config !== null)
    .map((r) => JSON.parse(r.body.variables.config)._wandb.value.visualize as unknown);

describe('media and charts through a real daemon', () => {
  const { fake, daemon } = fakeAndDaemon({ ...FAST_SYNC_ENV, NETRC: '/nonexistent/netrc' });

  it('stores media once per content over the socket; refuses a sha256 mismatch and an oversize file with notices, keeping the rest and the connection', async () => {
    const png = pseudoRandomBytes(200 * 1024, 1);
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'media-ingest' });
    const { run: other } = await client.startRun({ runId: 'media-ingest-2' });
    client.record(run, mediaBody('media/images/a.png', png));
    client.log(run, 0, { a: { _type: 'image-file', path: 'media/images/a.png', sha256: sha(png), size: png.length } });
    const badSeq = client.record(run, mediaBody('media/images/bad.png', png, sha(Buffer.from('not these bytes'))));
    client.record(run, mediaBody('media/images/a_copy.png', png));
    const oversizeSeq = client.record(run, mediaBody('media/images/huge.png', new Uint8Array(MAX_MEDIA_BYTES + 1)));
    client.record(run, { t: 'chart', ...LINE_CHART });
    client.log(run, 1, { after: true });
    client.record(other, mediaBody('media/images/a.png', png));
    const fin = await client.finish(run, 0);
    assert.equal(fin.rows, 2, 'rows before and after the refused records are stored');
    await client.finish(other, 0);
    const notices = [...client.notices].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    assert.deepEqual(notices.map((n) => [n.code, n.run, n.seq]), [['BAD_MESSAGE', run, badSeq], ['BAD_MESSAGE', run, oversizeSeq]]);
    assert.match(notices[0]!.message, new RegExp(`^media media/images/bad\\.png refused: its bytes have sha256 ${sha(png)}, the record says ${sha(Buffer.from('not these bytes'))}$`));
    assert.match(notices[1]!.message, /^invalid media record: bytes: a media file is at most 12582912 bytes/);
    // The connection is still up and the daemon still answers.
    assert.equal(client.closed, false);
    await client.status();
    inStore(daemon, (db) => {
      const blobs = db.prepare('SELECT id, sha256, size, data FROM blobs').all() as { id: number; sha256: string; size: number; data: Buffer }[];
      assert.equal(blobs.length, 1, 'the same bytes are stored once');
      assert.ok(blobs[0]!.data.equals(png));
      const row = { blob_id: blobs[0]!.id, size: png.length, sha256: sha(png), policy: 'now' };
      assert.deepEqual(filesOf(db, 'media-ingest'), [{ path: 'media/images/a.png', ...row }, { path: 'media/images/a_copy.png', ...row }]);
      assert.deepEqual(filesOf(db, 'media-ingest-2'), [{ path: 'media/images/a.png', ...row }]);
      assert.deepEqual(db.prepare('SELECT key, table_key FROM charts').all(), [{ key: 'loss-chart', table_key: 'loss-chart_table' }]);
    });
    await client.close();
  });

  it('finish is durable for media: killed with -9 right after the reply, the daemon lost nothing', async () => {
    const bytes = [pseudoRandomBytes(1024 * 1024, 2), pseudoRandomBytes(64 * 1024, 3), pseudoRandomBytes(10, 4)];
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'media-durable' });
    bytes.forEach((b, i) => client.record(run, mediaBody(imagePath('d', i, b), b)));
    client.record(run, { t: 'chart', ...LINE_CHART, key: 'durable' });
    // No wait for acks: the records and the finish go out together, the reply comes after their commit.
    const fin = await client.finish(run, 0);
    await daemon.kill9();
    assert.equal(fin.state, 'finished');
    inStore(daemon, (db) => {
      const stored = db.prepare('SELECT f.path, b.data FROM files f JOIN blobs b ON b.id = f.blob_id JOIN runs r ON r.pk = f.run_pk WHERE r.run_id = ? ORDER BY f.path').all('media-durable') as { path: string; data: Buffer }[];
      assert.deepEqual(stored.map((s) => s.path), bytes.map((b, i) => imagePath('d', i, b)).sort());
      for (const [i, b] of bytes.entries()) assert.ok(stored.find((s) => s.path === imagePath('d', i, b))!.data.equals(b), `bytes of file ${i}`);
      assert.deepEqual(db.prepare("SELECT key FROM charts WHERE key = 'durable'").all(), [{ key: 'durable' }]);
    }, false);
    await daemon.start();
    assert.equal((await daemon.http('/api/runs/media-durable')).body.state, 'finished');
  });

  it('uploads an online run\'s media from the database with its chart in the config; never again after a restart', async () => {
    const png = pseudoRandomBytes(300 * 1024, 5);
    const path = imagePath('sample', 0, png);
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'media-online', mode: 'online', config: { lr: 0.1 } }, 'overwrite', remoteOf(fake));
    client.record(run, mediaBody(path, png));
    client.log(run, 0, { sample: { _type: 'image-file', path, sha256: sha(png), size: png.length, format: 'png', width: 4, height: 4 }, loss: 1 });
    client.record(run, { t: 'chart', ...LINE_CHART });
    await client.finish(run, 0);
    await client.close();
    await waitFor(() => fake.run('media-online')?.complete === true, 30_000, 'complete');
    const stored = fake.run('media-online')!;
    assert.ok(fake.operations('CreateRunFiles').some((r) => r.body.variables.run === 'media-online' && r.body.variables.files.includes(path)), 'CreateRunFiles asked for the media path');
    assert.equal(putsOf(fake, path).length, 1);
    assert.ok(stored.uploads.get(path)?.equals(png), 'the PUT carried the logged bytes');
    assert.ok(stored.uploaded.includes(path), 'reported in file_stream `uploaded`');
    assert.deepEqual((stored.config!._wandb as { value: { visualize: unknown } }).value.visualize, { 'loss-chart': LINE_VISUALIZE });
    assert.deepEqual(visualizeSent(fake, 'media-online').at(-1), { 'loss-chart': LINE_VISUALIZE });
    assert.match(stored.uploads.get('config.yaml')!.toString(), /\n {4}visualize:\n {6}loss-chart:\n {8}panel_type: Vega2\n/);
    assert.match(fake.lines('media-online', 'wandb-history.jsonl')[0]!, new RegExp(`"path":"${path}"`));
    // The HTTP API and export still show the run and its row.
    assert.equal((await daemon.http('/api/runs/media-online')).body.sync.state, 'synced');
    const exported = await daemon.cli(['export', 'media-online']);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, new RegExp(`"_type":"image-file","path":"${path}"`));

    // Restart, resume the run, log the same file again and a new one: only the new one is PUT.
    await daemon.stop();
    await daemon.start();
    const png2 = pseudoRandomBytes(1000, 6);
    const path2 = imagePath('sample', 1, png2);
    const resumed = await daemon.client();
    const again = await resumed.startRun({ runId: 'media-online', mode: 'online' }, 'allow', remoteOf(fake));
    assert.equal(again.resumed, true);
    resumed.record(again.run, mediaBody(path, png));
    resumed.record(again.run, mediaBody(path2, png2));
    resumed.log(again.run, 1, { loss: 0.5 });
    await resumed.finish(again.run, 0);
    await resumed.close();
    const completes = () => fake.requests.filter((r) => r.path.includes('/media-online/file_stream') && r.body.complete === true).length;
    await waitFor(() => completes() >= 2, 30_000, 'the resumed run to complete');
    assert.ok(fake.run('media-online')!.uploads.get(path2)?.equals(png2));
    assert.ok(fake.run('media-online')!.uploaded.includes(path2));
    assert.equal(putsOf(fake, path2).length, 1);
    assert.equal(putsOf(fake, path).length, 1, 'the unchanged media file was uploaded again');
  });

  it('`wandb-daemon sync` uploads an offline run\'s media and sends its chart', async () => {
    const json = Buffer.from(JSON.stringify({ columns: ['step', 'loss'], data: [[0, 1], [1, 0.5]] }));
    const path = `media/table/loss-chart_table_1_${sha(json).slice(0, 20)}.table.json`;
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'media-offline', mode: 'offline' });
    client.record(run, mediaBody(path, json));
    client.record(run, { t: 'chart', ...LINE_CHART });
    client.log(run, 0, { 'loss-chart_table': { _type: 'table-file', path, sha256: sha(json), size: json.length, ncols: 2, nrows: 2 } });
    await client.finish(run, 0);
    await client.close();
    assert.equal(fake.run('media-offline'), undefined);
    Object.assign(daemon.env, { WANDB_BASE_URL: fake.url, WANDB_API_KEY: API_KEY });
    const result = await daemon.cli(['sync', 'media-offline']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^synced run media-offline \(project test\): 1 history rows, 0 console lines, 5 files$/m);
    const stored = fake.run('media-offline')!;
    assert.equal(stored.complete, true);
    assert.ok(stored.uploads.get(path)?.equals(json));
    assert.ok(stored.uploaded.includes(path));
    assert.equal(putsOf(fake, path).length, 1);
    assert.deepEqual(visualizeSent(fake, 'media-offline').at(-1), { 'loss-chart': LINE_VISUALIZE });
  });
});
