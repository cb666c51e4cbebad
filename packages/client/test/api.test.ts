/**
 * The run API against a real daemon, in this process: what `init`, `log`, `config`, `summary`,
 * `defineMetric`, reinit and resume store, read back through the daemon's HTTP API.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import wandb, { activeRuns, config, ConfigError, init, log, summary, UsageError, WandbError, type Run } from '../src/index.js';
import { readResumeState } from '../src/options/index.js';
import { appUrl } from '../src/remote.js';

const daemon = new TempDaemon();
const savedEnv = { ...process.env };
let dir: string;

before(async () => {
  await daemon.start();
  dir = mkdtempSync(join(tmpdir(), 'wdc-api-'));
  // No API key from the developer's environment: runs without one are offline and never leave the daemon.
  delete process.env.WANDB_API_KEY;
  Object.assign(process.env, { WANDB_DAEMON_HOME: daemon.home, WANDB_SILENT: 'true', WANDB_DIR: dir, NETRC: join(dir, 'no-netrc') });
});

after(async () => {
  for (const run of [...activeRuns()]) await run.finish();
  process.env = savedEnv;
  await daemon.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function stored(run: Run): Promise<any> {
  const { status, body } = await daemon.http(`/api/runs/${run.id}`);
  assert.equal(status, 200);
  return body;
}

async function lines(run: Run): Promise<string[]> {
  const { body } = await daemon.http(`/api/runs/${run.id}/history?format=lines`);
  return body.lines.map((l: { line: string }) => l.line);
}

async function rows(run: Run): Promise<Record<string, unknown>[]> {
  const { body } = await daemon.http(`/api/runs/${run.id}/history`);
  return body.rows;
}

describe('init, log and finish', () => {
  it('stores rows with _step, _runtime and _timestamp, nested objects and non-finite numbers', async () => {
    const run = await init({ project: 'api', name: 'first', config: { lr: 0.01 }, tags: ['a', 'b'], notes: 'n', group: 'g', job_type: 'eval' });
    assert.equal(wandb.run, run);
    run.log({ loss: 0.4, acc: { train: 0.9, val: 0.8 } });
    run.log({ loss: Number.NaN, big: Number.POSITIVE_INFINITY, when: new Date(0), ids: new Int32Array([1, 2]) });
    run.log({ loss: 0.3 }, { step: 10, commit: false });
    assert.equal(run.step, 10);
    await run.finish();
    assert.equal(wandb.run, null);
    assert.equal(run.state, 'finished');
    const meta = await stored(run);
    assert.deepEqual(
      { name: meta.name, project: meta.project, tags: meta.tags, notes: meta.notes, group: meta.group, jobType: meta.jobType, state: meta.state, exitCode: meta.exitCode, historyRows: meta.historyRows, config: meta.config },
      { name: 'first', project: 'api', tags: ['a', 'b'], notes: 'n', group: 'g', jobType: 'eval', state: 'finished', exitCode: 0, historyRows: 3, config: { lr: 0.01 } },
    );
    const stored3 = await lines(run);
    assert.match(stored3[1]!, /"loss":NaN/);
    assert.match(stored3[1]!, /"big":Infinity/);
    const [r0, r1, r2] = await rows(run);
    assert.deepEqual([r0!._step, r1!._step, r2!._step], [0, 1, 10]);
    assert.deepEqual(r0!.acc, { train: 0.9, val: 0.8 });
    assert.equal(r1!.when, '1970-01-01T00:00:00.000Z');
    assert.deepEqual(r1!.ids, [1, 2]);
    assert.equal(typeof r0!._runtime, 'number');
    assert.ok(Math.abs((r0!._timestamp as number) - Date.now() / 1000) < 60);
    assert.equal(r2!.loss, 0.3, 'the pending commit:false row is committed by finish');
  });

  it('throws a TypeError for a value that cannot be logged, and sends nothing of that call', async () => {
    const run = await init({ project: 'api' });
    run.log({ ok: 1 });
    const circular: Record<string, unknown> = {};
    circular.me = circular;
    assert.throws(() => run.log({ fine: 2, bad: () => 3 }), TypeError);
    assert.throws(() => run.log({ fine: 2, bad: Symbol('s') }), TypeError);
    assert.throws(() => run.log({ fine: 2, circular }), TypeError);
    assert.throws(() => run.log([1, 2] as never), TypeError);
    assert.throws(() => run.log({ x: 1 }, { step: -1 }), TypeError);
    assert.throws(() => run.log({ x: 1 }, { step: 1.5 }), TypeError);
    assert.throws(() => run.log({ x: 1 }, { commit: 'yes' as never }), TypeError);
    run.log({ ok: 2 });
    await run.finish();
    const all = await rows(run);
    assert.deepEqual(all.map((r) => [r._step, r.ok, r.fine]), [[0, 1, undefined], [1, 2, undefined]]);
  });

  it('drops a step behind the current one, counts it, and throws instead under settings.strictSteps', async () => {
    const run = await init({ project: 'api' });
    run.log({ x: 1 }, { step: 5, commit: true });
    run.log({ x: 2 }, { step: 3 });
    run.log({ x: 3 }, { step: 4 });
    assert.equal(run.droppedSteps, 2);
    await run.finish();
    const meta = await stored(run);
    assert.equal(meta.droppedRows, 2);
    assert.equal(meta.historyRows, 1);

    const strict = await init({ project: 'api', settings: { strictSteps: true } });
    strict.log({ x: 1 }, { step: 5, commit: true });
    assert.throws(() => strict.log({ x: 2 }, { step: 3 }), UsageError);
    await strict.finish();
    assert.equal((await stored(strict)).droppedRows, 0);
  });

  it('finish is a durable handoff that may be awaited twice, and a finished run refuses more calls', async () => {
    const run = await init({ project: 'api' });
    for (let i = 0; i < 5000; i += 1) run.log({ i });
    const first = run.finish();
    assert.equal(run.finish(), first);
    await first;
    assert.equal((await stored(run)).historyRows, 5000);
    assert.throws(() => run.log({ i: 1 }), WandbError);
    assert.throws(() => (run.config.late = 1), WandbError);
    await run.finish(3); // already finished: no effect
    assert.equal((await stored(run)).exitCode, 0);
  });

  it('finish(exitCode) marks the run failed', async () => {
    const run = await init({ project: 'api' });
    run.log({ x: 1 });
    await run.finish(2);
    const meta = await stored(run);
    assert.deepEqual([meta.state, meta.exitCode], ['failed', 2]);
  });

  it('has a url when the run is online (it has an API key) and its entity is known', async () => {
    // A loopback server where nothing listens: the daemon's background sync goes nowhere.
    const settings = { baseUrl: 'http://127.0.0.1:9/', apiKey: `local-${'0'.repeat(40)}` };
    const online = await init({ project: 'api', entity: 'me', settings });
    assert.equal(online.mode, 'online');
    assert.equal(online.url, `http://127.0.0.1:9/me/api/runs/${online.id}`);
    assert.equal(online.path, `me/api/${online.id}`);
    await online.finish();
    const offline = await init({ project: 'api', entity: 'me', mode: 'offline', settings });
    assert.equal(offline.url, undefined);
    await offline.finish();
    const noKey = await init({ project: 'api', entity: 'me', settings: { baseUrl: settings.baseUrl } });
    assert.deepEqual([noKey.mode, noKey.url], ['offline', undefined], 'an online run without a key runs offline');
    await noKey.finish();
  });

  it("links runs of W&B's cloud API to its web app", () => {
    assert.equal(appUrl('https://api.wandb.ai'), 'https://wandb.ai');
    assert.equal(appUrl('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
    assert.equal(appUrl('https://wandb.example.test'), 'https://wandb.example.test');
  });

  it('disposes with `await using`', async () => {
    let id = '';
    {
      await using run = await init({ project: 'api' });
      id = run.id;
      run.log({ x: 1 });
    }
    const { body } = await daemon.http(`/api/runs/${id}`);
    assert.equal(body.state, 'finished');
  });
});

describe('module-level API', () => {
  it('throws W&B errors before init and acts on the current run after', async () => {
    assert.equal(wandb.run, null);
    assert.throws(() => log({ x: 1 }), (e: unknown) => e instanceof WandbError && /You must call wandb.init\(\) before wandb.log\(\)/.test(e.message));
    assert.throws(() => config.lr, /You must call wandb.init\(\) before wandb.config/);
    assert.throws(() => summary.update({ a: 1 }), /before wandb.summary/);
    assert.throws(() => wandb.log({ x: 1 }), WandbError);
    const run = await init({ project: 'api', config: { lr: 0.1 } });
    wandb.log({ x: 1 });
    log({ x: 2 });
    assert.equal(config.lr, 0.1);
    config.update({ batch: 32 });
    summary.best = 5;
    assert.equal(run.config.batch, 32);
    assert.equal(run.summary.best, 5);
    await wandb.finish();
    assert.equal(wandb.run, null);
    const meta = await stored(run);
    assert.deepEqual([meta.historyRows, meta.config, meta.summary.best], [2, { lr: 0.1, batch: 32 }, 5]);
  });
});

describe('config', () => {
  it('supports attribute and key access, update, delete, and refuses value changes without allowValChange', async () => {
    const run = await init({ project: 'api', config: { lr: 0.01, layers: [64, 32] } });
    assert.equal(run.config.lr, 0.01);
    assert.equal(run.config['layers'][1], 32);
    run.config.epochs = 10;
    run.config.update({ batch: 64 });
    run.config.update({ lr: 0.01 }); // the same value is not a change
    assert.throws(() => (run.config.lr = 0.02), (e: unknown) => e instanceof ConfigError && /Attempted to change value of key "lr" from 0.01 to 0.02/.test(e.message));
    assert.throws(() => run.config.update({ lr: 0.03 }), ConfigError);
    run.config.update({ lr: 0.05 }, { allowValChange: true });
    run.config.update({ batch: 128 }, { allow_val_change: true });
    delete run.config.epochs;
    assert.deepEqual(Object.keys(run.config), ['lr', 'layers', 'batch']);
    assert.equal('lr' in run.config, true);
    assert.deepEqual(run.config.toJSON(), { lr: 0.05, layers: [64, 32], batch: 128 });
    assert.throws(() => run.config.update({ f: () => 1 }), TypeError);
    await run.finish();
    assert.deepEqual((await stored(run)).config, { lr: 0.05, layers: [64, 32], batch: 128 });
  });

  it('allowValChange at init allows changes, and include/exclude keys filter the init config', async () => {
    const run = await init({ project: 'api', config: { a: 1, b: 2, c: 3 }, configExcludeKeys: ['b'], allowValChange: true });
    run.config.a = 5;
    await run.finish();
    assert.deepEqual((await stored(run)).config, { a: 5, c: 3 });
    const only = await init({ project: 'api', config: { a: 1, b: 2, c: 3 }, config_include_keys: ['a', 'c'] });
    await only.finish();
    assert.deepEqual((await stored(only)).config, { a: 1, c: 3 });
  });
});

describe('summary', () => {
  it('follows history, keeps explicit values, and forgets deleted ones', async () => {
    const run = await init({ project: 'api' });
    run.log({ loss: 3, acc: 0.1 });
    run.log({ loss: 2, acc: 0.2 });
    assert.equal(run.summary.loss, 2);
    run.summary.acc = 0.99; // pinned: history no longer updates it
    run.log({ loss: 1, acc: 0.3 });
    assert.deepEqual([run.summary.loss, run.summary.acc, run.summary._step], [1, 0.99, 2]);
    run.summary.update({ note: 'best so far' });
    delete run.summary.acc; // unpinned: the next row sets it again
    assert.equal(run.summary.acc, undefined);
    run.log({ loss: 0.5, acc: 0.4 });
    assert.equal(run.summary.acc, 0.4);
    await run.finish();
    const s = (await stored(run)).summary;
    assert.deepEqual([s.loss, s.acc, s.note, s._step], [0.5, 0.4, 'best so far', 3]);
  });

  it('defineMetric summaries and step metrics', async () => {
    const run = await init({ project: 'api' });
    run.defineMetric('loss', { summary: 'min,max', goal: 'minimize' });
    run.defineMetric('val/*', { stepMetric: 'epoch' });
    assert.throws(() => run.defineMetric('a*b'), UsageError);
    assert.throws(() => run.defineMetric('x', { summary: 'median' }), UsageError);
    assert.throws(() => run.defineMetric('x', { bogus: 1 } as never), UsageError);
    run.log({ loss: 3 });
    run.log({ loss: 1, epoch: 1 });
    run.log({ loss: 2, 'val/acc': 0.5 });
    assert.deepEqual(run.summary.loss, { min: 1, max: 3 });
    await run.finish();
    const s = (await stored(run)).summary;
    assert.deepEqual(s.loss, { min: 1, max: 3 });
    const all = await rows(run);
    assert.equal(all[2]!.epoch, 1, 'stepSync adds the step metric to rows of val/*');
    assert.equal(all[0]!.epoch, undefined);
  });
});

describe('reinit', () => {
  it('returns the previous run by default, finishes it with finish_previous or true, keeps it with create_new', async () => {
    const first = await init({ project: 'reinit' });
    assert.equal(await init({ project: 'reinit' }), first);
    assert.equal(await init({ project: 'reinit', reinit: false }), first);
    const second = await init({ project: 'reinit', reinit: 'create_new' });
    assert.notEqual(second, first);
    assert.equal(wandb.run, first, 'create_new does not replace wandb.run');
    assert.deepEqual(activeRuns(), [first, second]);
    first.log({ x: 1 });
    second.log({ y: 1 });
    const third = await init({ project: 'reinit', reinit: true });
    assert.deepEqual([first.state, second.state], ['finished', 'finished']);
    assert.equal(wandb.run, third);
    const fourth = await init({ project: 'reinit', reinit: 'finish_previous' });
    assert.equal(third.state, 'finished');
    await fourth.finish();
    assert.deepEqual([(await stored(first)).historyRows, (await stored(second)).historyRows], [1, 1]);
  });
});

describe('resume', () => {
  it('allow resumes an existing id at its next step with its config and summary, or creates it', async () => {
    const a = await init({ project: 'resume', id: 'res-allow', config: { lr: 1 } });
    a.log({ x: 1 });
    a.log({ x: 2 });
    await a.finish();
    const b = await init({ project: 'resume', id: 'res-allow', resume: 'allow', config: { extra: true } });
    assert.equal(b.resumed, true);
    assert.equal(b.step, 2);
    assert.deepEqual(b.config.toJSON(), { lr: 1, extra: true });
    assert.equal(b.summary.x, 2);
    b.log({ x: 3 });
    await b.finish();
    assert.deepEqual((await rows(b)).map((r) => r._step), [0, 1, 2]);
    const fresh = await init({ project: 'resume', id: 'res-allow-new', resume: 'allow' });
    assert.equal(fresh.resumed, false);
    await fresh.finish();
  });

  it('must fails for a missing id, never fails for an existing one, and none overwrites', async () => {
    await assert.rejects(init({ project: 'resume', id: 'res-missing', resume: 'must' }), UsageError);
    await assert.rejects(init({ project: 'resume', resume: 'must' }), UsageError);
    const a = await init({ project: 'resume', id: 'res-never' });
    a.log({ x: 1 });
    await a.finish();
    await assert.rejects(init({ project: 'resume', id: 'res-never', resume: 'never' }), (e: unknown) => e instanceof UsageError && /already exists/.test(e.message));
    const again = await init({ project: 'resume', id: 'res-never', resume: 'must' });
    assert.equal(again.step, 1);
    await again.finish();
    const over = await init({ project: 'resume', id: 'res-never' });
    assert.equal(over.resumed, false);
    assert.equal(over.step, 0);
    over.log({ y: 1 });
    await over.finish();
    assert.deepEqual((await rows(over)).map((r) => [r._step, r.x, r.y]), [[0, undefined, 1]]);
  });

  it('auto resumes the previous run of this directory when it did not finish cleanly', async () => {
    const autoDir = mkdtempSync(join(tmpdir(), 'wdc-auto-'));
    try {
      const a = await init({ project: 'resume', dir: autoDir, resume: 'auto' });
      assert.equal(await readResumeState(autoDir), a.id);
      a.log({ x: 1 });
      await a.finish(1);
      assert.equal(await readResumeState(autoDir), a.id, 'a failed run stays resumable');
      const b = await init({ project: 'resume', dir: autoDir, resume: true });
      assert.equal(b.id, a.id);
      assert.equal(b.resumed, true);
      assert.equal(b.step, 1);
      await b.finish();
      assert.equal(await readResumeState(autoDir), null, 'a clean finish forgets the run');
      const c = await init({ project: 'resume', dir: autoDir, resume: 'auto' });
      assert.notEqual(c.id, a.id);
      await c.finish();
    } finally {
      rmSync(autoDir, { recursive: true, force: true });
    }
  });
});

describe('environment and modes', () => {
  it('takes run metadata from the WANDB_* variables, with explicit options winning', async () => {
    const env = { WANDB_PROJECT: 'envproj', WANDB_NAME: 'env-name', WANDB_NOTES: 'env notes', WANDB_TAGS: 'x, y', WANDB_RUN_GROUP: 'eg', WANDB_JOB_TYPE: 'jt', WANDB_RUN_ID: 'env-run-1', WANDB_MODE: 'offline' };
    Object.assign(process.env, env);
    try {
      const run = await init({ notes: 'explicit' });
      await run.finish();
      const meta = await stored(run);
      assert.deepEqual(
        [meta.id, meta.project, meta.name, meta.notes, meta.tags, meta.group, meta.jobType, meta.mode],
        ['env-run-1', 'envproj', 'env-name', 'explicit', ['x', 'y'], 'eg', 'jt', 'offline'],
      );
    } finally {
      for (const key of Object.keys(env)) delete process.env[key];
    }
  });

  it('mode disabled works without a daemon or a disk', async () => {
    const home = join(tmpdir(), `wdc-never-${process.pid}`);
    const saved = process.env.WANDB_DAEMON_HOME;
    process.env.WANDB_DAEMON_HOME = home;
    try {
      const before = readdirSync(dir).length;
      const run = await init({ mode: 'disabled', project: 'off', config: { a: 1 } });
      assert.equal(run.mode, 'disabled');
      assert.equal(typeof run.name, 'string');
      run.log({ x: 1 });
      run.config.b = 2;
      run.summary.c = 3;
      run.defineMetric('x', { summary: 'max' });
      assert.equal(run.step, 1);
      assert.equal(run.config.b, 2);
      await run.finish();
      assert.equal(existsSync(home), false);
      assert.equal(readdirSync(dir).length, before);
      process.env.WANDB_DISABLED = 'true';
      const viaEnv = await init({ project: 'off' });
      assert.equal(viaEnv.mode, 'disabled');
      await viaEnv.finish();
    } finally {
      delete process.env.WANDB_DISABLED;
      process.env.WANDB_DAEMON_HOME = saved;
    }
  });

  it('rejects invalid options before creating anything', async () => {
    const before = (await daemon.http('/api/runs')).body.runs.length;
    await assert.rejects(init({ project: 'x', mode: 'sometimes' as never }), UsageError);
    await assert.rejects(init({ project: 'x', tags: 'a' as never }), UsageError);
    await assert.rejects(init({ project: 'x', bogus: 1 } as never), UsageError);
    await assert.rejects(init({ project: 'x', config: { f: () => 1 } }), TypeError);
    assert.equal((await daemon.http('/api/runs')).body.runs.length, before);
  });
});
