/**
 * A TensorFlow.js model's layers as W&B's keras graph, following `wandb.Graph.from_keras`: a node per
 * layer (`name`, `id` = the layer name, `class_name`, `output_shape`, `num_parameters`) and an edge
 * from each layer feeding it. A layer that feeds the model without being one of `model.layers` (a
 * Sequential's input layer) gets its node when first met, before the layer it feeds.
 */
import type { GraphData, GraphNode } from '../types.js';
import type { LayerLike, LayerNodeLike, TfjsModelLike } from './tfjs-types.js';

/** The graph of `model` in W&B's keras format. */
export function tfjsGraph(model: TfjsModelLike): GraphData {
  const nodes = new Map<string, GraphNode>();
  const edges: [string, string][] = [];
  const relevant = relevantNodes(model);
  for (const layer of model.layers) {
    const node = layerNode(layer);
    for (const call of layer.inboundNodes ?? []) {
      // A shared layer also has calls from other models; only this model's count (W&B's relevant_nodes).
      if (relevant && !relevant.has(call)) continue;
      for (const inbound of call.inboundLayers) {
        if (!nodes.has(inbound.name)) nodes.set(inbound.name, layerNode(inbound));
        edges.push([inbound.name, node.name]);
      }
    }
    nodes.set(node.name, node);
  }
  return { format: 'keras', nodes: [...nodes.values()], edges };
}

/** W&B's `Node.from_keras`, keys in its order. */
function layerNode(layer: LayerLike): GraphNode {
  return {
    name: layer.name,
    id: layer.name,
    class_name: className(layer),
    output_shape: outputShape(layer),
    num_parameters: parameterCount(layer),
  };
}

/** The calls that belong to a functional model; undefined for a Sequential (W&B: all calls count). */
function relevantNodes(model: TfjsModelLike): Set<LayerNodeLike> | undefined {
  const byDepth = Object.values(model.nodesByDepth ?? {});
  if (byDepth.length === 0) return undefined;
  return new Set(byDepth.flat());
}

function className(layer: LayerLike): string {
  try {
    return layer.getClassName();
  } catch {
    return layer.constructor.name;
  }
}

/** The layer's output shape (`[null, 3]`); W&B's `["multiple"]` when tfjs cannot say. */
function outputShape(layer: LayerLike): unknown {
  try {
    return layer.outputShape ?? ['multiple'];
  } catch {
    return ['multiple'];
  }
}

/** The layer's weight count; 0 for a layer not built yet (it has no weights). */
function parameterCount(layer: LayerLike): number {
  try {
    return layer.countParams();
  } catch {
    return 0;
  }
}
