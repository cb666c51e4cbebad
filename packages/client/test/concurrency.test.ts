/**
 * Many client processes racing to spawn one daemon, and a daemon killed with -9 under a logging
 * client: every run ends with every row exactly once, and only one daemon serves the home.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TempDaemon, waitFor } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import { ClientProcess } from './client-process.js';
import { assertStoredRun, daemonProcesses } from './stored-runs.js';

/** Every child gets this long; a hang is killed and fails the test. */
const CHILD_TIMEOUT_MS = 90_000;

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('concurrency', () => {
  const daemons: TempDaemon[] = [];
  const children: ClientProcess[] = [];
  after(async () => {
    for (const child of children) if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
    await Promise.all(daemons.map((d) => d.dispose()));
  });

  it('8 processes racing to spawn the daemon, 3 runs each: 24 finished runs of 2,000 rows, one daemon', async () => {
    const daemon = new TempDaemon(); // no daemon yet: the clients race to spawn it
    daemons.push(daemon);
    const ROWS = 2_000;
    // Even processes run their 3 runs one after the other; odd ones open all 3 at once (reinit
    // 'create_new') and interleave their rows, on the one link the process shares.
    const sequential = (p: number) => `
for (let r = 0; r < 3; r += 1) {
  const run = await wandb.init({ project: 'race', id: 'p${p}-r' + r, reinit: 'finish_previous' });
  for (let i = 0; i < ${ROWS}; i += 1) run.log({ i, owner: run.id });
  await run.finish();
}
console.log('done');`;
    const interleaved = (p: number) => `
const runs = await Promise.all([0, 1, 2].map((r) => wandb.init({ project: 'race', id: 'p${p}-r' + r, reinit: 'create_new' })));
for (let i = 0; i < ${ROWS}; i += 1) for (const run of runs) run.log({ i, owner: run.id });
await Promise.all(runs.map((run) => run.finish()));
console.log('done');`;
    const env = { ...daemon.env, WANDB_SILENT: 'true' };
    const racers = Array.from({ length: 8 }, (_, p) => new ClientProcess(p % 2 === 0 ? sequential(p) : interleaved(p), env));
    children.push(...racers);
    const results = await Promise.all(racers.map((child) => child.finished(CHILD_TIMEOUT_MS)));
    for (const [p, result] of results.entries()) {
      assert.deepEqual({ code: result.code, signal: result.signal, stdout: result.stdout }, { code: 0, signal: null, stdout: 'done\n' }, `process ${p}: ${result.stderr}`);
    }
    const { body } = await daemon.http('/api/runs');
    const ids = (body.runs as { id: string }[]).map((run) => run.id).sort();
    const expected = Array.from({ length: 8 }, (_, p) => [0, 1, 2].map((r) => `p${p}-r${r}`)).flat().sort();
    assert.deepEqual(ids, expected);
    for (const id of expected) {
      const history = await assertStoredRun(daemon, id, { state: 'finished', exitCode: 0, rows: ROWS });
      for (const { step, row } of history) if (row.i !== step || row.owner !== id) assert.fail(`${id}: row at step ${step} is ${JSON.stringify(row)}`);
    }
    // Losing daemon candidates exit right after failing to take the start lock.
    await waitFor(() => daemonProcesses(daemon.home).length === 1, 10_000, 'one daemon process to remain');
    assert.deepEqual(daemonProcesses(daemon.home), [daemon.pid]);
    const status = (await daemon.http('/api/status')).body;
    assert.equal(status.clients, 0, 'every client disconnected');
  });

  it('the daemon killed with -9 twice while a client logs 100,000 rows: every row stored exactly once', async (t) => {
    const daemon = new TempDaemon();
    daemons.push(daemon);
    const first = await daemon.start();
    const ROWS = 100_000;
    // A training loop that yields to the event loop every 1,000 rows, as real ones do between batches.
    const body = `
const run = await wandb.init({ project: 'kill', id: 'survivor' });
for (let i = 0; i < ${ROWS}; i += 1) {
  run.log({ i, x: i * 0.5 });
  if ((i + 1) % 1000 === 0) {
    console.log('progress ' + (i + 1));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
await run.finish();
console.log('finished ' + run.state);
`;
    // Not silent: the client's "reconnected" warnings tell when the next kill may come.
    const child = new ClientProcess(body, { ...daemon.env, WANDB_SILENT: '' });
    children.push(child);
    const result = child.finished(CHILD_TIMEOUT_MS);
    const exited = () => child.child.exitCode !== null || child.child.signalCode !== null;

    const killedAt: number[] = [];
    let pid = first.pid;
    for (const [kill, threshold] of [30_000, 60_000].entries()) {
      await waitFor(() => child.progress() >= threshold || exited(), 30_000, `the client to log ${threshold} rows`);
      assert.ok(!exited(), `the client exited early: ${child.stderr}`);
      killedAt.push(child.progress());
      process.kill(pid, 'SIGKILL');
      await waitFor(() => count(child.stderr, 'reconnected to the daemon') === kill + 1 || exited(), 30_000, `reconnect #${kill + 1}`).catch((error: Error) => {
        throw new Error(`${error.message}; the client logged ${child.progress()} rows, its stderr:\n${child.stderr}`);
      });
      const replacement = daemon.discovery?.pid;
      assert.ok(replacement !== undefined && replacement !== pid, `a new daemon serves the home (was ${pid}, now ${replacement})`);
      pid = replacement;
    }
    const { code, signal, stdout, stderr } = await result;
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, stderr);
    assert.match(stdout, /finished finished\n$/);
    assert.equal(count(stderr, 'reconnected to the daemon'), 2, stderr);

    const history = await assertStoredRun(daemon, 'survivor', { state: 'finished', exitCode: 0, rows: ROWS });
    for (const { step, row } of history) {
      if (row.i !== step || row.x !== step * 0.5) assert.fail(`row at step ${step} is ${JSON.stringify(row)}`);
    }
    t.diagnostic(`daemons killed after ${killedAt.join(' and ')} rows logged`);
    assert.ok(killedAt[0]! < ROWS, `the first kill came mid-log (at ${killedAt[0]} rows)`);
    assert.deepEqual(daemonProcesses(daemon.home), [pid], 'one daemon serves the home');
  });
});
