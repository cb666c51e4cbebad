/**
 * Sync through failures: 500s, 429 with Retry-After and a hung request are retried until delivered;
 * the server killed mid-request and restarted, and the daemon killed with -9 mid-sync and restarted,
 * still leave every row on the server exactly once at its index.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeWandbServer, type RecordedRequest } from '../test-utils/fake-wandb-server.js';
import { API_KEY, assertLines, fakeAndDaemon, FAST_SYNC_ENV, remoteOf, steps } from '../test-utils/sync-env.js';
import { isProcessAlive } from '../src/lifecycle/process-alive.js';
import { TempDaemon, waitFor } from '../test-utils/temp-daemon.js';

const ENV = { ...FAST_SYNC_ENV, WANDB_DAEMON_SYNC_MAX_LINES: '100', WANDB_DAEMON_SYNC_TIMEOUT_MS: '1000' };
const isStreamOf = (run: string) => (req: RecordedRequest) => req.path.includes(`/${run}/file_stream`);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('sync through failures', () => {
  const { fake, daemon } = fakeAndDaemon(ENV);

  it('retries 500s, 429 with Retry-After and a timed-out request, then delivers everything', async () => {
    fake.faults.push({ status: 500, times: 3, match: isStreamOf('flaky') });
    fake.faults.push({ status: 429, times: 2, headers: { 'retry-after': '0' }, match: isStreamOf('flaky') });
    fake.faults.push({ status: 503, times: 1, match: (r) => r.operationName === 'CreateRunFiles' });
    let hung = 0;
    fake.hangWhen = (req) => isStreamOf('flaky')(req) && hung++ === 0;
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'flaky', mode: 'online' }, 'overwrite', remoteOf(fake));
    for (let step = 0; step < 1_000; step += 1) client.log(run, step, { x: step });
    await client.finish(run, 0);
    await waitFor(() => fake.run('flaky')?.complete === true, 30_000, 'complete after retries');
    assert.deepEqual(steps(assertLines(fake, 'flaky', 'wandb-history.jsonl', 1_000)), range(1_000));
    assert.ok(fake.faults.every((f) => f.times === 0), 'every scripted fault was hit');
    assert.equal((await daemon.http('/api/runs/flaky')).body.sync.state, 'synced');
    fake.hangWhen = null;
    await client.close();
  });

  it('the server killed mid-request and restarted: every row exactly once', async () => {
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'server-restart', mode: 'online' }, 'overwrite', remoteOf(fake));
    // Requests hang once 500 lines are stored: the server is then killed with one in flight.
    fake.hangWhen = (req) => isStreamOf('server-restart')(req) && fake.lines('server-restart', 'wandb-history.jsonl').length >= 500;
    for (let step = 0; step < 2_000; step += 1) client.log(run, step, { x: step });
    await client.finish(run, 0);
    await waitFor(() => fake.requests.some((r) => isStreamOf('server-restart')(r) && fake.lines('server-restart', 'wandb-history.jsonl').length >= 500), 20_000, 'a hung request');
    await fake.close();
    fake.hangWhen = null;
    await waitFor(async () => (await daemon.http('/api/runs/server-restart')).body.sync.state === 'retrying', 10_000, 'retrying while unreachable');
    assert.ok((await daemon.http('/api/status')).body.sync.pending >= 1);
    await fake.listen();
    await waitFor(() => fake.run('server-restart')?.complete === true, 30_000, 'complete after the restart');
    assert.deepEqual(steps(assertLines(fake, 'server-restart', 'wandb-history.jsonl', 2_000)), range(2_000));
    await client.close();
  });

  it('the daemon killed with -9 mid-sync and restarted: every row exactly once', async () => {
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'daemon-restart', mode: 'online' }, 'overwrite', remoteOf(fake));
    fake.hangWhen = (req) => isStreamOf('daemon-restart')(req) && fake.lines('daemon-restart', 'wandb-history.jsonl').length >= 700;
    for (let step = 0; step < 3_000; step += 1) client.log(run, step, { x: step });
    client.record(run, { t: 'console', stream: 'stdout', ts: 1, lines: ['a', 'b', 'c'] });
    await client.finish(run, 0);
    await waitFor(() => fake.lines('daemon-restart', 'wandb-history.jsonl').length >= 700, 20_000, 'a partial sync');
    await daemon.kill9();
    await client.close();
    fake.hangWhen = null;
    await daemon.start();
    await waitFor(() => fake.run('daemon-restart')?.complete === true, 30_000, 'complete after the daemon restart');
    assert.deepEqual(steps(assertLines(fake, 'daemon-restart', 'wandb-history.jsonl', 3_000)), range(3_000));
    assertLines(fake, 'daemon-restart', 'output.log', 3);
    const view = (await daemon.http('/api/runs/daemon-restart')).body;
    assert.deepEqual(view.sync.history, { synced: 3_000, total: 3_000 });
  });

  it('stopping the daemon does not wait on a hung server', async () => {
    fake.hang = true;
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'hung', mode: 'online' }, 'overwrite', remoteOf(fake));
    client.log(run, 0, { x: 1 });
    await client.finish(run, 0);
    await client.close();
    await waitFor(() => fake.requests.some((r) => r.operationName === 'UpsertBucket' && r.body.variables.name === 'hung'), 10_000, 'a hung upsert');
    const started = Date.now();
    await daemon.stop();
    assert.ok(Date.now() - started < 8_000, 'SIGTERM exit bounded');
    fake.hang = false;
    await daemon.start();
    await waitFor(() => fake.run('hung')?.complete === true, 30_000, 'delivered at the next start');
  });
});

describe('liveness with a sync backlog', () => {
  const fake = new FakeWandbServer(API_KEY);
  const daemon = new TempDaemon({ ...ENV, WANDB_DAEMON_IDLE_TIMEOUT: '1' });
  before(() => fake.listen());
  after(async () => {
    await daemon.dispose();
    await fake.close();
  });

  it('does not idle-exit while a run has undelivered data; exits once it is delivered', async () => {
    const failing = { status: 503, times: Number.POSITIVE_INFINITY };
    fake.faults.push(failing);
    await daemon.start();
    const pid = daemon.pid;
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'backlog', mode: 'online' }, 'overwrite', remoteOf(fake));
    client.log(run, 0, { x: 1 });
    await client.finish(run, 0);
    await client.close();
    // Many failed attempts at <= 300 ms apart span well over the 1 s idle timeout.
    await waitFor(() => fake.requests.length >= 20, 30_000, '20 failed attempts');
    assert.ok(isProcessAlive(pid), 'the daemon stayed up with a backlog and no client');
    failing.times = 0;
    await waitFor(() => fake.run('backlog')?.complete === true, 20_000, 'delivered');
    await waitFor(() => !isProcessAlive(pid), 20_000, 'idle exit after delivery');
  });
});
