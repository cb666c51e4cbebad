/**
 * The parts of TensorFlow.js that watch uses, as structural types: the client never imports tfjs, so
 * a model, an optimizer and the engine are recognised by their shape.
 */
import type { TensorLike } from '../../media/ndarray.js';

/** A core `tf.Variable`: a tensor with the unique name gradients are keyed by. */
export interface VariableLike extends TensorLike {
  readonly name: string;
}

/** A layers `LayerVariable` (`model.trainableWeights[i]`). */
export interface LayerVariableLike {
  readonly name: string;
  read(): VariableLike;
}

/** A layers `Node`: one call of a layer, with the layers that fed it. */
export interface LayerNodeLike {
  readonly inboundLayers: readonly LayerLike[];
}

/** A layers `Layer`. */
export interface LayerLike {
  readonly name: string;
  getClassName(): string;
  readonly outputShape: unknown;
  countParams(): number;
  readonly inboundNodes?: readonly LayerNodeLike[];
}

/** What `optimizer.applyGradients` accepts: a map by variable name, or a list of named tensors. */
export type GradientsArg = Record<string, TensorLike | null | undefined> | readonly { name: string; tensor: TensorLike | null | undefined }[];

/** A `tf.Optimizer`. */
export interface OptimizerLike {
  applyGradients(gradients: GradientsArg): void;
}

/** A `tf.LayersModel` (`tf.sequential()`, `tf.model()`, `tf.loadLayersModel()`). */
export interface TfjsModelLike {
  readonly name: string;
  readonly layers: readonly LayerLike[];
  readonly trainableWeights: readonly LayerVariableLike[];
  /** Set by `compile`; null or undefined before. */
  readonly optimizer?: OptimizerLike | null;
  /** A functional model's nodes by depth (empty for a Sequential). */
  readonly nodesByDepth?: Record<string, readonly LayerNodeLike[]>;
  getClassName(): string;
  compile(args: unknown): void;
  fit(...args: unknown[]): unknown;
  predict(...args: unknown[]): unknown;
}

/** The tfjs engine (`globalThis._tfengine`), which every gradient computation goes through. */
export interface EngineLike {
  /** Runs `f` on a tape and returns its value and the gradients with respect to `xs` (in order). */
  gradients(f: () => unknown, xs: readonly TensorLike[], dy?: unknown, allowNoGradients?: boolean): { value: unknown; grads: (TensorLike | null | undefined)[] };
}
