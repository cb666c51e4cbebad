/**
 * The README's main example end to end: a small TensorFlow.js training with its own server, a real
 * daemon in a temporary home, the run durable locally and then whole on the server, media included.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runNode, TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/quickstart.mjs', import.meta.url));

describe('examples/quickstart.mjs', () => {
  const daemon = new TempDaemon();
  after(() => daemon.dispose());

  it('trains a tfjs model with watch, logs metrics, images and a confusion matrix, and syncs it all to its server', async () => {
    const result = await runNode([EXAMPLE], { ...daemon.env, WANDB_API_KEY: '', WANDB_BASE_URL: '' });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /wandb: Tracking run bars-cnn \(\w{8}\) in project quickstart; syncing to http:\/\/127\.0\.0\.1:\d+ in the background, stored by the daemon \(pid \d+\) in \S+/);
    // 29 batches × 8 epochs, one row per epoch, and the final row of predictions.
    assert.match(result.stderr, /wandb: Run bars-cnn \(\w{8}\) finished: 241 history rows stored/);
    assert.match(result.stdout, /epoch 7: loss [\d.]+, val acc [\d.]+/);
    assert.match(result.stdout, /run \w{8}: 241 steps, durable in [\d.]+ ms; test accuracy [\d.]+/);
    // Six example images, the confusion matrix's table and the model graph.
    assert.match(result.stdout, /on the server after \d+ ms: 241 history rows, 8 media files, state finished/);
    assert.match(result.stdout, /sync: +0 syncing, 1 synced, 0 failed/);
    const again = await runNode([EXAMPLE], { ...daemon.env, WANDB_SILENT: 'true' });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, '');
  });
});
