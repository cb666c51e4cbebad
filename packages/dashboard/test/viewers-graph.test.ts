/** W&B model graph JSON: nodes, parameter totals, shapes and the diagram's edges. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagramSize, edgePaths, formatShape, GraphError, nodeTop, paramCount, parseGraph } from '../src/viewers/graph/graph-model.js';

const torchGraph = {
  format: 'torch',
  nodes: [
    { name: 'conv', id: 140001, class_name: 'Conv2d(1, 8, kernel_size=(3, 3))', output_shape: [[1, 8, 26, 26]], num_parameters: [72, 8] },
    { name: 'seq', id: 140002, class_name: 'Sequential(\n  (0): ReLU()\n)', output_shape: [[1, 8, 26, 26]], num_parameters: [] },
    { name: 'fc', id: 140003, class_name: 'Linear(in_features=5408, out_features=10, bias=True)', output_shape: [[1, 10]], num_parameters: [54080, 10] },
  ],
  edges: [
    [140001, 140002],
    [140002, 140003],
    [140001, 140003],
    [140003, 999],
  ],
};

describe('parseGraph', () => {
  it('reads nodes in order with their class, shape and parameters, and the total', () => {
    const graph = parseGraph(torchGraph);
    assert.equal(graph.format, 'torch');
    assert.deepEqual(
      graph.nodes.map((n) => [n.name, n.className, n.outputShape, n.params]),
      [
        ['conv', 'Conv2d(1, 8, kernel_size=(3, 3))', '1×8×26×26', 80],
        ['seq', 'Sequential(', '1×8×26×26', 0],
        ['fc', 'Linear(in_features=5408, out_features=10, bias=True)', '1×10', 54090],
      ],
    );
    assert.equal(graph.nodes[1]!.classFull, 'Sequential(\n  (0): ReLU()\n)');
    assert.equal(graph.totalParams, 54170);
  });

  it('turns edges into node indices, counting those to unknown nodes', () => {
    const graph = parseGraph(torchGraph);
    assert.deepEqual(graph.edges, [
      [0, 1],
      [1, 2],
      [0, 2],
    ]);
    assert.equal(graph.dangling, 1);
  });

  it('reads Keras graphs (one parameter number per node) and nodes without ids', () => {
    const graph = parseGraph({ format: 'keras', nodes: [{ name: 'dense', class_name: 'Dense', output_shape: [null, 10], num_parameters: 7850 }, {}], edges: [] });
    assert.deepEqual(graph.nodes.map((n) => [n.id, n.name, n.outputShape, n.params]), [
      ['#0', 'dense', '?×10', 7850],
      ['#1', 'node 1', '-', null],
    ]);
    assert.equal(graph.totalParams, 7850);
  });

  it('refuses what is not a graph', () => {
    assert.throws(() => parseGraph({ _type: 'graph-file', path: 'media/graph/g.graph.json' }), GraphError);
    assert.throws(() => parseGraph(null), GraphError);
  });
});

describe('formatShape and paramCount', () => {
  it('prints shapes', () => {
    assert.equal(formatShape([[1, 3], [1, 4]]), '1×3, 1×4');
    assert.equal(formatShape([]), '-');
    assert.equal(formatShape(null), '-');
    assert.equal(formatShape('scalar'), 'scalar');
  });

  it('sums parameter lists, refusing lists with non-numbers', () => {
    assert.equal(paramCount([3, 4]), 7);
    assert.equal(paramCount([]), 0);
    assert.equal(paramCount(12), 12);
    assert.equal(paramCount(['x']), null);
    assert.equal(paramCount(undefined), null);
  });
});

describe('diagram', () => {
  it('draws an edge to the next node straight down and others as arcs, wider for longer spans', () => {
    const [down, arc1, arc2] = edgePaths([
      [0, 1],
      [0, 2],
      [0, 4],
    ]);
    assert.match(down!.d, /^M\d+(\.\d+)?,\d+ V\d+$/);
    assert.ok(down!.d.endsWith(`V${nodeTop(1)}`));
    const out = (d: string) => Number(/C([\d.]+),/.exec(d)![1]);
    assert.ok(out(arc2!.d) > out(arc1!.d));
  });

  it('sizes the SVG to the nodes', () => {
    assert.ok(diagramSize(10).height > diagramSize(2).height);
    assert.ok(diagramSize(1).height > 0);
  });
});
