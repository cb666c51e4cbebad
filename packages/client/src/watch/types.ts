/**
 * The shapes `watch()` is built from: what it needs of a run (`WatchTarget`), what a caller passes
 * (`WatchOptions`), and the adapter contract that lets a model library be watched (`WatchAdapter`).
 */
import type { WBValue } from '../media/wb-value.js';

/**
 * What `watch()` needs of a run. `log` receives the histograms of a logging batch with
 * `{ commit: false }`, so they join the user's next row (W&B's `run._log(..., commit=False)`);
 * `setSummary` receives the model's `Graph` under `graph_<idx>`.
 */
export interface WatchTarget {
  log(data: Record<string, unknown>, options: { commit: false }): void;
  setSummary(key: string, value: WBValue): void;
  /** Prints a warning (a model not watched, a failure while logging); defaults to `process.emitWarning`. */
  warn?(message: string): void;
}

/** What to log every `logFreq` batches (W&B's `log` argument; null logs only the graph). */
export type WatchLog = 'gradients' | 'parameters' | 'all' | null;

/** Options of `watch()`: W&B's names, in camelCase and in W&B's snake_case. */
export interface WatchOptions {
  /** The loss function being optimized; accepted and kept, unused (as in W&B). */
  criterion?: unknown;
  /** 'gradients' (default), 'parameters', 'all', or null for none. */
  log?: WatchLog;
  /** Log every N training batches of each model (default 1000). */
  logFreq?: number;
  log_freq?: number;
  /** The first model's index: graph_<idx> and the key prefix; defaults to a per-run counter. */
  idx?: number;
  /** Sets the model's graph in the summary as graph_<idx> (default true). */
  logGraph?: boolean;
  log_graph?: boolean;
}

/** The numbers of one weight or gradient; valid only during the `onStep` call that produced them. */
export interface NamedValues {
  /** W&B-like weight name, e.g. `dense_Dense1.kernel` (torch's `fc1.weight`). */
  name: string;
  values: ArrayLike<number>;
}

/** Synchronous access to one training step's tensors, valid only during `WatchHooks.onStep`. */
export interface StepTensors {
  /** The gradients of the model's weights in this step. */
  gradients(): NamedValues[];
  /** The model's trainable weights as this step used them (before its update). */
  parameters(): NamedValues[];
}

/** What an adapter reports to watch's core. */
export interface WatchHooks {
  /** Called once per training step (batch) of the attached model, while its tensors are alive. */
  onStep(step: StepTensors): void;
}

/** Undoes an `attach`: every hook and patch it installed is gone afterwards. */
export type Detach = () => void;

/** One node of a model graph, as W&B's `Node.from_keras` writes it. */
export interface GraphNode {
  name: string;
  id: string | number;
  class_name: string;
  output_shape: unknown;
  num_parameters: number;
}

/** A model's topology in W&B's graph-file format. */
export interface GraphData {
  format: string;
  nodes: GraphNode[];
  /** `[fromId, toId]` pairs. */
  edges: [string | number, string | number][];
}

/** Teaches `watch()` a kind of model. */
export interface WatchAdapter<M extends object = object> {
  /** What this adapter watches, for the error that lists what is supported. */
  readonly description: string;
  /** True for a model this adapter can watch (duck-typed: model libraries are not imported). */
  matches(model: unknown): model is M;
  /** Calls `hooks.onStep` once per training step of `model` until the returned Detach is called. */
  attach(model: M, hooks: WatchHooks): Detach;
  /** The model's topology. */
  graph(model: M): GraphData;
}
