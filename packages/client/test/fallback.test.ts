/**
 * When no daemon process can be started: `init` says why, with the tail of the daemon log; with
 * `settings.fallback` the daemon runs inside the script's own process, on the same home and store,
 * and training goes on. Spawning is made to fail the way a broken environment does: the script sets
 * NODE_OPTIONS to preload a missing file, which every daemon it spawns inherits and dies of, while the
 * script itself, already running, is unaffected.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import { runScript } from './client-process.js';
import { assertStoredRun } from './stored-runs.js';

const CHILD_TIMEOUT_MS = 60_000;
const BREAK_SPAWNING = `process.env.NODE_OPTIONS = '--require=/nonexistent-preload.cjs';`;

/** A script body that calls init(options) and prints how it went as one JSON line. */
function tryInit(options: string, after = ''): string {
  return `
let outcome;
try {
  const run = await wandb.init(${options});
  outcome = { ok: true, id: run.id };
  ${after}
} catch (error) {
  outcome = { ok: false, name: error.name, isDaemonStartError: error instanceof wandbNamed.DaemonStartError, message: error.message };
}
console.log(JSON.stringify(outcome));
`;
}

/** Asserts the stored run (see assertStoredRun) and that every row's `i` is its step. */
async function assertRunOfRows(daemon: TempDaemon, runId: string, expected: { state: string; exitCode: number; rows: number }): Promise<void> {
  const history = await assertStoredRun(daemon, runId, expected);
  for (const { step, row } of history) if (row.i !== step) assert.fail(`${runId}: row at step ${step} is ${JSON.stringify(row)}`);
}

function parseOutcome(stdout: string): Record<string, any> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines.at(-1)!);
}

describe('no daemon can be started', () => {
  const daemons: TempDaemon[] = [];
  after(async () => Promise.all(daemons.map((d) => d.dispose())));
  const freshHome = () => {
    const daemon = new TempDaemon();
    daemons.push(daemon);
    return daemon;
  };

  it('init rejects with a DaemonStartError carrying the tail of the daemon log, and the script exits by itself', async () => {
    const daemon = freshHome();
    const result = await runScript(`${BREAK_SPAWNING}\n${tryInit(`{ project: 'fallback', id: 'no-fallback' }`)}`, { ...daemon.env, WANDB_SILENT: 'true' }, CHILD_TIMEOUT_MS);
    assert.deepEqual({ code: result.code, signal: result.signal }, { code: 0, signal: null }, result.stderr);
    const outcome = parseOutcome(result.stdout);
    assert.deepEqual({ ok: outcome.ok, name: outcome.name, isDaemonStartError: outcome.isDaemonStartError }, { ok: false, name: 'DaemonStartError', isDaemonStartError: true }, outcome.message);
    assert.match(outcome.message, /could not start wandb-daemon/);
    assert.match(outcome.message, /last lines of the daemon log/);
    assert.match(outcome.message, /nonexistent-preload\.cjs/, 'the log tail names the problem');
    assert.equal(daemon.discovery, null, 'no daemon serves the home');
  });

  it('an invalid WANDB_DAEMON_IDLE_TIMEOUT: init names it, from the daemon log', async () => {
    const daemon = freshHome();
    const env = { ...daemon.env, WANDB_SILENT: 'true', WANDB_DAEMON_IDLE_TIMEOUT: 'bogus' };
    const result = await runScript(tryInit(`{ project: 'fallback', id: 'bad-idle' }`), env, CHILD_TIMEOUT_MS);
    assert.deepEqual({ code: result.code, signal: result.signal }, { code: 0, signal: null }, result.stderr);
    const outcome = parseOutcome(result.stdout);
    assert.deepEqual({ ok: outcome.ok, name: outcome.name }, { ok: false, name: 'DaemonStartError' }, outcome.message);
    assert.match(outcome.message, /last lines of the daemon log/);
    assert.match(outcome.message, /WANDB_DAEMON_IDLE_TIMEOUT must be a number/);
  });

  it('settings.fallback with a daemon that cannot start in-process either: init rejects naming both failures', async () => {
    const daemon = freshHome();
    const env = { ...daemon.env, WANDB_SILENT: 'true', WANDB_DAEMON_IDLE_TIMEOUT: 'bogus' };
    const result = await runScript(tryInit(`{ project: 'fallback', id: 'both-fail', settings: { fallback: true } }`), env, CHILD_TIMEOUT_MS);
    assert.deepEqual({ code: result.code, signal: result.signal }, { code: 0, signal: null }, result.stderr);
    const outcome = parseOutcome(result.stdout);
    assert.deepEqual({ ok: outcome.ok, name: outcome.name }, { ok: false, name: 'DaemonStartError' }, outcome.message);
    assert.match(outcome.message, /could not start wandb-daemon/);
    assert.match(outcome.message, /in-process fallback failed too/);
    assert.match(outcome.message, /WANDB_DAEMON_IDLE_TIMEOUT/);
  });

  it('settings.fallback: the run goes on in-process with one warning, and a daemon started later shows it finished', async () => {
    const daemon = freshHome();
    const ROWS = 5_000;
    const body = `${BREAK_SPAWNING}\n${tryInit(
      // Offline, so that the only warning is the fallback's (an online run without a key warns too).
      `{ project: 'fallback', id: 'in-process', mode: 'offline', settings: { fallback: true } }`,
      `for (let i = 0; i < ${ROWS}; i += 1) run.log({ i });
  await run.finish();
  outcome.state = run.state;`,
    )}`;
    // Not silent: the fallback must say, once, why training runs without a daemon process.
    const result = await runScript(body, { ...daemon.env, WANDB_SILENT: '' }, CHILD_TIMEOUT_MS);
    assert.deepEqual({ code: result.code, signal: result.signal }, { code: 0, signal: null }, result.stderr);
    assert.deepEqual(parseOutcome(result.stdout), { ok: true, id: 'in-process', state: 'finished' });
    const warnings = result.stderr.split('\n').filter((line) => line.includes('WARNING'));
    assert.equal(warnings.length, 1, result.stderr);
    assert.match(warnings[0]!, /fallback/);
    assert.match(warnings[0]!, /could not start wandb-daemon/);
    // A normal daemon on the same home (the test's environment has no broken NODE_OPTIONS) finds the run.
    await daemon.start();
    await assertRunOfRows(daemon, 'in-process', { state: 'finished', exitCode: 0, rows: ROWS });
  });

  for (const [ending, code, state] of [
    ['returns without finishing', 0, 'finished'],
    ['calls process.exit(0) right after logging', 0, 'finished'],
    ['throws right after logging', 1, 'failed'],
  ] as const) {
    it(`settings.fallback: a script that ${ending} has every row stored, run ${state}`, async () => {
      const daemon = freshHome();
      const ROWS = 5_000;
      const id = `in-process-${ending.split(' ')[0]}`;
      const end = ending.startsWith('calls') ? 'process.exit(0);' : ending.startsWith('throws') ? `throw new Error('boom');` : '';
      const body = `${BREAK_SPAWNING}
const run = await wandb.init({ project: 'fallback', id: ${JSON.stringify(id)}, settings: { fallback: true } });
for (let i = 0; i < ${ROWS}; i += 1) run.log({ i });
${end}`;
      const started = Date.now();
      const result = await runScript(body, { ...daemon.env, WANDB_SILENT: 'true' }, CHILD_TIMEOUT_MS);
      const took = Date.now() - started;
      assert.deepEqual({ code: result.code, signal: result.signal }, { code, signal: null }, result.stderr);
      assert.ok(took < 10_000, `the script took ${took} ms to exit`);
      await daemon.start();
      await assertRunOfRows(daemon, id, { state, exitCode: code, rows: ROWS });
    });
  }

  it('settings.fallback: logging past maxBufferedBytes without yielding neither freezes nor throws', async () => {
    const daemon = freshHome();
    const ROWS = 30_000; // about 3 MiB of records, three times the limit
    const body = `${BREAK_SPAWNING}
const run = await wandb.init({ project: 'fallback', id: 'in-process-pressure', settings: { fallback: true, maxBufferedBytes: 1048576 } });
const started = Date.now();
for (let i = 0; i < ${ROWS}; i += 1) run.log({ i, pad: 'x'.repeat(40) });
console.log('logged in ' + (Date.now() - started) + ' ms');
await run.finish();
console.log(run.state);`;
    // A freeze is killed: the test fails in 20 s rather than waiting for the link's 60 s give-up.
    const result = await runScript(body, { ...daemon.env, WANDB_SILENT: 'true' }, 20_000);
    assert.deepEqual({ code: result.code, signal: result.signal }, { code: 0, signal: null }, `stdout: ${result.stdout}\nstderr: ${result.stderr}`);
    assert.match(result.stdout, /^logged in \d+ ms\nfinished\n$/);
    await daemon.start();
    await assertRunOfRows(daemon, 'in-process-pressure', { state: 'finished', exitCode: 0, rows: ROWS });
  });
});
