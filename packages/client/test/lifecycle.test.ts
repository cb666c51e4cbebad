/**
 * However a script ends, nothing it logged is lost and its run ends in the right state: a script
 * that returns, calls `process.exit()`, throws, leaves a rejection unhandled or is stopped by
 * SIGINT / SIGTERM, run as a real child process against a real daemon. And the client never keeps
 * a process alive.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import { ClientProcess, runScript } from './client-process.js';
import { assertStoredRun, storedHistory } from './stored-runs.js';

/** Rows each script logs; the last one is still pending (`commit: false`) when the script ends. */
const ROWS = 20_000;
/** Every child gets this long; a hang is killed and fails the test. */
const CHILD_TIMEOUT_MS = 30_000;

const daemon = new TempDaemon();
let env: NodeJS.ProcessEnv;

before(async () => {
  await daemon.start();
  env = { ...daemon.env, WANDB_SILENT: 'true' };
});
after(() => daemon.dispose());

/**
 * A script prologue: starts run `id` and logs ROWS rows, the last one built by two `commit: false`
 * calls, so it is only committed when the run finishes.
 */
function logRows(id: string): string {
  return `
const run = await wandb.init({ project: 'lifecycle', id: ${JSON.stringify(id)} });
for (let i = 0; i < ${ROWS - 1}; i += 1) run.log({ i, loss: 1 / (i + 1) });
run.log({ i: ${ROWS - 1} }, { commit: false });
run.log({ pending: true }, { commit: false });
`;
}

/** The ROWS rows of `logRows`: each row's `i` is its step, and the pending row was committed last. */
async function assertAllRows(runId: string, state: string, exitCode: number): Promise<void> {
  const history = await assertStoredRun(daemon, runId, { state, exitCode, rows: ROWS });
  for (const { step, row } of history) if (row.i !== step) assert.fail(`row at step ${step} has i = ${String(row.i)}`);
  assert.deepEqual(history.at(-2)!.row.loss, 1 / (ROWS - 1));
  assert.equal(history.at(-1)!.row.pending, true, 'the pending commit:false row was committed at exit');
  assert.equal(history.at(-1)!.row.i, ROWS - 1);
}

describe('a script that ends without finishing its run', () => {
  it('returns: exits 0 by itself, run finished with exit code 0 and every row', async () => {
    const result = await runScript(`${logRows('returns')}\nconsole.log('returned');`, env, CHILD_TIMEOUT_MS);
    assert.deepEqual({ code: result.code, signal: result.signal, stdout: result.stdout }, { code: 0, signal: null, stdout: 'returned\n' }, result.stderr);
    await assertAllRows('returns', 'finished', 0);
  });

  it('returns with process.exitCode = 2: run failed with exit code 2', async () => {
    const result = await runScript(`${logRows('exitcode-2')}\nprocess.exitCode = 2;`, env, CHILD_TIMEOUT_MS);
    assert.equal(result.code, 2, result.stderr);
    await assertAllRows('exitcode-2', 'failed', 2);
  });

  it('calls process.exit(0) right after the last log: run finished with every row', async () => {
    const result = await runScript(`${logRows('exit-0')}\nprocess.exit(0);`, env, CHILD_TIMEOUT_MS);
    assert.deepEqual({ code: result.code, signal: result.signal }, { code: 0, signal: null }, result.stderr);
    await assertAllRows('exit-0', 'finished', 0);
  });

  it('calls process.exit(3): run failed with exit code 3 and every row', async () => {
    const result = await runScript(`${logRows('exit-3')}\nprocess.exit(3);`, env, CHILD_TIMEOUT_MS);
    assert.deepEqual({ code: result.code, signal: result.signal }, { code: 3, signal: null }, result.stderr);
    await assertAllRows('exit-3', 'failed', 3);
  });

  it('throws at the top level: exit code 1, run failed with exit code 1 and every row', async () => {
    const result = await runScript(`${logRows('throws')}\nthrow new Error('training blew up');`, env, CHILD_TIMEOUT_MS);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /training blew up/, 'the user still sees their error');
    await assertAllRows('throws', 'failed', 1);
  });

  it('throws from a timer callback (uncaughtException): exit code 1, run failed with every row', async () => {
    const result = await runScript(`${logRows('throws-later')}\nsetTimeout(() => { throw new Error('late failure'); }, 10);`, env, CHILD_TIMEOUT_MS);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /late failure/);
    await assertAllRows('throws-later', 'failed', 1);
  });

  it('leaves a promise rejection unhandled: exit code 1, run failed with exit code 1 and every row', async () => {
    const result = await runScript(`${logRows('rejects')}\nPromise.reject(new Error('nobody caught me'));`, env, CHILD_TIMEOUT_MS);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /nobody caught me/);
    await assertAllRows('rejects', 'failed', 1);
  });

  it('commits a pending row logged with an explicit step when the script returns', async () => {
    const body = `
const run = await wandb.init({ project: 'lifecycle', id: 'pending-step' });
run.log({ a: 0 });
run.log({ a: 1 }, { step: 5 });
run.log({ b: 2 }, { step: 5 });
`;
    const result = await runScript(body, env, CHILD_TIMEOUT_MS);
    assert.equal(result.code, 0, result.stderr);
    const { body: run } = await daemon.http('/api/runs/pending-step');
    assert.deepEqual({ state: run.state, exitCode: run.exitCode, historyRows: run.historyRows }, { state: 'finished', exitCode: 0, historyRows: 2 });
    const history = await storedHistory(daemon, 'pending-step');
    assert.deepEqual(
      history.map(({ step, row }) => ({ step, a: row.a, b: row.b })),
      [
        { step: 0, a: 0, b: undefined },
        { step: 5, a: 1, b: 2 },
      ],
    );
  });
});

describe('signals', () => {
  /** Logs, prints "ready" and idles on a long timer, as a script waiting on I/O would. */
  const idling = (id: string) => `${logRows(id)}\nconsole.log('ready');\nawait new Promise((resolve) => setTimeout(resolve, 120_000));\nconsole.log('timer fired');`;

  for (const [signal, exitCode] of [
    ['SIGTERM', 143],
    ['SIGINT', 255],
  ] as const) {
    it(`${signal} finishes the run with exit code ${exitCode} and the process dies of ${signal}`, async () => {
      const id = `signal-${signal.toLowerCase()}`;
      const child = new ClientProcess(idling(id), env);
      const result = child.finished(CHILD_TIMEOUT_MS);
      await child.waitForOutput('ready', CHILD_TIMEOUT_MS);
      child.child.kill(signal);
      const { code, signal: diedOf, stdout, stderr } = await result;
      assert.deepEqual({ code, signal: diedOf, stdout }, { code: null, signal, stdout: 'ready\n' }, stderr);
      await assertAllRows(id, 'failed', exitCode);
    });
  }

  it("a script's own SIGINT handler keeps control: it logs a last row, finishes and exits 0", async () => {
    const body = `${logRows('own-handler')}
process.on('SIGINT', async () => {
  run.log({ last: true });
  await run.finish();
  console.log('finished by handler ' + run.state);
  process.exit(0);
});
console.log('ready');
await new Promise((resolve) => setTimeout(resolve, 120_000));
console.log('timer fired');
`;
    const child = new ClientProcess(body, env);
    const result = child.finished(CHILD_TIMEOUT_MS);
    await child.waitForOutput('ready', CHILD_TIMEOUT_MS);
    child.child.kill('SIGINT');
    const { code, signal, stdout, stderr } = await result;
    assert.deepEqual({ code, signal, stdout }, { code: 0, signal: null, stdout: 'ready\nfinished by handler finished\n' }, stderr);
    // W&B's rule: a plain log after `commit: false` calls merges into the pending row and commits it.
    const history = await assertStoredRun(daemon, 'own-handler', { state: 'finished', exitCode: 0, rows: ROWS });
    assert.deepEqual(history.at(-1)!.row, { ...history.at(-1)!.row, i: ROWS - 1, pending: true, last: true }, "the handler's row is merged into the pending one");
    assert.equal(history.at(-2)!.row.last, undefined);
  });
});

describe('the client never keeps the process alive', () => {
  /** Runs a script that prints "done" as its last act, and returns how long it took to exit after that. */
  async function exitDelay(body: string): Promise<number> {
    const child = new ClientProcess(`${body}\nconsole.log('done');`, env);
    const result = child.finished(CHILD_TIMEOUT_MS);
    await child.waitForOutput('done', CHILD_TIMEOUT_MS);
    const printed = Date.now();
    const { code, signal, stderr } = await result;
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, stderr);
    return Date.now() - printed;
  }

  it('a script that never calls finish exits by itself once its event loop is empty', async () => {
    const delay = await exitDelay(`const run = await wandb.init({ project: 'lifecycle', id: 'no-finish' });\nfor (let i = 0; i < 100; i += 1) run.log({ i });`);
    assert.ok(delay < 3_000, `the script took ${delay} ms to exit after its last statement`);
    await assertStoredRun(daemon, 'no-finish', { state: 'finished', exitCode: 0, rows: 100 });
  });

  it('a script that finished its run exits by itself at once', async () => {
    const delay = await exitDelay(`const run = await wandb.init({ project: 'lifecycle', id: 'finished-early' });\nrun.log({ i: 0 });\nawait run.finish();`);
    assert.ok(delay < 3_000, `the script took ${delay} ms to exit after its last statement`);
    await assertStoredRun(daemon, 'finished-early', { state: 'finished', exitCode: 0, rows: 1 });
  });

  it('a script that only calls init exits by itself, its empty run finished', async () => {
    const delay = await exitDelay(`await wandb.init({ project: 'lifecycle', id: 'init-only' });`);
    assert.ok(delay < 3_000, `the script took ${delay} ms to exit after its last statement`);
    await assertStoredRun(daemon, 'init-only', { state: 'finished', exitCode: 0, rows: 0 });
  });
});

describe('the daemon dies just before the script exits', () => {
  const lost = new TempDaemon();
  after(() => lost.dispose());

  it('a courier process delivers what the daemon never acknowledged, and the finish', async () => {
    await lost.start();
    const go = `${lost.home}/go`;
    const body = `
import { existsSync } from 'node:fs';
const run = await wandb.init({ project: 'lifecycle', id: 'courier' });
for (let i = 0; i < 10000; i += 1) run.log({ i });
console.log('ready');
const poll = setInterval(() => {
  if (!existsSync(${JSON.stringify(go)})) return;
  clearInterval(poll);
  // No event-loop turn from here on: the client cannot reconnect before the process is gone.
  for (let i = 10000; i < 20000; i += 1) run.log({ i });
  process.exit(0);
}, 2);
`;
    const child = new ClientProcess(body, { ...lost.env, WANDB_SILENT: 'true' });
    const result = child.finished(CHILD_TIMEOUT_MS);
    await child.waitForOutput('ready', CHILD_TIMEOUT_MS);
    await lost.kill9();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(go, '');
    const { code, stderr } = await result;
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /ERROR/);
    const history = await assertStoredRun(lost, 'courier', { state: 'finished', exitCode: 0, rows: 20_000 });
    for (const { step, row } of history) if (row.i !== step) assert.fail(`row at step ${step} has i = ${String(row.i)}`);
  });
});

describe('no daemon can be reached any more', () => {
  const gone = new TempDaemon();
  after(() => gone.dispose());

  it('finish rejects after the init timeout instead of hanging, and the script still exits', async () => {
    await gone.start();
    const go = `${gone.home}/go`;
    const body = `
import { existsSync } from 'node:fs';
const run = await wandb.init({ project: 'lifecycle', id: 'unreachable', settings: { initTimeout: 1 } });
for (let i = 0; i < 1000; i += 1) run.log({ i });
process.env.NODE_OPTIONS = '--require=/nonexistent-preload.cjs'; // every daemon (and courier) spawned from now on dies at start
console.log('ready');
while (!existsSync(${JSON.stringify(go)})) await new Promise((resolve) => setTimeout(resolve, 5));
const t0 = Date.now();
await run.finish().then(() => console.log('finished?'), (error) => console.log('rejected ' + error.name));
console.log('waited ' + (Date.now() - t0 < 20000 ? 'bounded' : 'too long'));
`;
    const child = new ClientProcess(body, { ...gone.env, WANDB_SILENT: 'true' });
    const result = child.finished(CHILD_TIMEOUT_MS);
    await child.waitForOutput('ready', CHILD_TIMEOUT_MS);
    await gone.kill9();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(go, '');
    const { code, stdout, stderr } = await result;
    assert.equal(code, 0, stderr);
    assert.equal(stdout, 'ready\nrejected DaemonStartError\nwaited bounded\n');
    assert.match(stderr, /wandb: ERROR run unreachable: \d+ records and the finish could not be handed to a daemon before exit/);
  });
});
