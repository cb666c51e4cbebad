/**
 * The README's main example runs end to end against a real daemon in a temporary home.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runNode, TempDaemon } from '../test-utils/temp-daemon.js';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/quickstart.mjs', import.meta.url));

describe('examples/quickstart.mjs', () => {
  const daemon = new TempDaemon();
  after(() => daemon.dispose());

  it('starts the daemon, logs 1,000 durable rows and prints status and the CSV export', async () => {
    const result = await runNode([EXAMPLE], daemon.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /started wandb-daemon pid \d+/);
    assert.match(result.stdout, /run quick\w+: 1000 rows, finished, durable in [\d.]+ ms/);
    const csv = result.stdout.split(/\r?\n/).filter((line) => /^\d+,/.test(line) || line.startsWith('_step,'));
    assert.equal(csv[0], '_step,_runtime,_timestamp,acc.train,loss,wave');
    assert.equal(csv.length, 1 + 1000);
    const again = await runNode([EXAMPLE], daemon.env);
    assert.match(again.stdout, /attached to wandb-daemon pid \d+/);
  });
});
