/**
 * An online run synced by a real daemon to the fake W&B server: every stream with the right offsets
 * and formats, the files, the final complete; a config change as a partial UpsertBucket; a 401 that
 * stops the run's sync with a clear reason while ingest goes on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { API_KEY, assertKeyNotLogged, assertLines, fakeAndDaemon, FAST_SYNC_ENV, remoteOf, steps } from '../test-utils/sync-env.js';
import { waitFor } from '../test-utils/temp-daemon.js';

describe('sync of an online run', () => {
  const { fake, daemon } = fakeAndDaemon(FAST_SYNC_ENV);

  it('delivers history, events, output, summary, config and files, then complete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wds-'));
    writeFileSync(join(dir, 'model.txt'), 'weights');
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'online1', mode: 'online', config: { lr: 0.01 }, tags: ['a'] }, 'overwrite', remoteOf(fake));
    client.record(run, { t: 'metric', name: 'loss', stepMetric: 'epoch', summary: ['min'] });
    for (let step = 0; step < 1_500; step += 1) client.log(run, step, { loss: step === 7 ? Number.NaN : 1 / (step + 1), epoch: Math.floor(step / 100) });
    for (let i = 0; i < 5; i += 1) client.record(run, { t: 'system', ts: 1_700_000_000 + i, runtime: i, metrics: { cpu: 10 + i } });
    client.record(run, { t: 'console', stream: 'stdout', ts: 1_700_000_000.25, lines: ['hello', 'world'] });
    client.record(run, { t: 'console', stream: 'stderr', ts: 1_700_000_001.5, lines: ['warning!'] });
    client.record(run, { t: 'file', path: 'model.txt', localPath: join(dir, 'model.txt'), policy: 'now' });
    client.record(run, { t: 'summary', set: { best: 3 }, remove: [] });
    const fin = await client.finish(run, 0);
    assert.equal(fin.rows, 1_500);
    await waitFor(() => fake.run('online1')?.complete === true, 30_000, 'complete');
    const stored = fake.run('online1')!;
    assert.equal(stored.entity, 'fake-entity');
    assert.equal(stored.exitcode, 0);
    const history = assertLines(fake, 'online1', 'wandb-history.jsonl', 1_500);
    assert.deepEqual(steps(history), Array.from({ length: 1_500 }, (_, i) => i));
    assert.match(history[7]!, /"loss":NaN/);
    assert.equal(assertLines(fake, 'online1', 'wandb-events.jsonl', 5)[0], '{"_wandb":true,"_timestamp":1700000000,"_runtime":0,"system.cpu":10}');
    assert.deepEqual(assertLines(fake, 'online1', 'output.log', 3), [
      '2023-11-14T22:13:20.250000 hello',
      '2023-11-14T22:13:20.250000 world',
      'ERROR 2023-11-14T22:13:21.500000 warning!',
    ]);
    const summary = JSON.parse(fake.lines('online1', 'wandb-summary.json')[0]!.replace('NaN', 'null'));
    assert.equal(summary.best, 3);
    assert.equal(summary._step, 1_499);
    assert.deepEqual(stored.config!.lr, { value: 0.01 });
    assert.deepEqual((stored.config!._wandb as { value: { m: unknown[] } }).value.m[0], { '1': 'loss', '5': 2, '6': [3], '7': [1] });
    // The first UpsertBucket sends every variable, unset ones null.
    const first = fake.operations('UpsertBucket')[0]!.body.variables;
    assert.equal(Object.keys(first).length, 19);
    assert.equal(first.name, 'online1');
    assert.deepEqual(first.tags, ['a']);
    assert.equal(first.commit, null);
    for (const name of ['config.yaml', 'wandb-summary.json', 'wandb-metadata.json', 'output.log', 'model.txt']) {
      assert.ok(stored.uploads.has(name), `${name} uploaded`);
      assert.ok(stored.uploaded.includes(name), `${name} reported in uploaded`);
    }
    assert.match(stored.uploads.get('config.yaml')!.toString(), /^wandb_version: 1\n[\s\S]*lr:\n {2}desc: null\n {2}value: 0.01/);
    assert.equal(stored.uploads.get('model.txt')!.toString(), 'weights');
    assert.equal(stored.uploads.get('output.log')!.toString().split('\n').length, 4);
    // Upload PUTs carry no Authorization header; everything else does.
    for (const req of fake.requests) assert.equal(req.authorization === undefined, req.method === 'PUT', `${req.method} ${req.path}`);
    // Offsets are contiguous across requests, and `complete` comes last with nothing after it.
    let next = 0;
    const streams = fake.requests.filter((r) => r.path.endsWith('/file_stream'));
    for (const req of streams) {
      const chunk = req.body.files?.['wandb-history.jsonl'];
      if (!chunk) continue;
      assert.equal(chunk.offset, next);
      next += chunk.content.length;
    }
    assert.deepEqual(streams.at(-1)!.body, { complete: true, exitcode: 0 });
    const view = (await daemon.http('/api/runs/online1')).body;
    assert.equal(view.sync.state, 'synced');
    assert.deepEqual(view.sync.history, { synced: 1_500, total: 1_500 });
    assert.equal(view.sync.complete, true);
    assert.ok(!JSON.stringify(view).includes(API_KEY));
    const status = (await daemon.http('/api/status')).body;
    assert.equal(status.sync.synced, 1);
    assert.equal(status.rows.unsynced, 0);
    await client.close();
  });

  it('sends a config change as a partial, debounced UpsertBucket', async () => {
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'online2', mode: 'online', config: { lr: 1 } }, 'overwrite', remoteOf(fake));
    await waitFor(() => fake.operations('UpsertBucket').some((r) => r.body.variables.name === 'online2'), 10_000, 'first upsert');
    client.record(run, { t: 'config', set: { batch: 64 }, remove: [] });
    await client.flush();
    await waitFor(() => fake.operations('UpsertBucket').filter((r) => r.body.variables.name === 'online2').length >= 2, 10_000, 'partial upsert');
    const partial = fake.operations('UpsertBucket').filter((r) => r.body.variables.name === 'online2')[1]!.body.variables;
    assert.deepEqual(JSON.parse(partial.config).batch, { value: 64 });
    assert.equal(partial.tags, null);
    assert.equal(partial.displayName, null);
    assert.equal(partial.id, fake.run('online2')!.id);
    // While running with nothing new: heartbeats.
    await waitFor(() => fake.requests.some((r) => r.path.includes('/online2/file_stream') && JSON.stringify(r.body) === '{}'), 10_000, 'heartbeat');
    // The server asks to stop the run: recorded and shown.
    fake.stopRuns.add('online2');
    client.log(run, 0, { x: 1 });
    await client.flush();
    await waitFor(async () => (await daemon.http('/api/runs/online2')).body.sync.stopRequested === true, 10_000, 'stop recorded');
    await client.finish(run, 3);
    await waitFor(() => fake.run('online2')?.complete === true, 10_000, 'complete');
    assert.equal(fake.run('online2')!.exitcode, 3);
    await client.close();
  });

  it('a 401 stops the run sync with a clear reason in status; ingest goes on', async () => {
    const client = await daemon.client();
    const wrongKey = `local-${'w'.repeat(40)}`;
    const { run } = await client.startRun({ runId: 'badkey', mode: 'online' }, 'overwrite', remoteOf(fake, wrongKey));
    for (let step = 0; step < 200; step += 1) client.log(run, step, { x: step });
    await client.flush();
    await waitFor(async () => (await daemon.http('/api/status')).body.sync.failed === 1, 10_000, 'fatal sync');
    const status = (await daemon.http('/api/status')).body;
    const failed = status.sync.runs.find((r: { runId: string }) => r.runId === 'badkey');
    assert.equal(failed.state, 'failed');
    assert.match(failed.error, /^401 Unauthorized from http:\/\/127\.0\.0\.1:\d+: user is not logged in$/);
    for (let step = 200; step < 400; step += 1) client.log(run, step, { x: step });
    const fin = await client.finish(run, 0);
    assert.equal(fin.rows, 400);
    assert.equal(fin.state, 'finished');
    const human = await daemon.cli(['status']);
    assert.match(human.stdout, /run badkey \(project test\) → http:\/\/127\.0\.0\.1:\d+: failed, 0 synced, 400 unsynced rows: 401 Unauthorized/);
    const runs = await daemon.cli(['runs']);
    assert.match(runs.stdout, /badkey .* failed/);
    assert.ok(!human.stdout.includes(wrongKey) && !runs.stdout.includes(wrongKey));
    assert.ok(!JSON.stringify(await daemon.http('/api/runs')).includes(wrongKey));
    assertKeyNotLogged(daemon.paths.log, wrongKey);
    assertKeyNotLogged(daemon.paths.log, API_KEY);
    await client.close();
  });
});
