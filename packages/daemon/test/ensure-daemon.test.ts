/**
 * ensureDaemon(): attach or spawn, race-free, and light enough for the user's process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { encodeFrame, PACKAGE_VERSION, PROTOCOL_VERSION } from '@wandb-daemon/protocol';
import { writeDiscovery } from '../src/lifecycle/discovery.js';
import { ensureDaemon } from '../src/lifecycle/ensure-daemon.js';
import { runNode, TempDaemon, waitFor } from '../test-utils/temp-daemon.js';

const ENSURE = fileURLToPath(new URL('../test-utils/ensure-process.js', import.meta.url));
const RECORDER = fileURLToPath(new URL('../test-utils/import-recorder.js', import.meta.url));

/** Pids of daemon processes (the entry script's marker) serving `home`, read from /proc. */
function daemonProcesses(home: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes('--wandb-daemon')) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`WANDB_DAEMON_HOME=${home}`)) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

describe('ensureDaemon', () => {
  const daemons: TempDaemon[] = [];
  after(async () => Promise.all(daemons.map((d) => d.dispose())));

  it('32 processes calling it at once end with one daemon and 32 connections', async () => {
    const daemon = new TempDaemon();
    daemons.push(daemon);
    const children = Array.from({ length: 32 }, () =>
      spawn(process.execPath, [ENSURE, daemon.home], { env: { ...process.env, ...daemon.env }, stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const reports = await Promise.all(
      children.map(
        (child) =>
          new Promise<{ pid: number; spawned: boolean }>((resolve, reject) => {
            createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line)));
            child.once('exit', (code) => reject(new Error(`ensure process exited with ${code}`)));
          }),
      ),
    );
    const pids = new Set(reports.map((r) => r.pid));
    assert.equal(pids.size, 1, `all callers reached the same daemon, got ${[...pids]}`);
    const [pid] = pids;
    assert.equal(daemon.discovery?.pid, pid);
    // Losing candidates exit right after failing to take the lock.
    await waitFor(() => daemonProcesses(daemon.home).length === 1, 10_000, 'losing daemon candidates to exit');
    assert.deepEqual(daemonProcesses(daemon.home), [pid]);
    const status = (await daemon.http('/api/status')).body;
    assert.equal(status.clients, 32);
    for (const child of children) child.stdin!.end();
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    await waitFor(async () => (await daemon.http('/api/status')).body.clients === 0, 10_000, 'clients to disconnect');
  });

  it('attaches to a running daemon without spawning', async () => {
    const daemon = new TempDaemon();
    daemons.push(daemon);
    const first = await daemon.start();
    const second = await daemon.start();
    assert.equal(second.pid, first.pid);
  });

  it('replaces a stale lock, socket and discovery file left by a killed daemon', async () => {
    const daemon = new TempDaemon();
    daemons.push(daemon);
    const first = await daemon.start();
    await daemon.kill9();
    const second = await daemon.start();
    assert.notEqual(second.pid, first.pid);
    const client = await daemon.client();
    assert.equal((await client.status()).pid, second.pid);
    await client.close();
  });

  it('refuses a daemon that speaks another protocol, naming both versions', async () => {
    const home = mkdtempSync(join(tmpdir(), 'wdt-old-'));
    const socketPath = join(home, 'daemon.sock');
    // A stand-in for a daemon of another release: it welcomes every client with protocol 99.
    const server = createServer((socket) => {
      socket.once('data', () => socket.write(encodeFrame({ t: 'welcome', protocol: 99, version: '9.0.0', pid: process.pid, httpPort: null })));
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    writeDiscovery(join(home, 'daemon.json'), { pid: process.pid, version: '9.0.0', protocolVersion: 99, socketPath, httpPort: null, startedAt: new Date().toISOString(), home });
    try {
      await assert.rejects(ensureDaemon({ home, timeoutMs: 2_000 }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'VERSION_MISMATCH');
        assert.match(error.message, new RegExp(`client speaks protocol ${PROTOCOL_VERSION} \\(package ${PACKAGE_VERSION.replace(/\./g, '\\.')}\\)`));
        assert.match(error.message, /daemon speaks protocol 99 \(package 9\.0\.0\)/);
        assert.match(error.message, /wandb-daemon stop/);
        return true;
      });
    } finally {
      server.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('fails with the tail of the daemon log when no daemon can start', async () => {
    const home = mkdtempSync(join(tmpdir(), 'wdt-bad-'));
    try {
      const script = `import('${new URL('../src/lifecycle/ensure-daemon.js', import.meta.url).href}').then(async (m) => {
        try { await m.ensureDaemon({ home: ${JSON.stringify(home)}, timeoutMs: 3000 }); console.log('started'); }
        catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message })); }
      })`;
      // An unparseable idle timeout makes the daemon fail at start-up and log why.
      const result = await runNode(['--input-type=module', '-e', script], { WANDB_DAEMON_IDLE_TIMEOUT: 'soon', WANDB_DAEMON_HOME: home });
      const outcome = JSON.parse(result.stdout.trim());
      assert.equal(outcome.name, 'DaemonStartError');
      assert.match(outcome.message, /could not start wandb-daemon/);
      assert.match(outcome.message, /last lines of the daemon log/);
      assert.match(outcome.message, /WANDB_DAEMON_IDLE_TIMEOUT must be a number/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('loads no native module and no server framework in the user process', async () => {
    const daemon = new TempDaemon();
    daemons.push(daemon);
    const log = join(daemon.home, 'imports.log');
    const ensure = new URL('../src/lifecycle/ensure-daemon.js', import.meta.url).href;
    const script = `const m = await import('${ensure}'); const d = await m.ensureDaemon({ home: ${JSON.stringify(daemon.home)} }); d.connection.socket.destroy(); console.log(d.discovery.pid);`;
    const result = await runNode(['--import', RECORDER, '--input-type=module', '-e', script], { ...daemon.env, WANDB_TEST_IMPORT_LOG: log });
    assert.equal(result.code, 0, result.stderr);
    const loaded = readFileSync(log, 'utf8').trim().split('\n');
    assert.ok(loaded.some((url) => url.includes('ensure-daemon.js')), 'the recorder saw the client load ensureDaemon');
    const heavy = loaded.filter((url) => /better-sqlite3|fastify|pino|valibot|msgpackr-extract|\.node$|\/daemon\/dist\/src\/(store|ingest|http)\//.test(url));
    assert.deepEqual(heavy, []);
  });
});
