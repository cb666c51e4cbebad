/**
 * Client processes → daemon → server, with exact row counts: a plain online run, the server going
 * away mid-sync, the daemon killed mid-sync, a key the server refuses, and an offline run uploaded
 * later with `wandb-daemon sync`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import { clientEnv, daemonCli, daemonFor, RestartableServer, stepsExactlyOnce, UserScript, waitFor } from './stack.js';

const LOG_RUN = `
const n = Number(process.env.ROWS);
const run = await wandb.init({ project: 'e2e', id: process.env.RUN_ID, config: { lr: 0.01, layers: [64, 32] }, mode: process.env.MODE || undefined });
for (let i = 0; i < n; i++) {
  run.log({ loss: 1 / (i + 1), acc: { train: i / n }, odd: i % 2 === 1 ? NaN : i });
  if (process.env.PAUSE_AT && i + 1 === Number(process.env.PAUSE_AT)) {
    console.log('paused');
    // A signal listener does not keep the event loop alive; the interval does, until the signal.
    const alive = setInterval(() => undefined, 1000);
    await new Promise((resolve) => process.once('SIGUSR2', resolve));
    clearInterval(alive);
  }
}
run.summary.best = 0.99;
await run.finish();
console.log('done');
`;

describe('client → daemon → server', () => {
  const server = new RestartableServer();
  const daemons: TempDaemon[] = [];
  const daemon = (env: NodeJS.ProcessEnv = {}) => {
    const d = daemonFor(env);
    daemons.push(d);
    return d;
  };

  before(() => server.start());
  after(async () => {
    for (const d of daemons) await d.dispose();
    await server.stop();
  });

  test('an online run arrives whole: every row once, config, summary, final state', async () => {
    const d = daemon();
    const script = new UserScript(LOG_RUN, clientEnv(d, server, server.adminKey, { ROWS: '5000', RUN_ID: 'whole1' }));
    await script.succeeded();
    await waitFor(async () => (await server.run('admin', 'e2e', 'whole1'))?.state === 'finished', 60_000, 'run to be finished on the server');
    const run = await server.run('admin', 'e2e', 'whole1');
    assert.equal(run.historyLineCount, 5000);
    const rows = await server.history('admin', 'e2e', 'whole1');
    assert.equal(stepsExactlyOnce(rows, 5000), null);
    assert.equal(rows[9]!.loss, 1 / 10);
    assert.equal(rows[3]!.odd, 'NaN');
    assert.equal((rows[4]!['acc.train'] ?? (rows[4]!.acc as any)?.train), 4 / 5000);
    assert.equal(run.config.lr, 0.01);
    assert.deepEqual(run.config.layers, [64, 32]);
    assert.equal(run.summary.best, 0.99);
    assert.equal(run.summary.loss, 1 / 5000);
    assert.equal(run.exitcode ?? run.exitCode, 0);
  });

  test('the server stopped mid-sync and started again: every row exactly once', async (t) => {
    const d = daemon();
    const script = new UserScript(LOG_RUN, clientEnv(d, server, server.adminKey, { ROWS: '20000', PAUSE_AT: '10000', RUN_ID: 'restart1' }));
    await script.printed('paused');
    await waitFor(async () => ((await server.run('admin', 'e2e', 'restart1'))?.historyLineCount ?? 0) > 0, 60_000, 'first rows on the server');
    await server.stop();
    t.after(() => server.start()); // later tests need it even if this one fails
    // Logging goes on while the server is away; finish is a local handoff and does not wait for it.
    process.kill(script.pid, 'SIGUSR2');
    await script.succeeded();
    await server.start();
    await waitFor(async () => (await server.run('admin', 'e2e', 'restart1'))?.state === 'finished', 90_000, 'run to be finished after the restart');
    assert.equal(stepsExactlyOnce(await server.history('admin', 'e2e', 'restart1'), 20000), null);
  });

  test('the daemon killed (-9) mid-sync: the next daemon resumes the sync, every row exactly once', async () => {
    const d = daemon();
    const script = new UserScript(LOG_RUN, clientEnv(d, server, server.adminKey, { ROWS: '20000', PAUSE_AT: '10000', RUN_ID: 'kill1' }));
    await script.printed('paused');
    await waitFor(async () => ((await server.run('admin', 'e2e', 'kill1'))?.historyLineCount ?? 0) > 0, 60_000, 'first rows on the server');
    await d.kill9();
    // The client reconnects, a new daemon starts, reattaches the run and resends what was not stored.
    process.kill(script.pid, 'SIGUSR2');
    await script.succeeded();
    await waitFor(async () => (await server.run('admin', 'e2e', 'kill1'))?.state === 'finished', 90_000, 'run to be finished after the daemon restart');
    assert.equal(stepsExactlyOnce(await server.history('admin', 'e2e', 'kill1'), 20000), null);
  });

  test('a key the server refuses stops that run\'s sync with the reason in status; the run is kept locally', async () => {
    const d = daemon();
    const badKey = `local-${'x'.repeat(40)}`;
    const script = new UserScript(LOG_RUN, clientEnv(d, server, badKey, { ROWS: '300', RUN_ID: 'denied1' }));
    await script.succeeded();
    let status = '';
    await waitFor(async () => (status = (await d.cli(['status'])).stdout).includes('401'), 30_000, 'status to show the 401');
    assert.doesNotMatch(status, /x{40}/, 'the key must not be shown');
    const runs = await d.http('/api/runs');
    const local = (runs.body.runs ?? runs.body).find((r: any) => r.id === 'denied1');
    assert.equal(local.historyRows, 300);
    assert.equal(await server.run('admin', 'e2e', 'denied1'), null);
  });

  test('an offline run is uploaded by `wandb-daemon sync`', async () => {
    const d = daemon();
    const env = clientEnv(d, server, server.adminKey, { ROWS: '3000', RUN_ID: 'offline1', MODE: 'offline' });
    await new UserScript(LOG_RUN, env).succeeded();
    assert.equal(await server.run('admin', 'e2e', 'offline1'), null, 'offline runs stay local');
    const synced = await daemonCli(['sync', '--all'], env);
    assert.equal(synced.code, 0, synced.stderr + synced.stdout);
    assert.match(synced.stdout, /offline1/);
    await waitFor(async () => (await server.run('admin', 'e2e', 'offline1'))?.state === 'finished', 60_000, 'offline run to be finished on the server');
    assert.equal(stepsExactlyOnce(await server.history('admin', 'e2e', 'offline1'), 3000), null);
  });

  test('resume on another machine: a daemon that never saw the run continues it from the server', async () => {
    const first = daemon();
    await new UserScript(LOG_RUN, clientEnv(first, server, server.adminKey, { ROWS: '100', RUN_ID: 'moved1' })).succeeded();
    await waitFor(async () => (await server.run('admin', 'e2e', 'moved1'))?.state === 'finished', 60_000, 'first part on the server');
    const second = daemon();
    const resumed = new UserScript(
      `const run = await wandb.init({ project: 'e2e', id: 'moved1', resume: 'must' });
       console.log('step', run.step, 'lr', run.config.lr);
       for (let i = 0; i < 50; i++) run.log({ loss: -i });
       await run.finish();`,
      clientEnv(second, server, server.adminKey),
    );
    const { stdout } = await resumed.succeeded();
    assert.match(stdout, /step 100 lr 0.01/);
    await waitFor(async () => (await server.run('admin', 'e2e', 'moved1'))?.historyLineCount === 150, 60_000, 'resumed rows on the server');
    await waitFor(async () => (await server.run('admin', 'e2e', 'moved1'))?.state === 'finished', 60_000, 'resumed run finished');
    const rows = await server.history('admin', 'e2e', 'moved1');
    assert.equal(stepsExactlyOnce(rows, 150), null);
    assert.equal(rows[149]!.loss, -49);
  });
});
