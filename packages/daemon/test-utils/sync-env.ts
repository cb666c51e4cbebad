/** Shared pieces of the sync integration tests: fast sync settings and checks of what the fake stored. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { FakeWandbServer } from './fake-wandb-server.js';
import { TempDaemon } from './temp-daemon.js';

/** A key in the format W&B clients accept (prefix, dash, 40 alphanumerics). */
export const API_KEY = `local-${'k3y'.repeat(13)}x`;

/**
 * Sync timings shrunk for tests (the defaults are seconds). System metrics sampling is off: these tests
 * count the events lines they send (test/system-metrics.test.ts covers the sampler).
 */
export const FAST_SYNC_ENV: NodeJS.ProcessEnv = {
  WANDB_DAEMON_STATS_INTERVAL: '0',
  WANDB_DAEMON_SYNC_BACKOFF_MIN_MS: '50',
  WANDB_DAEMON_SYNC_BACKOFF_MAX_MS: '300',
  WANDB_DAEMON_SYNC_INTERVAL_MS: '100',
  WANDB_DAEMON_SYNC_DEBOUNCE_MS: '200',
  WANDB_DAEMON_SYNC_TIMEOUT_MS: '3000',
  WANDB_DAEMON_SYNC_HEARTBEAT_MS: '500',
};

/** The `remote` of run.start for the fake. */
export function remoteOf(fake: FakeWandbServer, apiKey = fake.apiKey): { remote: { baseUrl: string; apiKey: string } } {
  return { remote: { baseUrl: fake.url, apiKey } };
}

/** Asserts that a stored file_stream file holds exactly `n` lines with no hole, and returns them. */
export function assertLines(fake: FakeWandbServer, run: string, file: string, n: number): string[] {
  const lines = fake.lines(run, file);
  assert.equal(lines.length, n, `${file} of ${run}: ${lines.length} lines stored, expected ${n}`);
  for (let i = 0; i < n; i += 1) assert.equal(typeof lines[i], 'string', `${file} of ${run}: line ${i} missing`);
  return lines as string[];
}

/** The `_step` of each stored history line. */
export function steps(lines: string[]): number[] {
  return lines.map((line) => Number(/"_step":(\d+)/.exec(line)?.[1]));
}

/** Asserts that the daemon log never contains the API key. */
export function assertKeyNotLogged(logPath: string, apiKey: string): void {
  const log = readFileSync(logPath, 'utf8');
  assert.ok(!log.includes(apiKey), 'the API key appears in the daemon log');
  assert.ok(!log.includes(Buffer.from(`api:${apiKey}`).toString('base64')), 'the encoded API key appears in the daemon log');
}

/**
 * A fake W&B server and a daemon, started before and stopped after the tests of the enclosing
 * `describe` (call it there). Hooks run in registration order: ones registered after this see both up.
 */
export function fakeAndDaemon(env: NodeJS.ProcessEnv = FAST_SYNC_ENV): { fake: FakeWandbServer; daemon: TempDaemon } {
  const fake = new FakeWandbServer(API_KEY);
  const daemon = new TempDaemon(env);
  before(async () => {
    await fake.listen();
    await daemon.start();
  });
  after(async () => {
    await daemon.dispose();
    await fake.close();
  });
  return { fake, daemon };
}
