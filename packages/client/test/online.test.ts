/**
 * Online and offline runs as the daemon sees them: what `init` puts in `run.start` (`remote: {baseUrl,
 * apiKey}` or null), read off the wire by a recording proxy in front of a real daemon, from every key
 * source (WANDB_API_KEY, settings, an earlier login); an online run without a key runs offline with
 * one warning, or with `force` fails before anything is created; reattaching sends the remote again;
 * init itself never touches the network; and the key never reaches the daemon's log or stored settings.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import { ClientProcess, runScript, type ScriptResult } from './client-process.js';
import { FakeGraphql } from './fake-graphql.js';
import { RecordingProxy } from './recording-proxy.js';

const KEY = `local-${'d4'.repeat(20)}`;
const SETTINGS_KEY = 'e5'.repeat(20);
const CHILD_TIMEOUT_MS = 30_000;

const daemon = new TempDaemon();
const scratch = mkdtempSync(join(tmpdir(), 'wdc-online-'));
let server: FakeGraphql;
let proxy: RecordingProxy;
let env: NodeJS.ProcessEnv;

before(async () => {
  await daemon.start();
  server = await FakeGraphql.start([KEY]);
});
after(async () => {
  await server.close();
  await daemon.dispose();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(async () => {
  proxy = await RecordingProxy.start(daemon);
  server.requests.length = 0;
  env = { WANDB_DAEMON_HOME: proxy.home, WANDB_BASE_URL: server.baseUrl, NETRC: join(scratch, 'absent-netrc'), WANDB_API_KEY: '' };
});
afterEach(() => proxy.dispose());

/** Runs `body` against the proxy and checks it exited cleanly. */
async function run(body: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ScriptResult> {
  const result = await runScript(body, { ...env, ...extraEnv }, CHILD_TIMEOUT_MS);
  assert.deepEqual({ code: result.code, signal: result.signal }, { code: 0, signal: null }, result.stderr);
  return result;
}

/** Asserts that `key` is in neither the daemon's log nor anything its API says about run `id`. */
async function assertKeyNotStored(id: string, key: string): Promise<void> {
  assert.ok(!readFileSync(daemon.paths.log, 'utf8').includes(key), 'the key is in the daemon log');
  const { status, body } = await daemon.http(`/api/runs/${id}`);
  assert.equal(status, 200);
  assert.ok(!JSON.stringify(body).includes(key), 'the key is in the stored run');
}

/**
 * Script lines that count the process's `fetch` calls into `fetches` (the daemon syncs to the same
 * server in the background, so the server's request log cannot tell who asked).
 */
const COUNT_FETCHES = `
let fetches = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = (...args) => { fetches += 1; return realFetch(...args); };`;

const warnings = (stderr: string): string[] => stderr.split('\n').filter((line) => line.includes('WARNING'));

describe('online runs', () => {
  it('with WANDB_API_KEY: run.start carries the remote, init makes no request, the run syncs in the background', async () => {
    const body = `${COUNT_FETCHES}
const run = await wandb.init({ project: 'online', entity: 'alice', id: 'env-key' });
run.log({ loss: 1 });
await run.finish();
console.log(JSON.stringify({ mode: run.mode, url: run.url, fetches }));`;
    const result = await run(body, { WANDB_API_KEY: KEY });
    assert.deepEqual(JSON.parse(result.stdout), { mode: 'online', url: `${server.baseUrl}/alice/online/runs/env-key`, fetches: 0 }, 'init, log and finish never touch the network');
    const [start, ...more] = proxy.runStarts;
    assert.equal(more.length, 0);
    assert.deepEqual(start!.remote, { baseUrl: server.baseUrl, apiKey: KEY });
    assert.equal(start!.run.mode, 'online');
    assert.ok(!JSON.stringify(start!.run).includes(KEY), 'the key is only in remote');
    assert.deepEqual(warnings(result.stderr), []);
    assert.match(result.stderr, new RegExp(`Tracking run \\S+ \\(env-key\\) in project online at \\S+; syncing to ${server.baseUrl} in the background, stored by the daemon`));
    assert.match(result.stderr, new RegExp(`Run \\S+ \\(env-key\\) finished: 1 history rows stored; syncing to ${server.baseUrl} in the background`));
    await assertKeyNotStored('env-key', KEY);
  });

  it('settings.base_url and settings.api_key win over the environment; the key is used, not stored', async () => {
    const body = `
const run = await wandb.init({ project: 'online', id: 'settings-key', settings: { base_url: 'http://127.0.0.1:9/', api_key: ${JSON.stringify(SETTINGS_KEY)}, console: 'off' } });
await run.finish();`;
    await run(body, { WANDB_API_KEY: KEY });
    const [start] = proxy.runStarts;
    assert.deepEqual(start!.remote, { baseUrl: 'http://127.0.0.1:9', apiKey: SETTINGS_KEY });
    assert.deepEqual(start!.run.settings, { baseUrl: 'http://127.0.0.1:9/', console: 'off' });
    await assertKeyNotStored('settings-key', SETTINGS_KEY);
  });

  it("uses the key of an earlier login() in the process, for the login's host", async () => {
    const netrc = join(scratch, 'login-netrc');
    const body = `${COUNT_FETCHES}
await wandb.login({ key: ${JSON.stringify(KEY)}, host: ${JSON.stringify(server.baseUrl)} });
const run = await wandb.init({ project: 'online', id: 'login-key' });
await run.finish();
console.log(fetches);`;
    // No WANDB_BASE_URL: init takes the server from login(); netrc is written, but the key comes from memory.
    const result = await run(body, { WANDB_BASE_URL: '', NETRC: netrc, WANDB_SILENT: 'true' });
    assert.deepEqual(proxy.runStarts[0]!.remote, { baseUrl: server.baseUrl, apiKey: KEY });
    assert.equal(result.stdout, '1\n', 'login verified the key; init asked nothing');
    rmSync(netrc);
    await assertKeyNotStored('login-key', KEY);
  });

  it('a reattach after the daemon connection is lost sends the remote again', async () => {
    const go = join(scratch, 'go');
    const body = `
const { existsSync } = await import('node:fs');
const run = await wandb.init({ project: 'online', id: 'reattach' });
run.log({ i: 0 });
console.log('ready');
while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 10));
run.log({ i: 1 });
await run.finish();
console.log('done');`;
    const child = new ClientProcess(body, { ...env, WANDB_API_KEY: KEY, WANDB_SILENT: 'true' });
    await child.waitForOutput('ready');
    proxy.dropConnections();
    writeFileSync(go, '');
    const result = await child.finished(CHILD_TIMEOUT_MS);
    rmSync(go);
    assert.deepEqual({ code: result.code, stdout: result.stdout }, { code: 0, stdout: 'ready\ndone\n' }, result.stderr);
    const starts = proxy.runStarts.map((m) => ({ resume: m.resume, remote: m.remote }));
    assert.deepEqual(starts, [
      { resume: 'overwrite', remote: { baseUrl: server.baseUrl, apiKey: KEY } },
      { resume: 'reattach', remote: { baseUrl: server.baseUrl, apiKey: KEY } },
    ]);
    const { body: stored } = await daemon.http('/api/runs/reattach');
    assert.deepEqual([stored.state, stored.historyRows], ['finished', 2]);
  });
});

describe('runs without a key', () => {
  it('online without a key: the run is offline, with one warning for the process', async () => {
    const body = `
for (const id of ['no-key-1', 'no-key-2']) {
  const run = await wandb.init({ project: 'online', entity: 'alice', id });
  console.log(JSON.stringify({ mode: run.mode, url: run.url ?? null }));
  await run.finish();
}`;
    const result = await run(body);
    assert.deepEqual(result.stdout.trim().split('\n').map((line) => JSON.parse(line)), [
      { mode: 'offline', url: null },
      { mode: 'offline', url: null },
    ]);
    assert.deepEqual(proxy.runStarts.map((m) => [m.run.mode, m.remote]), [
      ['offline', null],
      ['offline', null],
    ]);
    const said = warnings(result.stderr);
    assert.equal(said.length, 1, result.stderr);
    assert.match(said[0]!, new RegExp(`not logged in to ${server.baseUrl}: runs are offline`));
    assert.match(said[0]!, /login\(\)/);
    assert.match(said[0]!, /WANDB_API_KEY/);
    assert.match(said[0]!, /wandb-daemon sync/);
    assert.match(result.stderr, /Tracking run \S+ \(no-key-1\) in project online; offline, stored by the daemon/);
    assert.match(result.stderr, /Run \S+ \(no-key-1\) finished: 0 history rows stored; offline: `wandb-daemon sync` uploads it/);
  });

  it('force: true without a key throws a UsageError before anything is created', async () => {
    const body = `
try {
  await wandb.init({ project: 'online', id: 'forced', force: true });
  console.log('created');
} catch (error) {
  console.log(JSON.stringify({ name: error.name, usage: error instanceof wandbNamed.UsageError, message: error.message }));
}`;
    const result = await run(body);
    const outcome = JSON.parse(result.stdout);
    assert.deepEqual([outcome.name, outcome.usage], ['UsageError', true]);
    assert.match(outcome.message, new RegExp(`^Not logged in to ${server.baseUrl}`));
    assert.match(outcome.message, /login\(\)|WANDB_API_KEY/);
    assert.equal(proxy.connections, 0, 'the daemon was never contacted');
    assert.equal((await daemon.http('/api/runs/forced')).status, 404);
  });

  it('offline mode sends remote null and looks up no key', async () => {
    const body = `
const run = await wandb.init({ project: 'online', id: 'offline-mode', mode: 'offline', force: true });
await run.finish();`;
    const result = await run(body, { WANDB_API_KEY: 'not a key at all' });
    assert.deepEqual(warnings(result.stderr), []);
    assert.deepEqual(proxy.runStarts.map((m) => [m.run.mode, m.remote]), [['offline', null]]);
  });

  it('a malformed WANDB_API_KEY is a UsageError naming the variable, not the key', async () => {
    const body = `
try { await wandb.init({ project: 'online', id: 'bad-key' }); } catch (error) { console.log(JSON.stringify({ name: error.name, message: error.message })); }`;
    const result = await run(body, { WANDB_API_KEY: 'secret-but-short' });
    const outcome = JSON.parse(result.stdout);
    assert.equal(outcome.name, 'UsageError');
    assert.match(outcome.message, /WANDB_API_KEY/);
    assert.ok(!outcome.message.includes('secret-but-short'));
    assert.equal(proxy.connections, 0);
  });
});
