/** Run files (CreateRunFiles, signed PUT, download), key isolation and the JSON read API. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTempServer, type TempServer } from '../test-utils/temp-server.js';
import * as doc from '../test-utils/wandb-documents.js';
import { WireClient } from '../test-utils/wire-client.js';

describe('files and the read API', () => {
  let server: TempServer;
  let client: WireClient;
  before(async () => {
    server = await startTempServer();
    client = new WireClient(server.url, server.adminKey);
  });
  after(() => server.close());

  const createRunFiles = (run: string, files: string[]) => client.gql(doc.CREATE_RUN_FILES, { entity: 'admin', project: 'files', run, files }, 'CreateRunFiles');

  it('CreateRunFiles → PUT without auth → listed and downloadable; re-PUT replaces', async () => {
    const reply = await createRunFiles('f1', ['config.yaml', 'media/images/img_0_abc.png']);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const { runID, uploadHeaders, files } = reply.body.data.createRunFiles;
    assert.equal(typeof runID, 'string');
    assert.deepEqual(uploadHeaders, []);
    assert.deepEqual(files.map((f: { name: string }) => f.name), ['config.yaml', 'media/images/img_0_abc.png']);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    for (const [i, body] of [Buffer.from('wandb_version: 1\n'), png].entries()) {
      assert.match(files[i].uploadUrl, new RegExp(`^${server.url}/upload/`));
      const put = await fetch(files[i].uploadUrl, { method: 'PUT', body, headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(put.status, 200);
    }
    await client.fileStream('admin/files/f1', { uploaded: ['config.yaml', 'media/images/img_0_abc.png'] });
    const detail = (await client.get('/api/v1/runs/admin/files/f1')).body;
    assert.deepEqual(detail.files.map((f: { path: string; size: number; uploaded: boolean }) => [f.path, f.size, f.uploaded]), [['config.yaml', 17, true], ['media/images/img_0_abc.png', 7, true]]);
    const image = await client.getBytes('/api/v1/runs/admin/files/f1/files/media/images/img_0_abc.png');
    assert.equal(image.status, 200);
    assert.equal(image.contentType, 'image/png');
    assert.deepEqual(image.bytes, png);
    await fetch(files[0].uploadUrl, { method: 'PUT', body: 'wandb_version: 1\nlr: 2\n' });
    const yaml = await client.getBytes('/api/v1/runs/admin/files/f1/files/config.yaml');
    assert.equal(yaml.bytes.toString(), 'wandb_version: 1\nlr: 2\n');
    assert.equal(yaml.contentType, 'application/yaml');
    assert.equal((await client.getBytes('/api/v1/runs/admin/files/f1/files/nope.txt')).status, 404);
  });

  it('rejects bad or tampered tokens and traversal paths', async () => {
    const reply = await createRunFiles('f2', ['ok.txt']);
    const url: string = reply.body.data.createRunFiles.files[0].uploadUrl;
    const [payload, sig] = url.slice(url.lastIndexOf('/') + 1).split('.');
    const tampered = `${server.url}/upload/${Buffer.from(JSON.stringify([1, '../../escape', 9e12])).toString('base64url')}.${sig}`;
    assert.equal((await fetch(tampered, { method: 'PUT', body: 'x' })).status, 403);
    assert.equal((await fetch(`${server.url}/upload/${payload}.AAAA`, { method: 'PUT', body: 'x' })).status, 403);
    assert.equal((await fetch(`${server.url}/upload/garbage`, { method: 'PUT', body: 'x' })).status, 403);
    for (const bad of ['../escape.txt', '/etc/passwd', 'a/../../b']) {
      const refused = await createRunFiles('f2', [bad]);
      assert.equal(refused.status, 200);
      assert.ok(refused.body.errors?.length, bad);
    }
  });

  it('a key sees only its own entities', async () => {
    const bob = server.createUser('bob');
    const bobClient = new WireClient(server.url, bob.key);
    await bobClient.fileStream('bob/secret/r1', { files: { 'wandb-history.jsonl': { offset: 0, content: ['{"_step":0,"x":1}'] } } });
    await client.fileStream('admin/mine/r1', {});
    const bobProjects = (await bobClient.get('/api/v1/projects')).body.projects.map((p: { entity: string; name: string }) => `${p.entity}/${p.name}`);
    assert.deepEqual(bobProjects, ['bob/secret']);
    const adminProjects = (await client.get('/api/v1/projects')).body.projects.map((p: { entity: string }) => p.entity);
    assert.ok(!adminProjects.includes('bob'));
    assert.equal((await client.get('/api/v1/runs/bob/secret/r1')).status, 404);
    assert.equal((await client.get('/api/v1/runs/bob/secret')).status, 404);
    assert.equal((await client.get('/api/v1/runs/bob/secret/r1/history')).status, 404);
    assert.equal((await client.fileStream('bob/secret/r1', {})).status, 403);
    assert.equal((await client.gql(doc.RUN_RESUME_STATUS, { project: 'secret', entity: 'bob', name: 'r1' })).body.data.model, null);
    assert.equal((await bobClient.get('/api/v1/viewer')).body.entity, 'bob');
  });

  it('history by keys and step range, full rows, limits and paging', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ _step: i * 2, loss: 1 / (i + 1), acc: { train: i / 10 }, other: i, _runtime: i }));
    await client.fileStream('admin/hist/h', { files: { 'wandb-history.jsonl': { offset: 0, content: lines } } });
    const q = (query: string) => client.get(`/api/v1/runs/admin/hist/h/history?${query}`).then((r) => r.body);
    assert.deepEqual((await q('keys=loss,acc&minStep=4&maxStep=6')).rows, [
      { _step: 4, loss: 1 / 3, acc: { train: 0.2 } },
      { _step: 6, loss: 1 / 4, acc: { train: 0.3 } },
    ]);
    assert.deepEqual((await q('keys=acc.train&maxStep=2')).rows, [{ _step: 0, 'acc.train': 0 }, { _step: 2, 'acc.train': 0.1 }]);
    const page = await q('keys=other&limit=3');
    assert.deepEqual(page.rows.map((r: { _step: number }) => r._step), [0, 2, 4]);
    assert.equal(page.next, 5);
    const full = await q('minStep=38');
    assert.deepEqual(full.rows, [{ _step: 38, loss: 1 / 20, acc: { train: 1.9 }, other: 19, _runtime: 19 }]);
    assert.equal((await client.get('/api/v1/runs/admin/hist/h/history?minStep=x')).status, 400);
    const detail = (await client.get('/api/v1/runs/admin/hist/h')).body;
    assert.deepEqual(detail.historyKeys, ['_runtime', 'acc.train', 'loss', 'other']);
    assert.equal(detail.historyLineCount, 20);
    const runs = (await client.get('/api/v1/runs/admin/hist')).body.runs;
    assert.equal(runs.length, 1);
    assert.equal(runs[0].name, 'h');
  });

  it('history M4: raw points when few, else aligned M4 (first/min/max/last), NaN counted and sent as a string, windows with edge points, errors', async () => {
    const ys = ['5', '3', 'NaN', '8', '4', '2', '7', '1', '6', 'NaN'];
    const lines = ys.map((y, step) => `{"_step":${step},"_runtime":${step * 0.5},"loss":${y},"note":"n${step}"}`);
    await client.fileStream('admin/hist/m4', { files: { 'wandb-history.jsonl': { offset: 0, content: lines } } });
    const m4 = (query: string) => client.get(`/api/v1/runs/admin/hist/m4/history/m4?${query}`);
    const whole = await m4('key=loss&buckets=2');
    assert.equal(whole.status, 200);
    const all = [[0, 5], [1, 3], [2, 'NaN'], [3, 8], [4, 4], [5, 2], [6, 7], [7, 1], [8, 6], [9, 'NaN']];
    assert.deepEqual(whole.body, { key: 'loss', x: '_step', rawCount: 10, aggregated: false, bucketWidth: null, points: all }, 'at most raw (1000) points: every one');
    // Width 8 (the smallest power of two with 9 / w <= 2): buckets [0, 8) and [8, 16).
    assert.deepEqual((await m4('key=loss&buckets=2&raw=0')).body, { key: 'loss', x: '_step', rawCount: 10, aggregated: true, bucketWidth: 8, points: [[0, 5], [3, 8], [7, 1], [8, 6], [9, 'NaN']] });
    // Window [2, 5], width 4: [0, 4) and [4, 8); the nearest points outside come first and last.
    assert.deepEqual((await m4('key=loss&buckets=1&min=2&max=5&raw=0')).body, { key: 'loss', x: '_step', rawCount: 4, aggregated: true, bucketWidth: 4, points: [[1, 3], [2, 'NaN'], [3, 8], [4, 4], [5, 2], [6, 7]] });
    assert.deepEqual((await m4('key=loss&buckets=1&minStep=2&maxStep=5')).body, { key: 'loss', x: '_step', rawCount: 4, aggregated: false, bucketWidth: null, points: [[1, 3], [2, 'NaN'], [3, 8], [4, 4], [5, 2], [6, 7]] });
    assert.deepEqual((await m4('key=loss&buckets=5&min=-3&max=1.5')).body.points, [[0, 5], [1, 3], [2, 'NaN']], 'nothing before: only the point after');
    assert.deepEqual((await m4('key=loss&buckets=5&min=2.2&max=2.8')).body, { key: 'loss', x: '_step', rawCount: 0, aggregated: false, bucketWidth: null, points: [[2, 'NaN'], [3, 8]] }, 'an empty window still gets its edges');
    assert.deepEqual((await m4('key=loss&x=_runtime&buckets=2&raw=0')).body, { key: 'loss', x: '_runtime', rawCount: 10, aggregated: true, bucketWidth: 4, points: [[0, 5], [1.5, 8], [3.5, 1], [4, 6], [4.5, 'NaN']] });
    assert.deepEqual((await m4('key=loss&x=_runtime&buckets=10&min=1&max=2.5')).body, { key: 'loss', x: '_runtime', rawCount: 4, aggregated: false, bucketWidth: null, points: [[0.5, 3], [1, 'NaN'], [1.5, 8], [2, 4], [2.5, 2], [3, 7]] });
    assert.deepEqual((await m4('key=_runtime&x=loss&buckets=10')).body.points, [[1, 3.5], [2, 2.5], [3, 0.5], [4, 2], [5, 0], [6, 4], [7, 3], [8, 1.5]], 'any key as x; NaN x is no point');
    assert.deepEqual((await m4('key=note&buckets=5')).body, { key: 'note', x: '_step', rawCount: 0, aggregated: false, bucketWidth: null, points: [] }, 'strings are no chart points');
    assert.deepEqual((await m4('key=absent&buckets=5')).body, { key: 'absent', x: '_step', rawCount: 0, aggregated: false, bucketWidth: null, points: [] });
    assert.deepEqual((await m4('key=loss&x=absent&buckets=5')).body, { key: 'loss', x: 'absent', rawCount: 0, aggregated: false, bucketWidth: null, points: [] });
    assert.deepEqual((await m4('key=loss&x=note&buckets=5')).body.rawCount, 0, 'a string x is no x');
    const bad = ['buckets=5', 'key=loss', 'key=loss&buckets=0', 'key=loss&buckets=x', 'key=loss&buckets=100001', 'key=loss&buckets=5&minStep=1.5', 'key=loss&buckets=5&min=abc', 'key=loss&buckets=5&max=1e400', 'key=loss&buckets=5&min=0x10', 'key=loss&buckets=5&raw=-1', 'key=loss&buckets=5&raw=100001', 'key=loss&buckets=5&raw=1.5', 'key=loss&x=&buckets=5', 'key=loss&x=_runtime&buckets=5&minStep=1', 'key=loss&key=acc&buckets=5'];
    for (const query of bad) assert.equal((await m4(query)).status, 400, query);
    assert.equal((await client.get('/api/v1/runs/admin/hist/nope/history/m4?key=loss&buckets=2')).status, 404);
  });

  it('history M4 with smoothing: `smoothed` beside the points, over every point from the first, reduced the same way; errors', async () => {
    const ys = [5, 3, Number.NaN, 8, 4, 2, 7, 1, 6, Number.NaN];
    const lines = ys.map((y, step) => `{"_step":${step},"_runtime":${step * 0.5},"loss":${y}}`);
    await client.fileStream('admin/hist/smooth', { files: { 'wandb-history.jsonl': { offset: 0, content: lines } } });
    const m4 = (query: string) => client.get(`/api/v1/runs/admin/hist/smooth/history/m4?${query}`);
    // TensorBoard's EMA, w = 0.5: NaN passes through and leaves the state alone.
    let last = 0;
    let n = 0;
    const ema = ys.map((y) => (Number.isNaN(y) ? 'NaN' : ((last = last * 0.5 + 0.5 * y), (n += 1), last / (1 - 0.5 ** n))));
    const whole = await m4('key=loss&buckets=2&smoothing=0.5');
    assert.equal(whole.status, 200);
    assert.deepEqual(Object.keys(whole.body), ['key', 'x', 'rawCount', 'aggregated', 'bucketWidth', 'points', 'smoothed']);
    assert.deepEqual(whole.body.smoothed, ema.map((y, x) => [x, y]), 'every point: aggregated false');
    assert.equal(whole.body.smoothed[0][1], 5, 'debiased: the first smoothed value is the first value');
    // Window [2, 5]: the EMA runs from step 0; the edge points 1 and 6 get their smoothed values.
    const zoom = await m4('key=loss&buckets=1&min=2&max=5&smoothing=0.5');
    assert.deepEqual(zoom.body.smoothed, [1, 2, 3, 4, 5, 6].map((x) => [x, ema[x]]));
    // Aggregated: M4 of the smoothed values over the same buckets ([0, 8) and [8, 16)).
    const agg = await m4('key=loss&buckets=2&raw=0&smoothing=0.5');
    assert.equal(agg.body.aggregated, true);
    const inBucket = (lo: number, hi: number) => ema.map((y, x) => [x, y] as [number, number | string]).filter(([x, y]) => x >= lo && x < hi && y !== 'NaN') as [number, number][];
    const m4Of = (points: [number, number][], first: number, last: number) => {
      const min = points.reduce((a, b) => (b[1] < a[1] ? b : a));
      const max = points.reduce((a, b) => (b[1] > a[1] ? b : a));
      return [...new Set([first, min[0], max[0], last])].sort((a, b) => a - b).map((x) => [x, ema[x]]);
    };
    assert.deepEqual(agg.body.smoothed, [...m4Of(inBucket(0, 8), 0, 7), ...m4Of(inBucket(8, 16), 8, 9)]);
    assert.deepEqual((await m4('key=loss&x=_runtime&buckets=10&min=1&max=2.5&smoothing=0.5')).body.smoothed, [1, 2, 3, 4, 5, 6].map((x) => [x * 0.5, ema[x]]), 'any x axis');
    assert.deepEqual((await m4('key=absent&buckets=5&smoothing=0.5')).body.smoothed, []);
    for (const off of ['key=loss&buckets=2', 'key=loss&buckets=2&smoothing=0', 'key=loss&buckets=2&smoothing=']) assert.ok(!Object.hasOwn((await m4(off)).body, 'smoothed'), off);
    assert.equal((await m4('key=loss&buckets=2&smoothing=0.999')).status, 200);
    for (const bad of ['1', '-0.1', '1.5', 'abc', '0x1', 'Infinity', '0.5&smoothing=0.6']) assert.equal((await m4(`key=loss&buckets=2&smoothing=${bad}`)).status, 400, bad);
  });

  it('run detail decodes metric definitions from _wandb.m; malformed entries are skipped', async () => {
    // As Python's proto_encode_to_dict (and the daemon's encoder) write MetricRecords.
    const m = [
      { '1': 'epoch' },
      { '1': 'val/loss', '5': 1, '6': [3], '7': [1, 5], '8': 1 },
      { '2': 'train/*', '5': 1, '6': [1, 2, 3] },
      { '1': 'acc', '6': [3], '7': [2, 3, 4, 6, 7, 8], '8': 2 },
      { '1': 'old', '4': 'epoch' },
      5,
      'x',
      null,
      [],
      {},
      { '1': 7 },
      { '1': 'bad-index', '5': 99 },
      { '1': 'zero-index', '5': 0 },
      { '1': 'bad-options', '6': 'hidden' },
      { '1': 'bad-mode', '7': [42] },
      { '1': 'bad-goal', '8': 9 },
      { '1': 'to-malformed', '5': 6 },
    ];
    const config = JSON.stringify({ lr: { value: 0.1 }, _wandb: { value: { t: {}, m } } });
    const upsert = await client.gql(doc.UPSERT_BUCKET, { ...doc.nullUpsertVariables(), name: 'metrics', project: 'defs', config }, 'UpsertBucket');
    assert.equal(upsert.status, 200, JSON.stringify(upsert.body));
    const detail = (await client.get('/api/v1/runs/admin/defs/metrics')).body;
    assert.deepEqual(detail.metrics, [
      { name: 'epoch', glob: null, stepMetric: null, hidden: false, goal: null, summary: [] },
      { name: 'val/loss', glob: null, stepMetric: 'epoch', hidden: false, goal: 'minimize', summary: ['min', 'last'] },
      { name: null, glob: 'train/*', stepMetric: 'epoch', hidden: true, goal: null, summary: [] },
      { name: 'acc', glob: null, stepMetric: null, hidden: false, goal: 'maximize', summary: ['max', 'mean', 'best', 'none', 'copy', 'first'] },
      { name: 'old', glob: null, stepMetric: 'epoch', hidden: false, goal: null, summary: [] },
    ]);
    assert.deepEqual(detail.config, { lr: 0.1, _wandb: { t: {}, m } });
    for (const [name, bad] of [['not-a-list', { m: { '1': 'x' } }], ['no-wandb', null], ['wandb-not-object', 3]] as const) {
      const cfg = bad === null ? '{"lr":{"value":1}}' : JSON.stringify({ _wandb: { value: bad } });
      await client.gql(doc.UPSERT_BUCKET, { ...doc.nullUpsertVariables(), name, project: 'defs', config: cfg }, 'UpsertBucket');
      const reply = await client.get(`/api/v1/runs/admin/defs/${name}`);
      assert.equal(reply.status, 200, name);
      assert.deepEqual(reply.body.metrics, [], name);
    }
  });

  it('serves /healthz without a key', async () => {
    const reply = await new WireClient(server.url, null).get('/healthz');
    assert.equal(reply.status, 200);
    assert.equal((await new WireClient(server.url, null).get('/api/v1/projects')).status, 401);
  });
});

describe('uploads stream to disk', () => {
  const LIMIT = 1024 * 1024;
  let server: TempServer;
  let client: WireClient;
  before(async () => {
    server = await startTempServer({ maxUploadBytes: LIMIT });
    client = new WireClient(server.url, server.adminKey);
  });
  after(() => server.close());

  const uploadUrl = async (run: string, name: string): Promise<string> =>
    (await client.gql(doc.CREATE_RUN_FILES, { entity: 'admin', project: 'up', run, files: [name] }, 'CreateRunFiles')).body.data.createRunFiles.files[0].uploadUrl;
  /** Every file under the files dir, temp files included. */
  const storedFiles = () => readdirSync(join(server.dataDir, 'files'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  /** A body of `total` bytes sent in 64 KiB chunks with no Content-Length (chunked). */
  const chunked = (total: number) =>
    Readable.from((function* () {
      for (let sent = 0; sent < total; sent += 65536) yield Buffer.alloc(Math.min(65536, total - sent), 7);
    })());
  // A stream body needs `duplex: 'half'`, which Node's RequestInit type does not list.
  const put = (url: string, body: Buffer | Readable) => fetch(url, { method: 'PUT', body, ...(body instanceof Readable ? { duplex: 'half' } : {}) } as unknown as RequestInit);

  it('a body at the limit is stored with its size and sha256', async () => {
    const bytes = Buffer.alloc(LIMIT, 3);
    const reply = await put(await uploadUrl('u1', 'model.pt'), bytes);
    assert.equal(reply.status, 200);
    assert.deepEqual(await reply.json(), { size: LIMIT, sha256: createHash('sha256').update(bytes).digest('hex') });
    assert.deepEqual((await client.getBytes('/api/v1/runs/admin/up/u1/files/model.pt')).bytes, bytes);
  });

  it('over the limit is 413, by Content-Length or while streaming, and leaves no temp file', async () => {
    const url = await uploadUrl('u2', 'big.bin');
    const declared = await put(url, Buffer.alloc(LIMIT + 1));
    assert.equal(declared.status, 413);
    assert.match(((await declared.json()) as { errors: { message: string }[] }).errors[0]!.message, /larger than the limit/);
    // No Content-Length: the limit is found while streaming; the client still gets the 413.
    assert.equal((await put(url, chunked(LIMIT * 3))).status, 413);
    assert.deepEqual(storedFiles().filter((name) => name.startsWith('.tmp-')), []);
    assert.equal((await client.getBytes('/api/v1/runs/admin/up/u2/files/big.bin')).status, 404);
  });

  it('a client that goes away mid-body leaves no temp file and no file', async () => {
    const url = new URL(await uploadUrl('u4', 'cut.bin'));
    const req = httpRequest(url, { method: 'PUT', headers: { 'content-length': String(LIMIT) } });
    req.on('error', () => {});
    req.write(Buffer.alloc(100_000));
    await sleep(100);
    req.destroy();
    for (let i = 0; i < 20 && storedFiles().some((name) => name.startsWith('.tmp-')); i += 1) await sleep(50);
    assert.deepEqual(storedFiles().filter((name) => name.startsWith('.tmp-')), []);
    assert.equal((await client.getBytes('/api/v1/runs/admin/up/u4/files/cut.bin')).status, 404);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  it('a chunked body under the limit streams in', async () => {
    const reply = await put(await uploadUrl('u3', 'c.bin'), chunked(LIMIT - 10));
    assert.equal(reply.status, 200);
    assert.equal(((await reply.json()) as { size: number }).size, LIMIT - 10);
  });
});

describe('large uploads', () => {
  let server: TempServer;
  before(async () => {
    server = await startTempServer();
  });
  after(() => server.close());

  it('accepts a file larger than any request body (uploads are not buffered)', async () => {
    const client = new WireClient(server.url, server.adminKey);
    const url = (await client.gql(doc.CREATE_RUN_FILES, { entity: 'admin', project: 'up', run: 'big', files: ['ckpt.pt'] }, 'CreateRunFiles')).body.data.createRunFiles.files[0].uploadUrl;
    const bytes = Buffer.alloc(80 * 1024 * 1024, 1);
    const reply = await fetch(url, { method: 'PUT', body: bytes });
    assert.equal(reply.status, 200);
    assert.equal(((await reply.json()) as { size: number }).size, bytes.length);
  });
});
