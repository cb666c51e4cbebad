/** Run files (CreateRunFiles, signed PUT, download), key isolation and the JSON read API. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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

  it('history M4: first/min/max/last per bucket, NaN counted and sent as a string, windows, errors', async () => {
    const ys = ['5', '3', 'NaN', '8', '4', '2', '7', '1', '6', 'NaN'];
    const lines = ys.map((y, step) => `{"_step":${step},"loss":${y},"note":"n${step}"}`);
    await client.fileStream('admin/hist/m4', { files: { 'wandb-history.jsonl': { offset: 0, content: lines } } });
    const m4 = (query: string) => client.get(`/api/v1/runs/admin/hist/m4/history/m4?${query}`);
    const whole = await m4('key=loss&buckets=2');
    assert.equal(whole.status, 200);
    assert.deepEqual(whole.body, { key: 'loss', rawCount: 10, points: [[0, 5], [1, 3], [3, 8], [4, 4], [5, 2], [6, 7], [7, 1], [9, 'NaN']] });
    assert.deepEqual((await m4('key=loss&buckets=1&minStep=2&maxStep=5')).body, { key: 'loss', rawCount: 4, points: [[2, 'NaN'], [3, 8], [5, 2]] });
    assert.deepEqual((await m4('key=loss&buckets=1000')).body.points.length, 10, 'more buckets than steps: every point');
    assert.deepEqual((await m4('key=note&buckets=5')).body, { key: 'note', rawCount: 0, points: [] }, 'strings are no chart points');
    assert.deepEqual((await m4('key=absent&buckets=5')).body, { key: 'absent', rawCount: 0, points: [] });
    for (const bad of ['buckets=5', 'key=loss', 'key=loss&buckets=0', 'key=loss&buckets=x', 'key=loss&buckets=5&minStep=1.5']) assert.equal((await m4(bad)).status, 400, bad);
    assert.equal((await client.get('/api/v1/runs/admin/hist/nope/history/m4?key=loss&buckets=2')).status, 404);
  });

  it('serves /healthz without a key', async () => {
    const reply = await new WireClient(server.url, null).get('/healthz');
    assert.equal(reply.status, 200);
    assert.equal((await new WireClient(server.url, null).get('/api/v1/projects')).status, 401);
  });
});
