/**
 * A model graph (W&B's graph JSON): a layer table (name, class, output shape, parameters, and the
 * total) beside a vertical diagram of the nodes in order with their edges.
 *
 * Test hook on the root `div.graph-panel`: `data-graph-nodes`, `data-graph-edges` (drawn),
 * `data-graph-params` (total) and `data-state` (ready, or error for a value that is no graph).
 */
import '../viewers.css';
import { useMemo, useState } from 'preact/hooks';
import { formatCount } from '../../charts/format.js';
import { diagramSize, DIAGRAM, edgePaths, nodeTop, parseGraph, type GraphModel } from './graph-model.js';

/** The graph JSON as logged. */
export interface GraphPanelProps {
  graph: unknown;
}

function modelOf(graph: unknown): GraphModel | string {
  try {
    return parseGraph(graph);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The layer table and the diagram; hovering a row or a node highlights both. */
export function GraphPanel({ graph }: GraphPanelProps) {
  const model = useMemo(() => modelOf(graph), [graph]);
  const [hover, setHover] = useState<number | null>(null);
  if (typeof model === 'string') {
    return (
      <div class="viewer-panel graph-panel" data-state="error" data-graph-nodes={0} data-graph-edges={0} data-graph-params={0}>
        <div class="viewer-error">{model}</div>
      </div>
    );
  }
  return (
    <div class="viewer-panel graph-panel" data-state="ready" data-graph-nodes={model.nodes.length} data-graph-edges={model.edges.length} data-graph-params={model.totalParams}>
      <div class="viewer-stats">
        {formatCount(model.nodes.length)} layers · {formatCount(model.totalParams)} parameters{model.format ? ` · ${model.format}` : ''}
        {model.dangling ? ` · ${model.dangling} edge${model.dangling === 1 ? '' : 's'} to unknown nodes not drawn` : ''}
      </div>
      <div class="graph-body">
        <LayerTable model={model} hover={hover} onHover={setHover} />
        <Diagram model={model} hover={hover} onHover={setHover} />
      </div>
    </div>
  );
}

interface PartProps {
  model: GraphModel;
  hover: number | null;
  onHover: (index: number | null) => void;
}

function LayerTable({ model, hover, onHover }: PartProps) {
  return (
    <div class="graph-table-scroll">
      <table class="graph-table">
        <thead>
          <tr>
            <th>#</th>
            <th>Name</th>
            <th>Class</th>
            <th>Output shape</th>
            <th class="num">Parameters</th>
          </tr>
        </thead>
        <tbody onMouseLeave={() => onHover(null)}>
          {model.nodes.map((node, i) => (
            <tr key={i} class={hover === i ? 'graph-hover' : undefined} data-node={node.name} onMouseEnter={() => onHover(i)}>
              <td class="num muted">{i + 1}</td>
              <td>{node.name}</td>
              <td title={node.classFull}>{node.className}</td>
              <td>{node.outputShape}</td>
              <td class="num">{node.params === null ? '-' : formatCount(node.params)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={4}>Total</td>
            <td class="num">{formatCount(model.totalParams)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** Gives each diagram its own arrowhead id (ids are global to the document). */
let diagramSeq = 0;

function Diagram({ model, hover, onHover }: PartProps) {
  const [arrowId] = useState(() => `graph-arrow-${++diagramSeq}`);
  const { width, height } = diagramSize(model.nodes.length);
  const paths = useMemo(() => edgePaths(model.edges), [model.edges]);
  const { nodeWidth, nodeHeight, left } = DIAGRAM;
  return (
    <div class="graph-diagram-scroll">
      <svg class="graph-diagram" width={width} height={Math.max(height, 1)} viewBox={`0 0 ${width} ${Math.max(height, 1)}`} role="img" aria-label="Model graph">
        <defs>
          <marker id={arrowId} viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L8,4 L0,8 z" class="graph-arrowhead" />
          </marker>
        </defs>
        {paths.map((p, i) => (
          <path key={i} d={p.d} class={`graph-edge${hover === p.from || hover === p.to ? ' graph-hover' : ''}`} marker-end={`url(#${arrowId})`} />
        ))}
        {model.nodes.map((node, i) => (
          <g key={i} class={`graph-node${hover === i ? ' graph-hover' : ''}`} transform={`translate(${left},${nodeTop(i)})`} onMouseEnter={() => onHover(i)} onMouseLeave={() => onHover(null)}>
            <title>{`${node.name}: ${node.classFull || '?'}\noutput ${node.outputShape}\n${node.params === null ? '-' : formatCount(node.params)} parameters`}</title>
            <rect width={nodeWidth} height={nodeHeight} rx="5" />
            <text x={8} y={nodeHeight / 2 + 4} class="graph-node-name">
              {clip(node.name, 18)}
            </text>
            <text x={nodeWidth - 8} y={nodeHeight / 2 + 4} text-anchor="end" class="graph-node-class">
              {clip(node.className.replace(/\(.*$/s, ''), 16)}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
