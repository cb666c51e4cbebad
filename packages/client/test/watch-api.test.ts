/**
 * watch()'s contract apart from tfjs training: options and their W&B defaults, the errors, unwatch's
 * warnings, and the adapter registry that lets another model library be watched.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { UsageError } from '../src/errors.js';
import { registerWatchAdapter, unwatchModels, watchModels, type WatchAdapter, type WatchHooks } from '../src/watch/index.js';
import { RecordingTarget } from '../src/watch/test-utils/recording-target.js';

before(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

function tinyModel(): tf.Sequential {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  m.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  return m;
}

async function fit(m: tf.LayersModel, batches: number): Promise<void> {
  const [xs, ys] = [tf.ones([batches, 2]), tf.ones([batches, 1])];
  await m.fit(xs, ys, { batchSize: 1, epochs: 1, verbose: 0 });
  tf.dispose([xs, ys]);
}

const engine = (globalThis as Record<string, unknown>)._tfengine as object;

/** A model of a made-up library, and its adapter, driven by hand. */
class ToyModel {
  hooks: WatchHooks | null = null;
  detached = 0;
}

const toyAdapter: WatchAdapter<ToyModel> = {
  description: 'a ToyModel',
  matches: (model): model is ToyModel => model instanceof ToyModel,
  attach(model, hooks) {
    model.hooks = hooks;
    return () => {
      model.hooks = null;
      model.detached += 1;
    };
  },
  graph: () => ({ format: 'keras', nodes: [{ name: 'toy', id: 'toy', class_name: 'Toy', output_shape: [null, 1], num_parameters: 2 }], edges: [] }),
};

describe('watch() options', () => {
  it('defaults to W&B: gradients every 1000 batches, graph_0 in the summary', () => {
    const unregister = registerWatchAdapter(toyAdapter);
    const toy = new ToyModel();
    const target = new RecordingTarget();
    const criterion = () => 0;
    const graph = watchModels(target, toy, { criterion });
    assert.equal(graph?.criterion, criterion);
    const step = () => toy.hooks!.onStep({ gradients: () => [{ name: 'w', values: [1, 2] }], parameters: () => [{ name: 'w', values: [3] }] });
    for (let i = 0; i < 999; i += 1) step();
    assert.equal(target.logs.length, 0);
    step();
    unwatchModels(target);
    unregister();
    assert.deepEqual(target.loggedKeys(), ['gradients/w']);
    assert.deepEqual([...target.summary.keys()], ['graph_0']);
  });

  it('log: null sets only the graph and hooks nothing', async () => {
    const m = tinyModel();
    const target = new RecordingTarget();
    watchModels(target, m, { log: null, logFreq: 1 });
    assert.equal(Object.hasOwn(engine, 'gradients'), false);
    await fit(m, 2);
    unwatchModels(target);
    assert.equal(target.logs.length, 0);
    assert.deepEqual([...target.summary.keys()], ['graph_0']);
  });

  it('logGraph / log_graph false: no summary, null returned (an empty list for a list)', () => {
    const target = new RecordingTarget();
    assert.equal(watchModels(target, tinyModel(), { logGraph: false }), null);
    assert.deepEqual(watchModels(target, [tinyModel()], { log_graph: false }), []);
    unwatchModels(target);
    assert.equal(target.summary.size, 0);
  });

  for (const [options, pattern] of [
    [{ log: 'weights' }, /log must be one of 'gradients', 'parameters', 'all', or null/],
    [{ logFreq: 0 }, /logFreq must be an integer >= 1, got 0/],
    [{ log_freq: 2.5 }, /log_freq must be an integer >= 1/],
    [{ logFreq: 10, log_freq: 20 }, /'logFreq' and 'log_freq' disagree/],
    [{ idx: -1 }, /idx must be an integer >= 0/],
    [{ logGraph: 'yes' }, /logGraph must be a boolean/],
    [{ logfreq: 10 }, /unknown option 'logfreq'/],
  ] as const) {
    it(`refuses ${JSON.stringify(options)} with a UsageError, watching nothing`, () => {
      const m = tinyModel();
      const target = new RecordingTarget();
      assert.throws(() => watchModels(target, m, options as never), (error: Error) => error instanceof UsageError && pattern.test(error.message));
      assert.equal(target.summary.size, 0);
      watchModels(target, m); // not left half-watched
      unwatchModels(target);
    });
  }
});

describe('watch() errors and unwatch()', () => {
  it('refuses a model no adapter supports with a TypeError naming what is supported, before watching any', () => {
    const m = tinyModel();
    const target = new RecordingTarget();
    for (const bad of [{}, null, 42, new Map()]) {
      assert.throws(() => watchModels(target, [m, bad as object]), (error: Error) => error instanceof TypeError && /supports a TensorFlow\.js LayersModel/.test(error.message));
    }
    assert.equal(target.summary.size, 0);
    watchModels(target, m);
    unwatchModels(target);
  });

  it('refuses to watch a model twice until it is unwatched', () => {
    const m = tinyModel();
    const target = new RecordingTarget();
    watchModels(target, m);
    assert.throws(() => watchModels(new RecordingTarget(), m), /already called for model/);
    unwatchModels(target, m);
    assert.throws(() => watchModels(target, [m, m]), UsageError);
    watchModels(target, m);
    unwatchModels(target);
  });

  it('warns about a model this run does not watch, as W&B does', () => {
    const m = tinyModel();
    const [one, other] = [new RecordingTarget(), new RecordingTarget()];
    watchModels(one, m);
    unwatchModels(other, m);
    assert.deepEqual(other.warnings, [`model '${m.name}' has not been watched`]);
    unwatchModels(one, [m]);
    assert.deepEqual(one.warnings, []);
  });
});

describe('registerWatchAdapter()', () => {
  it('lets another library be watched through the same core, until unregistered', () => {
    const unregister = registerWatchAdapter(toyAdapter);
    const toy = new ToyModel();
    const target = new RecordingTarget();
    watchModels(target, toy, { log: 'all', logFreq: 2 });
    for (let i = 0; i < 5; i += 1) {
      toy.hooks!.onStep({
        gradients: () => [{ name: 'w', values: [i, -i, NaN] }],
        parameters: () => [{ name: 'w', values: new Float32Array([1, 2]) }],
      });
    }
    unwatchModels(target);
    unregister();
    assert.equal(toy.detached, 1);
    assert.deepEqual(target.loggedKeys(), ['parameters/w', 'gradients/w', 'parameters/w', 'gradients/w']);
    const gradient = target.json(target.logs[1]!.data['gradients/w'] as never, 'gradients/w', 0) as { values: number[] };
    assert.equal(gradient.values.reduce((a, b) => a + b, 0), 2, 'NaN is not binned');
    assert.equal((target.summary.get('graph_0') as unknown as { nodes: unknown[] }).nodes.length, 1);
    assert.throws(() => watchModels(target, new ToyModel()), (error: Error) => error instanceof TypeError && !/ToyModel,/.test(error.message));
  });

  it('lists registered adapters in the TypeError', () => {
    const unregister = registerWatchAdapter(toyAdapter);
    try {
      assert.throws(() => watchModels(new RecordingTarget(), {}), /supports a ToyModel; a TensorFlow\.js LayersModel/);
    } finally {
      unregister();
    }
  });
});
