/**
 * The thin client in the user's process: a whole init / log / finish loads msgpackr and our code,
 * no native module and no server framework; and `mode: 'disabled'` touches no daemon and no disk.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import { ClientProcess, writeScript, type ScriptResult } from './client-process.js';
import { daemonProcesses } from './stored-runs.js';

const RECORDER = import.meta.resolve('@wandb-daemon/daemon/test-utils/import-recorder');
const CHILD_TIMEOUT_MS = 30_000;

const scratch = mkdtempSync(join(tmpdir(), 'wdc-imports-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The npm package a module URL belongs to (the path after its last node_modules/), or null for our own code and builtins. */
function packageOf(url: string): string | null {
  const at = url.lastIndexOf('/node_modules/');
  if (at < 0) return null;
  const [scope, name] = url.slice(at + '/node_modules/'.length).split('/');
  return scope!.startsWith('@') ? `${scope}/${name}` : scope!;
}

describe('what the client loads', () => {
  const daemon = new TempDaemon();
  before(() => daemon.start());
  after(() => daemon.dispose());

  it('init, log and finish load msgpackr and our code: no native module, server framework, validator or YAML parser', async () => {
    const log = join(scratch, 'imports.log');
    const body = `
const run = await wandb.init({ project: 'imports', id: 'thin', config: { lr: 0.01 } });
run.config.batch = 32;
for (let i = 0; i < 10; i += 1) run.log({ loss: 1 / (i + 1), nested: { acc: i / 10 } });
run.summary.best = 0.1;
await run.finish();
// The recorder sees ES module resolution only: list CommonJS modules and mapped native addons too.
const { createRequire } = await import('node:module');
const { readFileSync } = await import('node:fs');
const commonjs = Object.keys(createRequire(import.meta.url).cache);
const addons = readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((line) => line.endsWith('.node'));
console.log(JSON.stringify({ state: run.state, commonjs, addons }));
`;
    const child = new ClientProcess(body, { ...daemon.env, WANDB_SILENT: 'true', WANDB_TEST_IMPORT_LOG: log }, ['--import', RECORDER]);
    const { code, signal, stdout, stderr } = await child.finished(CHILD_TIMEOUT_MS);
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, stderr);
    const { state, commonjs, addons } = JSON.parse(stdout) as { state: string; commonjs: string[]; addons: string[] };
    assert.equal(state, 'finished');
    assert.deepEqual(addons, [], 'no native addon is mapped into the process');
    const { body: stored } = await daemon.http('/api/runs/thin');
    assert.deepEqual({ state: stored.state, historyRows: stored.historyRows }, { state: 'finished', historyRows: 10 });

    const loaded = [...readFileSync(log, 'utf8').trim().split('\n'), ...commonjs.map((path) => `file://${path}`)];
    assert.ok(loaded.some((url) => url.endsWith('/client/dist/src/index.js')), 'the recorder saw the client load');
    const heavy = loaded.filter((url) =>
      /better-sqlite3|fastify|pino|valibot|msgpackr-extract|\/node_modules\/yaml\/|\.node$|\/daemon\/dist\/src\/(store|ingest|http)\//.test(url),
    );
    assert.deepEqual(heavy, []);
    assert.deepEqual(loaded.filter((url) => url.includes('/client/dist/src/login/')), [], 'login() code loads only when login() is called');
    assert.ok(loaded.some((url) => /\/node_modules\/msgpackr\//.test(url)), 'msgpackr is the codec');
    // Beyond our own packages, msgpackr is the only package the client may load.
    const packages = new Set(loaded.map(packageOf).filter((name): name is string => name !== null && !name.startsWith('@wandb-daemon/')));
    assert.deepEqual([...packages].sort(), ['msgpackr']);
  });
});

describe("mode: 'disabled'", () => {
  it('touches no daemon and no disk: the home stays absent, the working directory and HOME stay empty', async () => {
    const root = mkdtempSync(join(scratch, 'disabled-'));
    const home = join(root, 'daemon-home'); // must never be created
    const cwd = join(root, 'cwd');
    const userHome = join(root, 'user-home');
    mkdirSync(cwd);
    mkdirSync(userHome);
    const body = `
const run = await wandb.init({ mode: 'disabled', project: 'disabled', config: { lr: 0.01 } });
run.config.batch = 32;
for (let i = 0; i < 100; i += 1) run.log({ loss: 1 / (i + 1) });
run.log({ pending: true }, { commit: false });
wandb.log({ via: 'module' });
wandb.summary.best = 0.5;
run.defineMetric('loss', { summary: 'min' });
await run.finish();
console.log(JSON.stringify({ mode: run.mode, state: run.state, step: run.step, config: { ...run.config }, current: wandb.run }));
`;
    const env: NodeJS.ProcessEnv = { ...process.env, WANDB_DAEMON_HOME: home, HOME: userHome, WANDB_SILENT: '', WANDB_DIR: '', WANDB_MODE: '' };
    const child = spawn(process.execPath, [writeScript(body)], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const result = await new Promise<ScriptResult>((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.once('error', reject);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });
    assert.deepEqual({ code: result.code, signal: result.signal }, { code: 0, signal: null }, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { mode: 'disabled', state: 'finished', step: 101, config: { lr: 0.01, batch: 32 }, current: null });
    assert.equal(existsSync(home), false, 'the daemon home was never created');
    assert.deepEqual(readdirSync(cwd), [], 'nothing was written to the working directory');
    assert.deepEqual(readdirSync(userHome), [], 'nothing was written to HOME');
    assert.deepEqual(daemonProcesses(home), [], 'no daemon was started');
  });
});
