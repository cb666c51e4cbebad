/** file_stream semantics against a real server: lines, summary, states, stop, gzip, heartbeats. */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { startTempServer, type TempServer } from '../test-utils/temp-server.js';
import * as doc from '../test-utils/wandb-documents.js';
import { WireClient } from '../test-utils/wire-client.js';

describe('file_stream', () => {
  let server: TempServer;
  let client: WireClient;
  before(async () => {
    server = await startTempServer();
    client = new WireClient(server.url, server.adminKey);
  });
  after(() => server.close());

  const history = (offset: number, content: string[]) => ({ files: { 'wandb-history.jsonl': { offset, content } } });
  const run = (name: string) => client.get(`/api/v1/runs/admin/fs/${name}`).then((r) => r.body);

  it('stores history lines with NaN/Infinity tokens; a never-upserted run is created', async () => {
    const reply = await client.fileStream('admin/fs/nan', history(0, ['{"_step":0,"loss":NaN,"acc":Infinity,"neg":-Infinity,"nested":{"x":1}}']));
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, {});
    const rows = (await client.get('/api/v1/runs/admin/fs/nan/history')).body.rows;
    assert.deepEqual(rows, [{ _step: 0, loss: 'NaN', acc: 'Infinity', neg: '-Infinity', nested: { x: 1 } }]);
    const byKey = (await client.get('/api/v1/runs/admin/fs/nan/history?keys=loss,acc,neg')).body.rows;
    assert.deepEqual(byKey, [{ _step: 0, loss: 'NaN', acc: 'Infinity', neg: '-Infinity' }]);
    assert.equal((await run('nan')).state, 'running');
  });

  it('infers _step from the line index when the client omits it (@wandb/sdk)', async () => {
    await client.fileStream('admin/fs/nostep', history(0, ['{"a":1,"_runtime":0.1}', '{"a":2}']));
    await client.fileStream('admin/fs/nostep', history(2, ['{"a":3}']));
    const rows = (await client.get('/api/v1/runs/admin/fs/nostep/history?keys=a')).body.rows;
    assert.deepEqual(rows, [{ _step: 0, a: 1 }, { _step: 1, a: 2 }, { _step: 2, a: 3 }]);
  });

  it('stores a resent chunk once', async () => {
    const chunk = history(0, ['{"_step":0,"v":0}', '{"_step":1,"v":1}']);
    await client.fileStream('admin/fs/retry', chunk);
    await client.fileStream('admin/fs/retry', chunk);
    await client.fileStream('admin/fs/retry', history(1, ['{"_step":1,"v":1}', '{"_step":2,"v":2}']));
    const rows = (await client.get('/api/v1/runs/admin/fs/retry/history?keys=v')).body.rows;
    assert.deepEqual(rows, [{ _step: 0, v: 0 }, { _step: 1, v: 1 }, { _step: 2, v: 2 }]);
    assert.equal((await run('retry')).historyLineCount, 3);
  });

  it('output.log: rewritten recent lines replace the old ones; older-client format and keys accepted', async () => {
    const out = (offset: number, content: string[]) => ({ files: { 'output.log': { offset, content } }, dropped: 0, failed: false });
    await client.fileStream('admin/fs/out', out(0, ['2024-05-01T10:00:00.000001 epoch 1', '2024-05-01T10:00:01.000001 progress 10%']));
    await client.fileStream('admin/fs/out', out(1, ['2024-05-01T10:00:02.000001 progress 100%', 'ERROR 2024-05-01T10:00:03.000001 warning!', '2024-05-01T12:00:04.5+02:00 local time']));
    const lines = (await client.get('/api/v1/runs/admin/fs/out/output')).body.lines;
    assert.deepEqual(lines, [
      { lineNo: 0, stream: 'stdout', timestamp: '2024-05-01T10:00:00.000001', text: 'epoch 1' },
      { lineNo: 1, stream: 'stdout', timestamp: '2024-05-01T10:00:02.000001', text: 'progress 100%' },
      { lineNo: 2, stream: 'stderr', timestamp: '2024-05-01T10:00:03.000001', text: 'warning!' },
      { lineNo: 3, stream: 'stdout', timestamp: '2024-05-01T12:00:04.5+02:00', text: 'local time' },
    ]);
    assert.equal((await run('out')).logLineCount, 4);
  });

  it('wandb-summary.json replaces the summary; events are stored', async () => {
    const summary = (line: string) => ({ files: { 'wandb-summary.json': { offset: 0, content: [line] } } });
    await client.fileStream('admin/fs/sum', summary('{"a":1,"b":2}'));
    await client.fileStream('admin/fs/sum', { ...summary('{"a":3,"c":NaN}'), files: { ...summary('{"a":3,"c":NaN}').files, 'wandb-events.jsonl': { offset: 0, content: ['{"_wandb":true,"_timestamp":1.5,"system.cpu":12.5}'] } } });
    assert.deepEqual((await run('sum')).summary, { a: 3, c: 'NaN' });
    const events = (await client.get('/api/v1/runs/admin/fs/sum/events')).body.events;
    assert.deepEqual(events, [{ lineNo: 0, _wandb: true, _timestamp: 1.5, 'system.cpu': 12.5 }]);
  });

  it('complete with exitcode: 0 → finished, non-zero → failed; preempting', async () => {
    await client.fileStream('admin/fs/ok', { complete: true, exitcode: 0 });
    const ok = await run('ok');
    assert.equal(ok.state, 'finished');
    assert.equal(ok.exitcode, 0);
    await client.fileStream('admin/fs/bad', { complete: true, exitcode: 3 });
    assert.equal((await run('bad')).state, 'failed');
    assert.equal((await run('bad')).exitcode, 3);
    await client.fileStream('admin/fs/pre', { preempting: true });
    assert.equal((await run('pre')).state, 'preempting');
  });

  it('stop: the next file_stream reply is {"stopped": true}', async () => {
    await client.fileStream('admin/fs/stop', {});
    await client.post('/api/v1/runs/admin/fs/stop/stop');
    const reply = await client.fileStream('admin/fs/stop', { complete: false, failed: false, dropped: 0, uploaded: [] });
    assert.deepEqual(reply.body, { stopped: true });
  });

  it('a stop ends with the run: after complete, a resumed run is not stopped again', async () => {
    await client.fileStream('admin/fs/stop2', {});
    await client.post('/api/v1/runs/admin/fs/stop2/stop');
    assert.deepEqual((await client.fileStream('admin/fs/stop2', {})).body, { stopped: true });
    await client.fileStream('admin/fs/stop2', { complete: true, exitcode: 0 });
    assert.deepEqual((await client.fileStream('admin/fs/stop2', {})).body, {}, 'resumed by file_stream');
    const vars = { projectName: 'fs', entityName: 'admin', runId: 'stop2' };
    assert.equal((await client.gql(doc.RUN_STOPPED_STATUS, vars, 'RunStoppedStatus')).body.data.project.run.stopped, false);
  });

  it('historyTail gives lines sent without _step their stored step, the rest byte for byte', async () => {
    await client.fileStream('admin/fs/tail', history(0, ['{"a":1}', '{"_step":7,"a":NaN}', '{"a":Infinity}', ' {}']));
    const reply = await client.gql(doc.RUN_RESUME_STATUS, { project: 'fs', entity: 'admin', name: 'tail' }, 'RunResumeStatus');
    assert.deepEqual(JSON.parse(reply.body.data.model.bucket.historyTail), ['{"_step":0,"a":1}', '{"_step":7,"a":NaN}', '{"_step":2,"a":Infinity}', ' {"_step":3}']);
  });

  it('accepts gzip bodies', async () => {
    const reply = await client.fileStream('admin/fs/gz', history(0, ['{"_step":0,"z":NaN}', '{"_step":1,"z":2}']), { gzip: true });
    assert.equal(reply.status, 200);
    assert.deepEqual((await client.get('/api/v1/runs/admin/fs/gz/history?keys=z')).body.rows, [{ _step: 0, z: 'NaN' }, { _step: 1, z: 2 }]);
  });

  it('rejects malformed bodies with 400 and foreign entities with 403', async () => {
    assert.equal((await client.fileStream('admin/fs/junk', '{"files": 3}')).status, 400);
    assert.equal((await client.fileStream('admin/fs/junk', 'not json')).status, 400);
    assert.equal((await client.fileStream('nobody/fs/x', {})).status, 403);
    assert.equal((await new WireClient(server.url, null).fileStream('admin/fs/x', {})).status, 401);
  });
});

describe('crash detection', () => {
  let server: TempServer;
  let client: WireClient;
  before(async () => {
    server = await startTempServer({ crashAfterSeconds: 0.2 });
    client = new WireClient(server.url, server.adminKey);
  });
  after(() => server.close());

  it('a running run silent for longer than crash-after is crashed; finished runs stay finished', async () => {
    await client.fileStream('admin/c/r', {});
    await client.fileStream('admin/c/done', { complete: true, exitcode: 0 });
    // Poll (no timing assertion): the state flips once the heartbeat is older than 0.2 s.
    let state = 'running';
    while (state === 'running') {
      await sleep(100);
      state = (await client.get('/api/v1/runs/admin/c/r')).body.state;
    }
    assert.equal(state, 'crashed');
    assert.equal((await client.get('/api/v1/runs/admin/c/done')).body.state, 'finished');
  });

  /** Polls a run's state until it is not `from` (at most ~5 s). */
  const stateAfter = async (run: string, from: string) => {
    let state = from;
    for (let i = 0; i < 50 && state === from; i += 1) {
      await sleep(100);
      state = (await client.get(`/api/v1/runs/admin/c/${run}`)).body.state;
    }
    return state;
  };

  it('a preempting run that never comes back is crashed too', async () => {
    await client.fileStream('admin/c/pre', { preempting: true });
    assert.equal(await stateAfter('pre', 'preempting'), 'crashed');
  });

  it('a crashed run keeps its stop request when it reconnects, and loses it when resumed by UpsertBucket', async () => {
    for (const run of ['back', 'resumed']) {
      await client.fileStream(`admin/c/${run}`, {});
      await client.post(`/api/v1/runs/admin/c/${run}/stop`);
      assert.equal(await stateAfter(run, 'running'), 'crashed');
    }
    assert.deepEqual((await client.fileStream('admin/c/back', {})).body, { stopped: true }, 'the same process, reconnecting');
    const upsert = await client.gql(doc.UPSERT_BUCKET, { ...doc.nullUpsertVariables(), name: 'resumed', project: 'c' }, 'UpsertBucket');
    assert.equal(upsert.body.data.upsertBucket.inserted, false);
    assert.deepEqual((await client.fileStream('admin/c/resumed', {})).body, {}, 'a new process, resuming');
  });
});
