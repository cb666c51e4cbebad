/**
 * W&B's model graph JSON (`wandb.watch(..., log_graph=True)`, Keras graphs): nodes in order with
 * their shapes and parameter counts, edges as node indices. Pure, so it runs under Node's test
 * runner.
 *
 * The file is `{format, nodes: [{name, id, class_name, output_shape, num_parameters, ...}],
 * edges: [[fromId, toId], ...]}`. PyTorch graphs give `num_parameters` as a list (one count per
 * parameter tensor) and `class_name` as the module's repr; Keras gives one number.
 */

/** One layer. */
export interface GraphNode {
  id: string;
  name: string;
  /** First line of the class (PyTorch's repr can span lines); the whole text is in classFull. */
  className: string;
  classFull: string;
  outputShape: string;
  /** Parameters of the layer, null when the graph does not say. */
  params: number | null;
}

/** The graph as the panel shows it. */
export interface GraphModel {
  format: string | null;
  nodes: GraphNode[];
  /** Edges as [from, to] indices into nodes. */
  edges: [number, number][];
  /** Edges naming a node the graph lacks (not drawn). */
  dangling: number;
  totalParams: number;
}

/** A value that is not W&B graph JSON. */
export class GraphError extends Error {
  override name = 'GraphError';
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A shape as "1×10", several as "1×3, 1×4", an unknown dimension as "?"; "-" for none. */
export function formatShape(shape: unknown): string {
  if (shape === null || shape === undefined) return '-';
  if (!Array.isArray(shape)) return String(shape);
  if (shape.length === 0) return '-';
  if (shape.some(Array.isArray)) return shape.map(formatShape).join(', ');
  return shape.map((d) => (d === null || d === undefined || d === -1 ? '?' : String(d))).join('×');
}

/** Parameters of a node: a number, or the sum of a list of them; null when not given. */
export function paramCount(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (!Array.isArray(value)) return null;
  const numbers = value.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return numbers.length === value.length ? numbers.reduce((s, v) => s + v, 0) : null;
}

function nodeOf(value: unknown, index: number): GraphNode {
  const node = isRecord(value) ? value : {};
  const classFull = typeof node.class_name === 'string' ? node.class_name : '';
  const name = typeof node.name === 'string' && node.name !== '' ? node.name : `node ${index}`;
  return {
    id: typeof node.id === 'string' || typeof node.id === 'number' ? String(node.id) : `#${index}`,
    name,
    className: classFull.split('\n')[0]!.trim(),
    classFull,
    outputShape: formatShape(node.output_shape),
    params: paramCount(node.num_parameters),
  };
}

/** Parses graph JSON; throws GraphError for a value without a node list. */
export function parseGraph(json: unknown): GraphModel {
  if (!isRecord(json) || !Array.isArray(json.nodes)) throw new GraphError('not a W&B graph: expected {format, nodes: [...], edges: [...]}');
  const nodes = json.nodes.map(nodeOf);
  const byId = new Map<string, number>();
  nodes.forEach((node, i) => {
    if (!byId.has(node.id)) byId.set(node.id, i);
  });
  const edges: [number, number][] = [];
  let dangling = 0;
  for (const edge of Array.isArray(json.edges) ? json.edges : []) {
    const from = Array.isArray(edge) ? byId.get(String(edge[0])) : undefined;
    const to = Array.isArray(edge) ? byId.get(String(edge[1])) : undefined;
    if (from === undefined || to === undefined) dangling++;
    else edges.push([from, to]);
  }
  const totalParams = nodes.reduce((s, n) => s + (n.params ?? 0), 0);
  return { format: typeof json.format === 'string' ? json.format : null, nodes, edges, dangling, totalParams };
}

/** An edge of the diagram: a straight drop to the next node, or an arc beside the column. */
export interface EdgePath {
  from: number;
  to: number;
  /** SVG path data. */
  d: string;
}

/** Geometry of the vertical diagram, CSS pixels. */
export const DIAGRAM = { nodeWidth: 240, nodeHeight: 30, gap: 20, left: 10, top: 10, arcStep: 14 } as const;

/** Top y of the node at `index`. */
export const nodeTop = (index: number) => DIAGRAM.top + index * (DIAGRAM.nodeHeight + DIAGRAM.gap);

/**
 * Paths of the edges: from the bottom of a node to the top of the next as a straight line; any
 * other edge as an arc on the right of the column, further out the more nodes it skips (backward
 * edges included), so arcs of different spans do not overlap.
 */
export function edgePaths(edges: readonly [number, number][]): EdgePath[] {
  const { nodeWidth, nodeHeight, left, arcStep } = DIAGRAM;
  const centerX = left + nodeWidth / 2;
  const right = left + nodeWidth;
  return edges.map(([from, to]) => {
    if (to === from + 1) return { from, to, d: `M${centerX},${nodeTop(from) + nodeHeight} V${nodeTop(to)}` };
    const y1 = nodeTop(from) + nodeHeight / 2;
    const y2 = nodeTop(to) + nodeHeight / 2;
    const out = right + arcStep * Math.min(12, Math.abs(to - from));
    return { from, to, d: `M${right},${y1} C${out},${y1} ${out},${y2} ${right},${y2}` };
  });
}

/** Width and height of the diagram's SVG. */
export function diagramSize(nodeCount: number): { width: number; height: number } {
  return { width: DIAGRAM.left + DIAGRAM.nodeWidth + DIAGRAM.arcStep * 12 + 10, height: nodeTop(nodeCount) + DIAGRAM.top - DIAGRAM.gap };
}
