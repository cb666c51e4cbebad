/**
 * W&B's own JavaScript client (`@wandb/sdk` 0.5.1, unmodified, from the npm registry) logs to our
 * server: its Viewer check, UpsertBucket with a plain config, file_stream lines without `_step`, and
 * its final request, all as it sends them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runNode } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import { RestartableServer, stepsExactlyOnce, waitFor } from './stack.js';

const SDK_URL = import.meta.resolve('@wandb/sdk');

describe('the official @wandb/sdk against our server', () => {
  const server = new RestartableServer();
  const dir = mkdtempSync(join(tmpdir(), 'wde-sdk-'));
  before(() => server.start());
  after(() => server.stop());

  function runSdk(body: string, key: string) {
    const file = join(dir, `script-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(file, `import wandb from ${JSON.stringify(SDK_URL)};\n${body}\n`);
    return runNode([file], { WANDB_BASE_URL: server.url, WANDB_API_KEY: key, WANDB_SILENT: 'true', NETRC: join(dir, 'no-netrc') });
  }

  test('a run logged with @wandb/sdk arrives whole and finished', async () => {
    const result = await runSdk(
      `const run = await wandb.init({ project: 'official', config: { lr: 0.1, nested: { a: 1 } } });
       for (let i = 0; i < 300; i++) wandb.log({ loss: 1 / (i + 1), acc: { val: i / 300 } });
       await wandb.finish();
       console.log('run ' + run.id);`,
      server.adminKey,
    );
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const id = /^run (\w+)$/m.exec(result.stdout)![1]!;
    await waitFor(async () => (await server.run('admin', 'official', id))?.state === 'finished', 30_000, 'the sdk run to be finished');
    const run = await server.run('admin', 'official', id);
    assert.equal(run.historyLineCount, 300);
    assert.deepEqual(run.config, { lr: 0.1, nested: { a: 1 } });
    assert.deepEqual(run.configWrapped, { lr: { value: 0.1 }, nested: { value: { a: 1 } } }, 'a plain config is stored wrapped');
    assert.equal(run.summary.loss, 1 / 300);
    // @wandb/sdk omits `_step`: the server infers it from the line index.
    const rows = await server.history('admin', 'official', id);
    assert.equal(stepsExactlyOnce(rows, 300), null);
    assert.equal(rows[299]!.loss, 1 / 300);
  });

  test('a key the server refuses fails @wandb/sdk at init, as against W&B', async () => {
    const result = await runSdk(`await wandb.init({ project: 'official' });`, `local-${'z'.repeat(40)}`);
    assert.notEqual(result.code, 0);
    assert.doesNotMatch(result.stdout + result.stderr, /z{40}/);
  });
});
