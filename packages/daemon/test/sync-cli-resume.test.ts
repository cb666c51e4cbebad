/**
 * `wandb-daemon sync` (the real CLI in a child process) uploading an offline run, its errors, and
 * resuming a run from the server (RunResumeStatus) that this daemon has never seen.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { API_KEY, assertKeyNotLogged, assertLines, fakeAndDaemon, FAST_SYNC_ENV, remoteOf, steps } from '../test-utils/sync-env.js';
import { waitFor } from '../test-utils/temp-daemon.js';

describe('wandb-daemon sync and resume from the server', () => {
  const { fake, daemon } = fakeAndDaemon({ ...FAST_SYNC_ENV, NETRC: '/nonexistent/netrc', WANDB_DAEMON_RESUME_TIMEOUT_MS: '1000' });
  let cliEnv: NodeJS.ProcessEnv = {};
  before(() => {
    cliEnv = { WANDB_BASE_URL: fake.url, WANDB_API_KEY: API_KEY };
  });

  const cli = (args: string[], env: NodeJS.ProcessEnv = cliEnv) => {
    Object.assign(daemon.env, env);
    return daemon.cli(args);
  };

  it('uploads an offline run and reports it', async () => {
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'offline1', mode: 'offline' });
    for (let step = 0; step < 1_200; step += 1) client.log(run, step, { x: step });
    client.record(run, { t: 'console', stream: 'stdout', ts: 1, lines: Array.from({ length: 40 }, (_, i) => `line ${i}`) });
    await client.finish(run, 0);
    await client.close();
    assert.equal((await daemon.http('/api/runs/offline1')).body.sync, null);
    assert.equal((await daemon.http('/api/status')).body.rows.unsynced, 1_200);
    const result = await cli(['sync', 'offline1']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^synced run offline1 \(project test\): 1,200 history rows, 40 console lines, 4 files$/m);
    assert.equal(fake.run('offline1')!.complete, true);
    assert.deepEqual(steps(assertLines(fake, 'offline1', 'wandb-history.jsonl', 1_200)), Array.from({ length: 1_200 }, (_, i) => i));
    assertLines(fake, 'offline1', 'output.log', 40);
    const again = await cli(['sync', '--all']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to sync/);
    assertKeyNotLogged(daemon.paths.log, API_KEY);
  });

  it('fails clearly without a key, for an unknown run, and when the server refuses the key', async () => {
    const noKey = await cli(['sync', 'offline1'], { WANDB_API_KEY: '' });
    assert.notEqual(noKey.code, 0);
    assert.match(noKey.stderr, /no API key for http:\/\/127\.0\.0\.1:\d+: set WANDB_API_KEY/);
    const unknown = await cli(['sync', 'nope'], { WANDB_API_KEY: API_KEY });
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /no run "nope"/);
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'offline2', mode: 'offline' });
    client.log(run, 0, { x: 1 });
    await client.finish(run, 0);
    await client.close();
    const refused = await cli(['sync', 'offline2'], { WANDB_API_KEY: `local-${'z'.repeat(40)}` });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /sync of run offline2 \(project test\) failed: 401 Unauthorized/);
    // A failed sync is reset and retried by the next `sync` with a good key.
    const retried = await cli(['sync', '--all', '--project', 'test'], { WANDB_API_KEY: API_KEY });
    assert.equal(retried.code, 0, retried.stderr);
    assert.match(retried.stdout, /synced run offline2/);
  });

  it('resumes a run known only to the server at the right step and line offsets', async () => {
    const history = Array.from({ length: 100 }, (_, i) => `{"x":${i},"_step":${i},"_runtime":1,"_timestamp":1}`);
    fake.seedRun('fake-entity', 'test', 'elsewhere', {
      history,
      events: ['{"_wandb":true}', '{"_wandb":true}'],
      output: ['a', 'b', 'c', 'd', 'e'],
      config: { lr: { value: 0.5 }, _wandb: { value: { t: {} } } },
      summary: { x: 99 },
      displayName: 'far-away-1',
    });
    const client = await daemon.client();
    const reply = await client.startRun({ runId: 'elsewhere', mode: 'online', config: { batch: 8 } }, 'allow', remoteOf(fake));
    assert.equal(reply.resumed, true);
    assert.equal(reply.startingStep, 100);
    assert.equal(reply.name, 'far-away-1');
    assert.deepEqual(reply.config, { lr: 0.5, batch: 8 });
    assert.equal(reply.summary.x, 99);
    for (let step = 100; step < 150; step += 1) client.log(reply.run, step, { x: step });
    client.record(reply.run, { t: 'console', stream: 'stdout', ts: 1, lines: ['f'] });
    client.record(reply.run, { t: 'system', ts: 1, runtime: 1, metrics: { cpu: 1 } });
    await client.finish(reply.run, 0);
    await waitFor(() => fake.run('elsewhere')?.complete === true, 20_000, 'complete');
    assert.deepEqual(steps(assertLines(fake, 'elsewhere', 'wandb-history.jsonl', 150)), Array.from({ length: 150 }, (_, i) => i));
    assert.equal(assertLines(fake, 'elsewhere', 'output.log', 6)[5]!.endsWith(' f'), true);
    assertLines(fake, 'elsewhere', 'wandb-events.jsonl', 3);
    const view = (await daemon.http('/api/runs/elsewhere')).body;
    assert.equal(view.historyRows, 150);
    assert.equal(view.lastStep, 149);
    // Unknown everywhere: must → RUN_NOT_FOUND; allow → a new run.
    await assert.rejects(client.startRun({ runId: 'nowhere', mode: 'online' }, 'must', remoteOf(fake)), { code: 'RUN_NOT_FOUND' });
    const fresh = await client.startRun({ runId: 'nowhere', mode: 'online' }, 'allow', remoteOf(fake));
    assert.equal(fresh.resumed, false);
    assert.equal(fresh.startingStep, 0);
    await client.finish(fresh.run, 0);
    // never: refused when the server has the run.
    fake.seedRun('fake-entity', 'test', 'seen', { history: [] });
    await assert.rejects(client.startRun({ runId: 'seen', mode: 'online' }, 'never', remoteOf(fake)), { code: 'RUN_EXISTS' });
    await client.close();
  });

  it('a run resumed from the server keeps its _runtime growing from the server\'s last one', async () => {
    const lastRuntime = 3_600.5;
    const history = Array.from({ length: 5 }, (_, i) => `{"x":${i},"_step":${i},"_runtime":${lastRuntime - 4 + i},"_timestamp":1}`);
    fake.seedRun('fake-entity', 'test', 'long-running', { history });
    const client = await daemon.client();
    const before = Date.now() / 1000;
    const reply = await client.startRun({ runId: 'long-running', mode: 'online', startTime: before }, 'allow', remoteOf(fake));
    const after = Date.now() / 1000;
    assert.equal(reply.resumed, true);
    assert.equal(reply.startingStep, 5);
    // The client computes `_runtime` from this start time: it continues at the server's last runtime.
    assert.ok(reply.startTime >= before - lastRuntime && reply.startTime <= after - lastRuntime, `startTime ${reply.startTime}`);
    assert.equal((await daemon.http('/api/runs/long-running')).body.startTime, reply.startTime);
    // A run the server holds without any runtime keeps the client's start time.
    fake.seedRun('fake-entity', 'test', 'no-runtime', { history: ['{"x":1,"_step":0}'] });
    const plain = await client.startRun({ runId: 'no-runtime', mode: 'online', startTime: 1_700_000_000 }, 'allow', remoteOf(fake));
    assert.equal(plain.resumed, true);
    assert.equal(plain.startTime, 1_700_000_000);
    await client.finish(reply.run, 0);
    await client.finish(plain.run, 0);
    await client.close();
  });

  it('refuses a second start while the first waits for the server; a hung server times out', async () => {
    fake.hangWhen = (r) => r.operationName === 'RunResumeStatus';
    const a = await daemon.client();
    const b = await daemon.client();
    const first = a.startRun({ runId: 'twice', mode: 'online' }, 'allow', remoteOf(fake));
    await waitFor(() => fake.operations('RunResumeStatus').some((r) => r.body.variables.name === 'twice'), 5_000, 'the resume query');
    await assert.rejects(b.startRun({ runId: 'twice', mode: 'online' }, 'allow', remoteOf(fake)), { code: 'RUN_IN_USE' });
    assert.deepEqual(await b.status().then((s) => s.running), true); // the socket still serves others
    const reply = await first;
    assert.equal(reply.resumed, false);
    fake.hangWhen = null;
    await a.finish(reply.run, 0);
    await a.close();
    await b.close();
  });

  it('server unreachable at run.start: must fails naming why, allow starts locally and delivers later', async () => {
    await fake.close();
    const client = await daemon.client();
    await assert.rejects(client.startRun({ runId: 'later', mode: 'online' }, 'must', remoteOf(fake)), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'RUN_NOT_FOUND');
      assert.match(error.message, /cannot ask http:\/\/127\.0\.0\.1:\d+ whether run later exists: .*ECONNREFUSED/);
      return true;
    });
    const { run } = await client.startRun({ runId: 'later', mode: 'online' }, 'allow', remoteOf(fake));
    for (let step = 0; step < 300; step += 1) client.log(run, step, { x: step });
    await client.finish(run, 0);
    await client.close();
    await waitFor(async () => (await daemon.http('/api/runs/later')).body.sync.state === 'retrying', 10_000, 'retrying');
    await fake.listen();
    await waitFor(() => fake.run('later')?.complete === true, 20_000, 'delivered when the server is back');
    assertLines(fake, 'later', 'wandb-history.jsonl', 300);
  });
});
