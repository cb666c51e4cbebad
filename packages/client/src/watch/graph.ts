/**
 * `Graph` (W&B's `wandb.Graph`): a model's topology, stored as a `.graph.json` file next to the run
 * and referenced as `{"_type": "graph-file", "path", "sha256", "size"}`. The file holds
 * `{"format": "keras", "nodes": [...], "edges": [[from, to], ...]}` (W&B's `Graph._to_graph_json`).
 */
import { checkMediaSize, mediaFileJson } from '../media/file-media.js';
import { WBValue, type MediaContext } from '../media/wb-value.js';
import type { GraphData, GraphNode } from './types.js';

/** A model graph; `watch()` returns one per model and sets it in the summary as `graph_<idx>`. */
export class Graph extends WBValue {
  readonly wandbType = 'graph-file';
  /** Display hint for the W&B UI ('keras' for layer graphs, as W&B's own Keras and torch graphs). */
  readonly format: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly (readonly [string | number, string | number])[];
  /** The `criterion` passed to watch(), kept as W&B's torch graph keeps it; not written to the file. */
  criterion: unknown = undefined;

  constructor(data: GraphData) {
    super();
    this.format = data.format;
    // A copy: shapes may be arrays the model library keeps and changes.
    this.nodes = structuredClone(data.nodes);
    this.edges = data.edges.map(([from, to]) => [from, to] as const);
  }

  /** The content of the `.graph.json` file. */
  toGraphJson(): GraphData {
    return { format: this.format, nodes: structuredClone([...this.nodes]), edges: this.edges.map(([from, to]) => [from, to]) };
  }

  toWandbJson(ctx: MediaContext): Record<string, unknown> {
    const bytes = new TextEncoder().encode(JSON.stringify(this.toGraphJson()));
    checkMediaSize(bytes, 'Graph');
    return mediaFileJson(ctx, this.wandbType, 'graph', bytes, 'graph.json');
  }
}
