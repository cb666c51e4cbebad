/**
 * Private files, idle exit, clean shutdown on signals.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isProcessAlive } from '../src/lifecycle/process-alive.js';
import { TempDaemon, waitFor } from '../test-utils/temp-daemon.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('daemon lifecycle', () => {
  const daemons: TempDaemon[] = [];
  after(async () => Promise.all(daemons.map((d) => d.dispose())));

  it('keeps its home, files and socket private to the user', async () => {
    const daemon = new TempDaemon();
    daemons.push(daemon);
    await daemon.start();
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'perm' });
    client.log(run, 0, { x: 1 });
    await client.finish(run);
    await client.close();
    assert.equal(mode(daemon.home), 0o700);
    for (const file of ['daemon.json', 'daemon.lock', 'daemon.log', 'http-token', 'store.sqlite', 'store.sqlite-wal', 'store.sqlite-shm']) {
      assert.equal(mode(join(daemon.home, file)), 0o600, file);
    }
    assert.equal(mode(daemon.discovery!.socketPath), 0o600);
  });

  it('moves the socket to a short private directory when the home path is too long', async () => {
    const home = join(tmpdir(), `wdt-long-${'x'.repeat(90)}`, 'home');
    mkdirSync(dirname(home), { recursive: true });
    const daemon = new TempDaemon({}, home);
    daemons.push(daemon);
    const discovery = await daemon.start();
    assert.ok(Buffer.byteLength(discovery.socketPath) <= 100, discovery.socketPath);
    assert.ok(!discovery.socketPath.startsWith(home));
    assert.equal(mode(dirname(discovery.socketPath)), 0o700);
    const client = await daemon.client();
    assert.equal((await client.status()).socketPath, discovery.socketPath);
    await client.close();
  });

  it('exits when idle (no client, nothing to sync) for the idle timeout, and not while a client is connected', async () => {
    const daemon = new TempDaemon({ WANDB_DAEMON_IDLE_TIMEOUT: '1' });
    daemons.push(daemon);
    const { pid } = await daemon.start();
    const client = await daemon.client();
    // Three idle timeouts with a client attached: still serving.
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(isProcessAlive(pid), true);
    assert.equal((await client.status()).clients, 1);
    await client.close();
    await waitFor(() => !isProcessAlive(pid), 15_000, 'idle daemon to exit');
    assert.equal(existsSync(daemon.paths.discovery), false);
    assert.equal(existsSync(daemon.paths.socket), false);
    assert.equal(existsSync(daemon.paths.lock), false);
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} stops cleanly keeping every acknowledged row, removes socket, discovery file and lock; the writer can reattach`, async () => {
      const daemon = new TempDaemon();
      daemons.push(daemon);
      const { pid } = await daemon.start();
      const client = await daemon.client();
      const { run } = await client.startRun({ runId: `signal-${signal}` });
      for (let step = 0; step < 5_000; step += 1) client.log(run, step, { x: step });
      await client.flush();
      await client.waitForAck(run, 5_000);
      process.kill(pid, signal);
      await waitFor(() => !isProcessAlive(pid), 10_000, `daemon to exit on ${signal}`);
      for (const path of [daemon.paths.discovery, daemon.paths.socket, daemon.paths.lock]) assert.equal(existsSync(path), false, path);
      await daemon.start();
      const stored = (await daemon.http(`/api/runs/signal-${signal}`)).body;
      assert.equal(stored.historyRows, 5_000);
      // Its writer is alive and may reconnect: the run waits for it rather than being called crashed.
      assert.equal(stored.state, 'running');
      const again = await daemon.client();
      const resumed = await again.startRun({ runId: `signal-${signal}` }, 'reattach');
      assert.equal(resumed.startingStep, 5_000);
      again.log(run, 5_000, { x: 5_000 });
      const done = await again.finish(resumed.run);
      assert.equal(done.rows, 5_001);
      assert.equal(done.state, 'finished');
      await again.close();
    });
  }
});
