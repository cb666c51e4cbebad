/**
 * The README's main example end to end: its own server, a real daemon in a temporary home, the run
 * durable locally and then whole on the server.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runNode, TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/quickstart.mjs', import.meta.url));

describe('examples/quickstart.mjs', () => {
  const daemon = new TempDaemon();
  after(() => daemon.dispose());

  it('logs 1,001 durable rows, syncs them to its server, and prints status and the CSV export', async () => {
    const result = await runNode([EXAMPLE], { ...daemon.env, WANDB_API_KEY: '', WANDB_BASE_URL: '' });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /wandb: Tracking run sine-and-loss \(\w{8}\) in project quickstart; syncing to http:\/\/127\.0\.0\.1:\d+ in the background, stored by the daemon \(pid \d+\) in \S+/);
    assert.match(result.stderr, /wandb: Run sine-and-loss \(\w{8}\) finished: 1,001 history rows stored/);
    assert.match(result.stdout, /run \w{8}: 1001 steps, durable in [\d.]+ ms; summary loss \{"min":-0\.000716/);
    assert.match(result.stdout, /on the server after \d+ ms: 1001 history rows, state finished, best_acc 0\.96, loss \{"min":-0\.000716/);
    assert.match(result.stdout, /sync: +0 syncing, 1 synced, 0 failed/);
    const csv = result.stdout.split(/\r?\n/).filter((line) => /^\d+,/.test(line) || line.startsWith('_step,'));
    assert.equal(csv[0], '_step,_runtime,_timestamp,acc.train,eval/acc,loss,wave');
    assert.equal(csv.length, 1 + 1001);
    assert.match(csv.at(-1)!, /^1000,[\d.]+,[\d.]+,,0\.93,,$/);
    const again = await runNode([EXAMPLE], { ...daemon.env, WANDB_SILENT: 'true' });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, '');
  });
});
