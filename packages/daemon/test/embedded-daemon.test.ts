/**
 * The embedded daemon (src/embedded.ts, the client's `settings.fallback`): a real daemon on a worker thread of a
 * user's process that never keeps that process alive, leaves the home clean when its host exits, and shares
 * the home's single-instance lock with standalone daemons.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startEmbeddedDaemon } from '../src/embedded.js';
import { readDiscovery } from '../src/lifecycle/discovery.js';
import { daemonPaths, type DaemonPaths } from '../src/lifecycle/paths.js';
import { processStartTime } from '../src/lifecycle/process-alive.js';
import { isLockStale, readLock } from '../src/lifecycle/start-lock.js';
import { RawClient } from '../test-utils/raw-client.js';
import { TempDaemon } from '../test-utils/temp-daemon.js';

const HOST = fileURLToPath(new URL('../test-utils/embedded-host.js', import.meta.url));
const ENSURE = fileURLToPath(new URL('../test-utils/ensure-process.js', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
/** Generous: a host that exits by itself does so in well under a second. */
const EXIT_TIMEOUT_MS = 20_000;

/** Resolves with the child's exit code; kills it and rejects when it is still running after `ms`. */
function exitWithin(child: ChildProcess, ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the host process did not exit by itself within ${ms} ms`));
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Runs `node args...` to completion (killed after EXIT_TIMEOUT_MS) and captures its output. */
async function runWithin(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const code = await exitWithin(child, EXIT_TIMEOUT_MS);
  return { code, stdout, stderr };
}

/** Starts an embedded-daemon host and waits for the first line it prints. */
async function startHost(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; first: any; stderr: () => string }> {
  const child = spawn(process.execPath, [HOST, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`host exited (${code}) before reporting: ${stderr}`)));
  });
  return { child, first: JSON.parse(line), stderr: () => stderr };
}

/** The files a stopped daemon must not leave behind. */
function leftovers(paths: DaemonPaths): string[] {
  return [paths.lock, paths.discovery, paths.socket].filter((path) => existsSync(path));
}

describe('embedded daemon', () => {
  const daemons: TempDaemon[] = [];
  const homes: string[] = [];
  const tempHome = () => {
    const home = mkdtempSync(join(tmpdir(), 'wdt-emb-'));
    homes.push(home);
    return home;
  };
  after(async () => {
    await Promise.all(daemons.map((d) => d.dispose()));
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  });

  it('a script that finished its run exits by itself, and a standalone daemon then finds the run with every row', async () => {
    const daemon = new TempDaemon({}, tempHome());
    daemons.push(daemon);
    const rows = 1_000;
    const { child, first, stderr } = await startHost(['finish', daemon.home, 'embedded-run', String(rows)], daemon.env);
    const code = await exitWithin(child, EXIT_TIMEOUT_MS);
    assert.equal(code, 0, stderr());
    assert.deepEqual(first.reply, { run: 1, state: 'finished', exitCode: 0, lastSeq: rows + 1, rows });
    assert.equal(first.clients, 1, 'the host\'s own client was connected to its embedded daemon');
    assert.deepEqual(leftovers(daemon.paths), [], 'lock, discovery file and socket removed at exit');

    const discovery = await daemon.start();
    assert.notEqual(discovery.pid, first.pid);
    assert.equal(discovery.embedded, undefined, 'a standalone daemon does not call itself embedded');
    const run = (await daemon.http('/api/runs/embedded-run')).body;
    assert.equal(run.state, 'finished');
    assert.equal(run.exitCode, 0);
    assert.equal(run.historyRows, rows);
    assert.equal(run.lastStep, rows - 1);
    const history = (await daemon.http('/api/runs/embedded-run/history?keys=loss,step2')).body.rows as { loss: number; step2: number }[];
    assert.equal(history.length, rows);
    assert.deepEqual(history[0], { loss: 1, step2: 0, _step: 0 });
    assert.deepEqual(history[rows - 1], { loss: 1 / rows, step2: (rows - 1) * 2, _step: rows - 1 });
  });

  it('is a real daemon on the socket: other processes attach to it while its host lives, and none can replace it', async () => {
    const home = tempHome();
    const paths = daemonPaths(home);
    const env = { WANDB_DAEMON_HOME: home, WANDB_DAEMON_IDLE_TIMEOUT: '120' };
    const { child, first, stderr } = await startHost(['serve', home], env);
    try {
      assert.equal(first.socket, paths.socket);
      const lock = readLock(paths.lock);
      assert.equal(lock?.pid, first.pid);
      assert.equal(lock?.embedded, true);
      assert.match(lock?.startTime ?? '', /^\d+$/, 'the host\'s start time, which tells a reused pid');
      assert.equal(readDiscovery(paths.discovery)?.embedded, true);

      const attached = await runWithin([ENSURE, home], env);
      assert.equal(attached.code, 0, attached.stderr);
      assert.deepEqual(JSON.parse(attached.stdout), { pid: first.pid, spawned: false });

      const client = await RawClient.connect(readDiscovery(paths.discovery)!.socketPath);
      const { run } = await client.startRun({ runId: 'from-another-process' });
      for (let step = 0; step < 100; step += 1) client.log(run, step, { x: step });
      assert.deepEqual(await client.finish(run), { run, state: 'finished', exitCode: 0, lastSeq: 101, rows: 100 });
      assert.equal((await client.status()).pid, first.pid);
      await client.close();

      // Its host runs no daemon command line; the lock must still count as held, not as a reused pid.
      await assert.rejects(startEmbeddedDaemon({ home }), (error: Error) => error.message.includes(`pid ${first.pid}`));
      const standalone = await runWithin([MAIN, '--foreground'], env);
      assert.equal(standalone.code, 1);
      assert.match(standalone.stderr, new RegExp(`another daemon \\(pid ${first.pid}\\)`));
      assert.equal(readLock(paths.lock)?.pid, first.pid);
      assert.equal(readDiscovery(paths.discovery)?.pid, first.pid);
    } finally {
      child.stdin!.end();
    }
    assert.equal(await exitWithin(child, EXIT_TIMEOUT_MS), 0, stderr());
    assert.deepEqual(leftovers(paths), []);
  });

  it('refuses to start where a daemon runs, naming the pid that holds the lock', async () => {
    const daemon = new TempDaemon({}, tempHome());
    daemons.push(daemon);
    const { pid } = await daemon.start();
    await assert.rejects(startEmbeddedDaemon({ home: daemon.home }), (error: Error) => {
      assert.match(error.message, new RegExp(`another daemon \\(pid ${pid}\\) holds the start lock`));
      return true;
    });
    assert.equal(readLock(daemon.paths.lock)?.pid, pid, 'the running daemon keeps its lock');
    assert.equal(daemon.discovery?.pid, pid);
    assert.equal((await daemon.http('/api/status')).body.pid, pid, 'and keeps serving');
  });

  it('a lock held from a user\'s process is judged by its holder\'s start time, not by its command line', async () => {
    const lock = join(tempHome(), 'daemon.lock');
    const host = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => host.once('spawn', resolve));
      const startTime = processStartTime(host.pid!);
      assert.match(startTime ?? '', /^\d+$/);
      const write = (fields: object) => writeFileSync(lock, JSON.stringify({ pid: host.pid, createdAt: Date.now(), ...fields }));
      write({});
      assert.equal(isLockStale(lock, readLock(lock)), true, 'a standalone lock naming a non-daemon process: pid reuse');
      write({ embedded: true, startTime });
      assert.equal(isLockStale(lock, readLock(lock)), false, 'the embedded holder itself');
      write({ embedded: true, startTime: String(Number(startTime) - 1) });
      assert.equal(isLockStale(lock, readLock(lock)), true, 'another process that reused the holder\'s pid');
    } finally {
      host.kill('SIGKILL');
    }
  });

  it('stop() frees the home and leaves no handler behind in its host', async () => {
    const home = tempHome();
    const events = ['exit', 'uncaughtException', 'unhandledRejection', 'SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit'] as const;
    const listeners = () => events.map((event) => process.listenerCount(event));
    const before = listeners();
    const embedded = await startEmbeddedDaemon({ home });
    assert.deepEqual(listeners(), before.map((n, i) => (events[i] === 'exit' ? n + 1 : n)), 'only an exit listener while running');
    const client = await RawClient.connect(embedded.paths.socket);
    const { run } = await client.startRun({ runId: 'in-process' });
    for (let step = 0; step < 10; step += 1) client.log(run, step, { y: step });
    assert.equal((await client.finish(run)).rows, 10);
    await embedded.stop();
    assert.deepEqual(listeners(), before);
    assert.deepEqual(leftovers(embedded.paths), []);
    await waitClosed(client);

    const daemon = new TempDaemon({}, home);
    daemons.push(daemon);
    await daemon.start();
    const stored = (await daemon.http('/api/runs/in-process')).body;
    assert.equal(stored.state, 'finished');
    assert.equal(stored.historyRows, 10);
  });
});

/** The daemon closes its connections on stop; wait until this client saw it. */
function waitClosed(client: RawClient): Promise<void> {
  return client.closed ? Promise.resolve() : new Promise((resolve) => client.socket.once('close', () => resolve()));
}
