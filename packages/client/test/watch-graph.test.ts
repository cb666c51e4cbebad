/**
 * The graph watch() sets in the summary: W&B's keras graph of a tfjs model (nodes as
 * `Node.from_keras` writes them, edges from inbound layers) stored as a `graph-file`.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Graph, unwatchModels, watchModels } from '../src/watch/index.js';
import { RecordingTarget } from '../src/watch/test-utils/recording-target.js';
import { sha256 as sha256Of } from './media-helpers.js';

before(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe('watch() graph', () => {
  it('describes a 2-layer Sequential: input, dense, dense, with shapes and parameter counts', () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    const target = new RecordingTarget();
    const graph = watchModels(target, m);
    unwatchModels(target);
    assert.ok(graph instanceof Graph);
    assert.equal(target.summary.get('graph_0'), graph);
    const [d1, d2] = m.layers.map((layer) => layer.name) as [string, string];
    const input = `${d1}_input`; // tfjs names a Sequential's input layer after its first layer
    assert.deepEqual(graph.toGraphJson(), {
      format: 'keras',
      nodes: [
        { name: input, id: input, class_name: 'InputLayer', output_shape: [null, 4], num_parameters: 0 },
        { name: d1, id: d1, class_name: 'Dense', output_shape: [null, 3], num_parameters: 15 },
        { name: d2, id: d2, class_name: 'Dense', output_shape: [null, 2], num_parameters: 8 },
      ],
      edges: [
        [input, d1],
        [d1, d2],
      ],
    });
    assert.equal(
      graph.nodes.reduce((sum, node) => sum + node.num_parameters, 0),
      m.countParams(),
    );
    assert.deepEqual(Object.keys(graph.nodes[1]!), ['name', 'id', 'class_name', 'output_shape', 'num_parameters']);
  });

  it('is logged as a graph-file whose .graph.json is the graph', () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    const target = new RecordingTarget();
    const graph = watchModels(target, m, { idx: 2 })!;
    unwatchModels(target);
    const json = target.json(graph, 'graph_2', 'summary');
    assert.equal(target.files.length, 1);
    const file = target.files[0]!;
    const sha256 = sha256Of(file.bytes);
    assert.deepEqual(json, { _type: 'graph-file', path: `media/graph/graph_2_summary_${sha256.slice(0, 20)}.graph.json`, sha256, size: file.bytes.length });
    assert.equal(file.path, json.path);
    assert.equal(file.sha256, sha256);
    assert.deepEqual(JSON.parse(Buffer.from(file.bytes).toString('utf8')), graph.toGraphJson());
  });

  it('follows a functional model’s branches and merges', () => {
    const input = tf.input({ shape: [5], name: 'g_x' });
    const a = tf.layers.dense({ units: 4, name: 'g_a' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 4, name: 'g_b' }).apply(input) as tf.SymbolicTensor;
    const merged = tf.layers.concatenate({ name: 'g_cat' }).apply([a, b]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 1, name: 'g_out' }).apply(merged) as tf.SymbolicTensor;
    const m = tf.model({ inputs: input, outputs: out });
    const graph = new Graph(watchGraph(m));
    assert.deepEqual(
      graph.nodes.map((node) => [node.name, node.class_name, node.output_shape, node.num_parameters]),
      [
        ['g_x', 'InputLayer', [null, 5], 0],
        ['g_a', 'Dense', [null, 4], 24],
        ['g_b', 'Dense', [null, 4], 24],
        ['g_cat', 'Concatenate', [null, 8], 0],
        ['g_out', 'Dense', [null, 1], 9],
      ],
    );
    assert.deepEqual(graph.edges, [
      ['g_x', 'g_a'],
      ['g_x', 'g_b'],
      ['g_a', 'g_cat'],
      ['g_b', 'g_cat'],
      ['g_cat', 'g_out'],
    ]);
  });

  it('draws only the calls of a shared layer that belong to the watched model', () => {
    const shared = tf.layers.dense({ units: 2, name: 's_shared' });
    const x1 = tf.input({ shape: [3], name: 's_x1' });
    const x2 = tf.input({ shape: [3], name: 's_x2' });
    tf.model({ inputs: x1, outputs: shared.apply(x1) as tf.SymbolicTensor });
    const second = tf.model({ inputs: x2, outputs: shared.apply(x2) as tf.SymbolicTensor });
    assert.deepEqual(watchGraph(second).edges, [['s_x2', 's_shared']]);
  });
});

/** The graph watch() sets for `m`. */
function watchGraph(m: tf.LayersModel): ReturnType<Graph['toGraphJson']> {
  const target = new RecordingTarget();
  const graph = watchModels(target, m, { log: null })!;
  unwatchModels(target);
  return graph.toGraphJson();
}
