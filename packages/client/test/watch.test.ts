/**
 * watch() on real TensorFlow.js training (CPU backend): histograms every logFreq batches under W&B's
 * keys, for fit, fitDataset and custom loops; several models; unwatch restoring tfjs exactly; no
 * tensor leaks; a failing run never breaking training.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { histogram } from '../src/media/histogram.js';
import { unwatchModels, watchModels } from '../src/watch/index.js';
import { RecordingTarget } from '../src/watch/test-utils/recording-target.js';

const BATCH = 4;

before(async () => {
  tf.env().set('PROD', true); // silences the "install tfjs-node" banner the CPU backend prints in Node
  await tf.setBackend('cpu');
});

function model(optimizer: tf.Optimizer | null = tf.train.sgd(0.05)): tf.Sequential {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 2 })] });
  if (optimizer) m.compile({ optimizer, loss: 'meanSquaredError' });
  return m;
}

/** Trains `m` with fit for exactly `batches` batches. */
async function fit(m: tf.LayersModel, batches: number): Promise<void> {
  const xs = tf.randomNormal([batches * BATCH, 4]);
  const ys = tf.randomNormal([batches * BATCH, 2]);
  await m.fit(xs, ys, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0 });
  tf.dispose([xs, ys]);
}

function loss(m: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor): tf.Scalar {
  return tf.losses.meanSquaredError(ys, m.predict(xs) as tf.Tensor) as tf.Scalar;
}

/** W&B-style names of the model's weights: `dense_Dense1.kernel`. */
function weightKeys(m: tf.LayersModel, kind: 'gradients' | 'parameters', prefix = ''): string[] {
  return m.trainableWeights.map((w) => `${kind}/${prefix}${w.name.replace(/\//g, '.')}`);
}

function histogramJson(target: RecordingTarget, call: number, key: string): { values: number[]; bins: number[] } {
  const value = target.logs[call]!.data[key];
  assert.ok(value, `log ${call} has ${key}`);
  return target.json(value as never, key, call) as { values: number[]; bins: number[] };
}

describe('watch() on tfjs training', () => {
  it('logs a 64-bin gradient histogram per weight on every logFreq-th fit batch, with commit false', async () => {
    const m = model();
    const target = new RecordingTarget();
    watchModels(target, m, { logFreq: 3 });
    await fit(m, 10);
    unwatchModels(target, m);
    assert.equal(target.logs.length, 3); // floor(10 / 3)
    for (const call of target.logs) {
      assert.deepEqual(call.options, { commit: false });
      assert.deepEqual(Object.keys(call.data), weightKeys(m, 'gradients'));
    }
    assert.match(weightKeys(m, 'gradients')[0]!, /^gradients\/dense_Dense\d+\.kernel$/);
    for (const [i, key] of weightKeys(m, 'gradients').entries()) {
      const json = histogramJson(target, 2, key);
      assert.equal(json.values.length, 64);
      assert.equal(json.bins.length, 65);
      assert.equal(json.values.reduce((a, b) => a + b, 0), m.trainableWeights[i]!.read().size);
    }
  });

  it("log: 'parameters' logs weights as this batch used them, before the update", async () => {
    const m = model();
    const before = m.trainableWeights.map((w) => Float32Array.from(w.read().dataSync()));
    const target = new RecordingTarget();
    watchModels(target, m, { log: 'parameters', log_freq: 1 });
    await fit(m, 1);
    unwatchModels(target);
    assert.equal(target.logs.length, 1);
    assert.deepEqual(Object.keys(target.logs[0]!.data), weightKeys(m, 'parameters'));
    weightKeys(m, 'parameters').forEach((key, i) => {
      const expected = histogram(before[i]!, 64);
      const json = histogramJson(target, 0, key);
      if (expected.values.some((count) => count > 0)) assert.deepEqual(json, { _type: 'histogram', ...expected });
    });
    assert.notDeepEqual(Array.from(m.trainableWeights[0]!.read().dataSync()), Array.from(before[0]!), 'the batch did update the kernel');
  });

  it("log: 'all' logs parameters and gradients in one row per logging batch", async () => {
    const m = model();
    const target = new RecordingTarget();
    watchModels(target, m, { log: 'all', logFreq: 2 });
    await fit(m, 5);
    unwatchModels(target);
    assert.equal(target.logs.length, 2);
    assert.deepEqual(Object.keys(target.logs[0]!.data), [...weightKeys(m, 'parameters'), ...weightKeys(m, 'gradients')]);
  });

  it('fitDataset batches count like fit batches', async () => {
    const m = model();
    const target = new RecordingTarget();
    watchModels(target, m, { logFreq: 2 });
    const data = tf.data.generator(function* () {
      for (let i = 0; i < 7; i += 1) yield { xs: tf.randomNormal([BATCH, 4]), ys: tf.randomNormal([BATCH, 2]) };
    });
    await m.fitDataset(data, { epochs: 1, verbose: 0 });
    unwatchModels(target);
    assert.equal(target.logs.length, 3);
  });

  it('sees a custom loop with optimizer.minimize on a model that was never compiled', () => {
    const m = model(null);
    const optimizer = tf.train.adam(0.01);
    const target = new RecordingTarget();
    watchModels(target, m, { logFreq: 2 });
    const [xs, ys] = [tf.randomNormal([BATCH, 4]), tf.randomNormal([BATCH, 2])];
    for (let i = 0; i < 7; i += 1) optimizer.minimize(() => loss(m, xs, ys));
    unwatchModels(target);
    tf.dispose([xs, ys]);
    optimizer.dispose();
    assert.equal(target.logs.length, 3);
    assert.deepEqual(Object.keys(target.logs[0]!.data), weightKeys(m, 'gradients'));
  });

  for (const compiled of [false, true]) {
    it(`logs exactly the gradients applied by a custom loop (${compiled ? 'compiled model, optimizer of another class' : 'uncompiled model'})`, () => {
      const m = model(compiled ? tf.train.sgd(0.1) : null);
      const optimizer = tf.train.rmsprop(0.01);
      const target = new RecordingTarget();
      watchModels(target, m, { logFreq: 1 });
      const [xs, ys] = [tf.randomNormal([BATCH, 4]), tf.randomNormal([BATCH, 2])];
      const expected: Record<string, ReturnType<typeof histogram>>[] = [];
      for (let i = 0; i < 3; i += 1) {
        // minimize first: it is where an optimizer of an unknown class is found.
        if (i === 0) optimizer.minimize(() => loss(m, xs, ys));
        else {
          const { value, grads } = tf.variableGrads(() => loss(m, xs, ys));
          expected.push(Object.fromEntries(Object.entries(grads).map(([name, g]) => [`gradients/${name.replace(/\//g, '.')}`, histogram(g.dataSync(), 64)])));
          optimizer.applyGradients(grads);
          tf.dispose([value, grads]);
        }
      }
      unwatchModels(target);
      tf.dispose([xs, ys]);
      optimizer.dispose();
      assert.equal(target.logs.length, 3);
      for (const [i, row] of expected.entries()) {
        for (const [key, histo] of Object.entries(row)) assert.deepEqual(histogramJson(target, i + 1, key), { _type: 'histogram', ...histo });
      }
    });
  }

  it('finds the new optimizer after the model is compiled again', async () => {
    const m = model(tf.train.sgd(0.1));
    const target = new RecordingTarget();
    watchModels(target, m, { logFreq: 1 });
    await fit(m, 2);
    m.compile({ optimizer: tf.train.adagrad(0.1), loss: 'meanSquaredError' });
    await fit(m, 3);
    unwatchModels(target);
    assert.equal(target.logs.length, 5);
  });

  it('follows a model watched before it is compiled: custom-loop batches, then fit batches', async () => {
    const m = model(null);
    const target = new RecordingTarget();
    watchModels(target, m, { logFreq: 1 });
    const optimizer = tf.train.sgd(0.1);
    const [xs, ys] = [tf.randomNormal([BATCH, 4]), tf.randomNormal([BATCH, 2])];
    optimizer.minimize(() => loss(m, xs, ys));
    m.compile({ optimizer: tf.train.adamax(0.01), loss: 'meanSquaredError' });
    await fit(m, 3);
    unwatchModels(target);
    tf.dispose([xs, ys]);
    optimizer.dispose();
    assert.equal(target.logs.length, 4);
  });

  it('counts a batch once when its loss itself takes gradients of the weights (a gradient penalty)', () => {
    const m = model(null);
    const target = new RecordingTarget();
    watchModels(target, m, { logFreq: 1 });
    const optimizer = tf.train.sgd(0.01);
    const [xs, ys] = [tf.randomNormal([BATCH, 4]), tf.randomNormal([BATCH, 2])];
    for (let i = 0; i < 2; i += 1) {
      optimizer.minimize(() => {
        const { value, grads } = tf.variableGrads(() => loss(m, xs, ys), m.trainableWeights.map((w) => w.read() as tf.Variable));
        return tf.add(value, tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
      });
    }
    unwatchModels(target);
    tf.dispose([xs, ys]);
    optimizer.dispose();
    assert.equal(target.logs.length, 2);
  });

  it('counts batches per model and prefixes every model but index 0 with graph_<idx>', async () => {
    const [a, b] = [model(), model()];
    const target = new RecordingTarget();
    watchModels(target, a, { logFreq: 2 });
    watchModels(target, b, { logFreq: 1 });
    await fit(a, 4);
    await fit(b, 3);
    unwatchModels(target);
    assert.deepEqual([...target.summary.keys()], ['graph_0', 'graph_1']);
    const keys = target.loggedKeys();
    assert.equal(keys.filter((k) => k === weightKeys(a, 'gradients')[0]).length, 2);
    assert.equal(keys.filter((k) => k === weightKeys(b, 'gradients', 'graph_1')[0]).length, 3);
    assert.match(weightKeys(b, 'gradients', 'graph_1')[0]!, /^gradients\/graph_1dense_Dense\d+\.kernel$/); // W&B's joining
  });

  it('gives several models idx, idx + 1, ... and returns their graphs', async () => {
    const [a, b] = [model(), model()];
    const target = new RecordingTarget();
    const graphs = watchModels(target, [a, b], { idx: 3, logFreq: 1 });
    await fit(a, 1);
    await fit(b, 1);
    unwatchModels(target, [a, b]);
    assert.equal(graphs.length, 2);
    assert.deepEqual([...target.summary.keys()], ['graph_3', 'graph_4']);
    assert.equal(target.summary.get('graph_4'), graphs[1]);
    assert.deepEqual(target.loggedKeys(), [...weightKeys(a, 'gradients', 'graph_3'), ...weightKeys(b, 'gradients', 'graph_4')]);
  });

  it('unwatch stops logging and restores applyGradients, minimize and the engine exactly', async () => {
    const m = model(tf.train.sgd(0.1));
    const sgdPrototype = Object.getPrototypeOf(m.optimizer) as object;
    const basePrototype = Object.getPrototypeOf(sgdPrototype) as object;
    const engine = (globalThis as Record<string, unknown>)._tfengine as object;
    const originals = [
      Object.getOwnPropertyDescriptor(sgdPrototype, 'applyGradients'),
      Object.getOwnPropertyDescriptor(basePrototype, 'minimize'),
      Object.getOwnPropertyDescriptor(engine, 'gradients'),
    ];
    assert.equal(originals[2], undefined, 'gradients is inherited from the Engine class');
    const target = new RecordingTarget();
    watchModels(target, m, { logFreq: 1 });
    assert.notEqual(Object.getOwnPropertyDescriptor(sgdPrototype, 'applyGradients')?.value, originals[0]!.value);
    await fit(m, 2);
    unwatchModels(target, m);
    await fit(m, 3);
    assert.equal(target.logs.length, 2);
    assert.deepEqual(Object.getOwnPropertyDescriptor(sgdPrototype, 'applyGradients'), originals[0]);
    assert.deepEqual(Object.getOwnPropertyDescriptor(basePrototype, 'minimize'), originals[1]);
    assert.equal(Object.getOwnPropertyDescriptor(engine, 'gradients'), undefined);
    assert.equal(Object.hasOwn(m.optimizer, 'applyGradients'), false);
  });

  it('unwatching one model keeps the other one logging', async () => {
    const [a, b] = [model(), model()];
    const target = new RecordingTarget();
    watchModels(target, [a, b], { logFreq: 1 });
    unwatchModels(target, a);
    await fit(a, 2);
    await fit(b, 2);
    unwatchModels(target);
    assert.equal(target.logs.length, 2);
    assert.ok(target.loggedKeys().every((key) => key.startsWith('gradients/graph_1')));
  });

  it('leaks no tensor: fit and a custom loop hold as many tensors with watch as without', async () => {
    const growth = async (train: () => Promise<void> | void): Promise<number> => {
      const start = tf.memory().numTensors;
      await train();
      return tf.memory().numTensors - start;
    };
    const m = model();
    await fit(m, 2); // tfjs's own first-use allocations
    const fitWithout = await growth(() => fit(m, 4));
    const uncompiled = model(null);
    const optimizer = tf.train.sgd(0.1);
    const [xs, ys] = [tf.randomNormal([BATCH, 4]), tf.randomNormal([BATCH, 2])];
    const loop = () => {
      for (let i = 0; i < 3; i += 1) optimizer.minimize(() => loss(uncompiled, xs, ys));
    };
    loop();
    const loopWithout = await growth(loop);

    const target = new RecordingTarget();
    watchModels(target, [m, uncompiled], { log: 'all', logFreq: 1 });
    const fitWith = await growth(() => fit(m, 4));
    const loopWith = await growth(loop);
    unwatchModels(target);
    tf.dispose([xs, ys]);
    optimizer.dispose();
    assert.equal(target.logs.length, 7);
    assert.deepEqual([fitWith, loopWith], [fitWithout, loopWithout]);
    assert.deepEqual([fitWithout, loopWithout], [0, 0]);
  });

  it('never breaks training when the run refuses the histograms: one warning, training goes on', async () => {
    const m = model();
    const target = new RecordingTarget();
    target.log = () => {
      throw new Error('run is finished');
    };
    watchModels(target, m, { logFreq: 1 });
    await fit(m, 3);
    unwatchModels(target);
    assert.equal(target.warnings.length, 1);
    assert.match(target.warnings[0]!, /run is finished/);
  });

  it('skips a weight whose values are all NaN or infinite, as W&B does', () => {
    const m = model(null);
    const target = new RecordingTarget();
    watchModels(target, m, { log: 'parameters', logFreq: 1 });
    const kernel = m.trainableWeights[0]!;
    const nan = tf.fill(kernel.read().shape, Number.NaN);
    kernel.write(nan);
    nan.dispose();
    const optimizer = tf.train.sgd(0.1);
    const [xs, ys] = [tf.randomNormal([BATCH, 4]), tf.randomNormal([BATCH, 2])];
    optimizer.minimize(() => loss(m, xs, ys));
    unwatchModels(target);
    tf.dispose([xs, ys]);
    optimizer.dispose();
    assert.equal(target.logs.length, 1);
    assert.deepEqual(Object.keys(target.logs[0]!.data), weightKeys(m, 'parameters').slice(1));
  });
});
