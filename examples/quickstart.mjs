// The main example: a small TensorFlow.js model trained on the CPU, tracked with the W&B API and
// synced to a W&B-compatible server. It starts a throwaway server (our `wandb-server`, in this
// process, on a free loopback port); `init` attaches to the local wandb-daemon or starts it; `watch`
// logs the model's gradients and parameters as histograms; `log` only queues (metrics, images, a
// confusion matrix); `finish` resolves once the daemon has everything on disk, and the daemon uploads
// the run in the background. The run is then read back from the server's API and the daemon's CLI.
//
// Set KEEP_SERVER=1 to keep the server running afterwards and browse the run in its dashboard.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import wandb from '@wandb-daemon/client';
import { startServer } from '@wandb-daemon/server';

const CLASSES = ['horizontal', 'vertical', 'diagonal', 'anti-diagonal'];
const SIZE = 12;
// Half-drawn lines in heavy noise: hard enough that the confusion matrix has something to show.
const NOISE = { gaps: 0.4, amplitude: 1.4 };

/** A noisy SIZE×SIZE picture of a broken line of one of the CLASSES, values in [0, 1]. */
function sample(label, random) {
  const pixels = new Float32Array(SIZE * SIZE);
  const at = 2 + Math.floor(random() * (SIZE - 4));
  for (let i = 0; i < SIZE; i += 1) {
    if (random() < NOISE.gaps) continue;
    const [y, x] = label === 0 ? [at, i] : label === 1 ? [i, at] : label === 2 ? [i, i] : [i, SIZE - 1 - i];
    pixels[y * SIZE + x] = 1;
  }
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = Math.min(1, Math.max(0, pixels[i] + (random() - 0.5) * NOISE.amplitude));
  return pixels;
}

/** A seeded generator, so that every run of the example sees the same data. */
function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function dataset(count, random) {
  const labels = Array.from({ length: count }, (_, i) => i % CLASSES.length);
  const pictures = labels.map((label) => sample(label, random));
  const xs = tf.tensor4d(Float32Array.from(pictures.flatMap((p) => [...p])), [count, SIZE, SIZE, 1]);
  return { xs, ys: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES.length), labels, pictures };
}

// Pure-JS TensorFlow.js on the CPU; production mode skips its debug checks and its Node.js banner.
tf.enableProdMode();
await tf.setBackend('cpu');
const dataDir = mkdtempSync(join(tmpdir(), 'quickstart-server-'));
const apiKey = `local-${randomBytes(20).toString('hex')}`;
const server = await startServer({ dataDir, port: 0, adminKey: apiKey });
console.log(`server at ${server.url} (data in ${dataDir})`);

const config = { epochs: 8, batchSize: 32, learningRate: 0.01, filters: 8 };
const run = await wandb.init({
  project: 'quickstart',
  name: 'bars-cnn',
  tags: ['example', 'tfjs'],
  config,
  settings: { baseUrl: server.url, apiKey }, // or WANDB_BASE_URL + WANDB_API_KEY, or wandb.login()
});

const random = mulberry32(7);
const train = dataset(900, random);
const test = dataset(150, random);
const model = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [SIZE, SIZE, 1], filters: config.filters, kernelSize: 3, activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 16, activation: 'relu' }),
    tf.layers.dense({ units: CLASSES.length, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: tf.train.adam(config.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
// Gradients and parameters as 64-bin histograms every 10 batches; the model's layers as `graph_0`.
run.watch(model, { log: 'all', logFreq: 10 });
run.defineMetric('val/acc', { summary: 'max', stepMetric: 'epoch' });

const t0 = performance.now();
await model.fit(train.xs, train.ys, {
  epochs: config.epochs,
  batchSize: config.batchSize,
  shuffle: true,
  verbose: 0,
  callbacks: {
    onBatchEnd: async (_batch, logs) => run.log({ 'train/loss': logs.loss, 'train/acc': logs.acc }),
    onEpochEnd: async (epoch, logs) => {
      const [valLoss, valAcc] = model.evaluate(test.xs, test.ys).map((t) => t.dataSync()[0]);
      run.log({ epoch, 'val/loss': valLoss, 'val/acc': valAcc, 'train/epoch_loss': logs.loss });
      console.log(`epoch ${epoch}: loss ${logs.loss.toFixed(3)}, val acc ${valAcc.toFixed(3)}`);
    },
  },
});
console.log(`trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// Predictions on the test set: a confusion matrix and a few pictures with their predicted class.
const predicted = Array.from(tf.tidy(() => model.predict(test.xs).argMax(-1)).dataSync());
run.log({
  confusion: wandb.plot.confusionMatrix({ yTrue: test.labels, preds: predicted, classNames: CLASSES, title: 'Test set' }),
  examples: test.pictures.slice(0, 6).map((pixels, i) => new wandb.Image({ data: pixels, shape: [SIZE, SIZE, 1] }, { caption: `${CLASSES[predicted[i]]} (true: ${CLASSES[test.labels[i]]})` })),
});
run.summary.test_accuracy = predicted.filter((p, i) => p === test.labels[i]).length / predicted.length;

const t1 = performance.now();
await run.finish();
console.log(`run ${run.id}: ${run.step} steps, durable in ${(performance.now() - t1).toFixed(1)} ms; test accuracy ${run.summary.test_accuracy.toFixed(3)}`);

// The daemon syncs in the background; wait until the server has the whole run and its media.
const auth = { authorization: `Basic ${Buffer.from(`api:${apiKey}`).toString('base64')}` };
let remote;
for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
  const response = await fetch(`${server.url}/api/v1/runs/admin/quickstart/${run.id}`, { headers: auth });
  remote = response.ok ? await response.json() : undefined;
  if (remote?.state === 'finished' && remote.files.some((f) => f.path.startsWith('media/images/') && f.uploaded)) break;
}
if (remote?.state !== 'finished') throw new Error(`the run did not reach the server within 60 s (state ${remote?.state ?? 'unknown'})`);
const media = remote.files.filter((f) => f.path.startsWith('media/'));
console.log(`on the server after ${(performance.now() - t1).toFixed(0)} ms: ${remote.historyLineCount} history rows, ${media.length} media files, state ${remote.state}`);

const cli = fileURLToPath(new URL('../packages/daemon/bin/wandb-daemon.js', import.meta.url));
console.log(execFileSync(process.execPath, [cli, 'status'], { encoding: 'utf8' }).trimEnd());

if (process.env.KEEP_SERVER === '1') {
  const keyFile = join(dataDir, 'example-api-key');
  writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 });
  console.log(`dashboard: ${server.url}/#/r/admin/quickstart/${run.id} (sign in with the key in ${keyFile}); Ctrl-C to stop`);
} else {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
