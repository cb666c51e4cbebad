/**
 * GraphQL conformance: the official clients' exact documents and variable shapes against a real
 * server on loopback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTempServer, type TempServer } from '../test-utils/temp-server.js';
import * as doc from '../test-utils/wandb-documents.js';
import { WireClient } from '../test-utils/wire-client.js';

describe('GraphQL conformance', () => {
  let server: TempServer;
  let client: WireClient;
  before(async () => {
    server = await startTempServer();
    client = new WireClient(server.url, server.adminKey);
  });
  after(() => server.close());

  const upsert = (vars: Record<string, unknown>, document = doc.UPSERT_BUCKET) => client.gql(document, { ...doc.nullUpsertVariables(), ...vars }, 'UpsertBucket');

  it('Viewer: good key, bad key (401, viewer null), missing key', async () => {
    const good = await client.gql(doc.VIEWER, {}, 'Viewer');
    assert.equal(good.status, 200);
    assert.deepEqual(good.body.data.viewer, { id: good.body.data.viewer.id, entity: 'admin', username: 'admin', email: null, flags: '{}', teams: { edges: [{ node: { name: 'admin' } }] } });
    const js = await client.gql(doc.VIEWER_JS, {}, 'Viewer');
    assert.equal(js.body.data.viewer.entity, 'admin');
    for (const key of [`local-${'x'.repeat(40)}`, null]) {
      const bad = await new WireClient(server.url, key).gql(doc.VIEWER, {}, 'Viewer');
      assert.equal(bad.status, 401);
      assert.deepEqual(bad.body.data, { viewer: null });
      assert.equal(typeof bad.body.errors[0].message, 'string');
    }
  });

  it('Python 0.17: probes and Viewer with serverInfo, without operationName', async () => {
    const probe = await client.gql(doc.PROBE_CAPABILITIES);
    assert.equal(probe.status, 200);
    const names = (type: string) => probe.body.data[type].fields.map((f: { name: string }) => f.name);
    assert.ok(names('QueryType').includes('serverInfo'));
    assert.ok(names('MutationType').includes('createRunFiles'));
    assert.ok(names('ServerInfoType').includes('cliVersionInfo') && names('ServerInfoType').includes('latestLocalVersionInfo'));
    const settings = await client.gql(doc.PROBE_SETTINGS);
    assert.ok(settings.body.data.ServerSettingsType.fields.length > 0);
    const viewer = await client.gql(doc.VIEWER_SERVER_INFO);
    assert.equal(viewer.body.data.viewer.entity, 'admin');
    assert.equal(typeof viewer.body.data.serverInfo.cliVersionInfo, 'object');
    assert.equal(viewer.body.data.serverInfo.latestLocalVersionInfo.outOfDate, false);
  });

  it('ServerFeaturesQuery advertises FILESTREAM_GZIP', async () => {
    const reply = await client.gql(doc.SERVER_FEATURES, {}, 'ServerFeaturesQuery');
    assert.deepEqual(reply.body.data.serverInfo.features, [{ name: 'FILESTREAM_GZIP', isEnabled: true }]);
  });

  it('UpsertBucket: Python wrapped config with _wandb, entity null → default, project created', async () => {
    const config = { lr: { value: 0.01 }, _wandb: { value: { t: { '1': [1, 5] }, m: [{ '1': 'loss' }], cli_version: '0.28.2' } } };
    const reply = await upsert({ name: 'py1', project: 'proj', config: JSON.stringify(config), tags: ['a'], groupName: 'g', jobType: 'train', host: 'h', program: 'train.py' });
    assert.equal(reply.status, 200);
    const { bucket, inserted } = reply.body.data.upsertBucket;
    assert.equal(inserted, true);
    assert.equal(bucket.name, 'py1');
    assert.equal(bucket.historyLineCount, 0);
    assert.deepEqual(bucket.project, { id: bucket.project.id, name: 'proj', entity: { id: bucket.project.entity.id, name: 'admin' } });
    assert.deepEqual(JSON.parse(bucket.config), config);
    const again = await upsert({ id: bucket.id, name: 'py1', project: 'proj', entity: 'admin', displayName: 'renamed' });
    assert.equal(again.body.data.upsertBucket.inserted, false);
    const run = (await client.get('/api/v1/runs/admin/proj/py1')).body;
    assert.equal(run.displayName, 'renamed');
    assert.deepEqual(run.tags, ['a']);
    assert.equal(run.group, 'g');
    assert.deepEqual(run.config, { lr: 0.01, _wandb: config._wandb.value });
  });

  it('UpsertBucket: older desc-wrapped config and serverSettings selection', async () => {
    const reply = await upsert({ name: 'py17', project: 'proj', config: JSON.stringify({ lr: { desc: null, value: 0.1 } }) }, doc.UPSERT_BUCKET_SETTINGS);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(reply.body.data.upsertBucket.serverSettings, { serverMessages: [] });
    assert.deepEqual(JSON.parse(reply.body.data.upsertBucket.bucket.config), { lr: { desc: null, value: 0.1 } });
  });

  it('UpsertBucket: @wandb/sdk plain config is stored wrapped', async () => {
    const reply = await client.gql(doc.UPSERT_BUCKET_JS, { name: 'js1', project: 'proj', entity: 'admin', config: JSON.stringify({ lr: 0.1, layers: [64, 32], opt: { name: 'adam' } }) });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(JSON.parse(reply.body.data.upsertBucket.bucket.config), { lr: { value: 0.1 }, layers: { value: [64, 32] }, opt: { value: { name: 'adam' } } });
  });

  it('UpsertBucket: partial later calls merge; null leaves fields unchanged', async () => {
    await upsert({ name: 'merge', project: 'proj', notes: 'n1', tags: ['x'], config: JSON.stringify({ a: { value: 1 } }) });
    await upsert({ name: 'merge', project: 'proj', config: JSON.stringify({ b: { value: 2 } }) });
    await upsert({ name: 'merge', project: 'proj', description: 'd', tags: ['y', 'z'] });
    const run = (await client.get('/api/v1/runs/admin/proj/merge')).body;
    assert.deepEqual(run.config, { a: 1, b: 2 });
    assert.equal(run.notes, 'n1');
    assert.equal(run.description, 'd');
    assert.deepEqual(run.tags, ['y', 'z']);
  });

  it('UpsertBucket into an entity the key does not belong to is a GraphQL error (HTTP 200)', async () => {
    server.createUser('other');
    const reply = await upsert({ name: 'x', project: 'proj', entity: 'other' });
    assert.equal(reply.status, 200);
    assert.match(reply.body.errors[0].message, /permission denied/);
  });

  it('unknown operations and invalid documents are HTTP 200 with errors', async () => {
    const unknown = await client.gql('query Nope { nope { id } }', {}, 'Nope');
    assert.equal(unknown.status, 200);
    assert.ok(unknown.body.errors.length > 0);
    const garbage = await client.gql('this is not graphql');
    assert.equal(garbage.status, 200);
    assert.ok(garbage.body.errors.length > 0);
  });

  it('RunResumeStatus: bucket null for a missing run; every field non-null for an existing one', async () => {
    const missing = await client.gql(doc.RUN_RESUME_STATUS, { project: 'proj', entity: 'admin', name: 'nope' }, 'RunResumeStatus');
    assert.equal(missing.body.data.model.bucket, null);
    await upsert({ name: 'res', project: 'proj', config: JSON.stringify({ lr: { value: 1 } }) });
    await client.fileStream('admin/proj/res', {
      files: {
        'wandb-history.jsonl': { offset: 0, content: ['{"_step":0,"loss":1.5,"_runtime":1}', '{"_step":1,"loss":NaN,"_runtime":2}'] },
        'wandb-events.jsonl': { offset: 0, content: ['{"_wandb":true,"system.cpu":3}'] },
        'wandb-summary.json': { offset: 0, content: ['{"loss":NaN,"_step":1}'] },
        'output.log': { offset: 0, content: ['2024-01-01T00:00:00.000000 hi'] },
      },
    });
    for (const document of [doc.RUN_RESUME_STATUS, doc.RUN_RESUME_STATUS_17]) {
      const reply = await client.gql(document, { project: 'proj', entity: 'admin', name: 'res' });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      const bucket = reply.body.data.model.bucket;
      for (const [field, value] of Object.entries(bucket)) assert.notEqual(value, null, field);
      assert.equal(bucket.historyLineCount, 2);
      assert.equal(bucket.eventsLineCount, 1);
      assert.equal(bucket.logLineCount, 1);
      const tail = JSON.parse(bucket.historyTail) as string[];
      assert.ok(tail.every((line) => typeof line === 'string'));
      assert.match(tail[tail.length - 1]!, /"_step":1/);
      assert.deepEqual(JSON.parse(bucket.eventsTail), ['{"_wandb":true,"system.cpu":3}']);
      assert.match(bucket.summaryMetrics, /NaN/);
      assert.deepEqual(JSON.parse(bucket.config), { lr: { value: 1 } });
      if ('wandbConfig' in bucket) assert.ok('t' in JSON.parse(bucket.wandbConfig));
    }
  });

  it('RunStoppedStatus follows the stop API; null project or run reads as not stopped', async () => {
    await upsert({ name: 'stoppable', project: 'proj' });
    const vars = { projectName: 'proj', entityName: 'admin', runId: 'stoppable' };
    assert.equal((await client.gql(doc.RUN_STOPPED_STATUS, vars)).body.data.project.run.stopped, false);
    assert.equal((await client.post('/api/v1/runs/admin/proj/stoppable/stop')).status, 200);
    assert.equal((await client.gql(doc.RUN_STOPPED_STATUS, vars, 'RunStoppedStatus')).body.data.project.run.stopped, true);
    assert.equal((await client.gql(doc.RUN_STOPPED_STATUS, { ...vars, runId: 'zzz' })).body.data.project.run, null);
    assert.equal((await client.gql(doc.RUN_STOPPED_STATUS, { ...vars, projectName: 'zzz' })).body.data.project, null);
  });

  it('@wandb/sdk RunUploadUrls returns signed upload URLs', async () => {
    await upsert({ name: 'jsfiles', project: 'proj' });
    const reply = await client.gql(doc.RUN_UPLOAD_URLS, { name: 'proj', entity: 'admin', run: 'jsfiles', files: ['config.yaml'], description: null });
    const files = reply.body.data.model.bucket.files;
    assert.deepEqual(files.uploadHeaders, []);
    assert.equal(files.edges[0].node.name, 'config.yaml');
    assert.match(files.edges[0].node.url, new RegExp(`^${server.url}/upload/`));
  });
});
