/** The built-in watch adapter: TensorFlow.js LayersModels, recognised by shape (tfjs is not imported). */
import type { WatchAdapter } from '../types.js';
import { tfjsGraph } from './topology.js';
import { attachTraining } from './training-hooks.js';
import type { TfjsModelLike } from './tfjs-types.js';

/** True for a tfjs `LayersModel` or `Sequential` (from `tf.sequential`, `tf.model`, `tf.loadLayersModel`). */
export function isTfjsModel(value: unknown): value is TfjsModelLike {
  if (typeof value !== 'object' || value === null) return false;
  const model = value as Partial<Record<keyof TfjsModelLike, unknown>>;
  return (
    Array.isArray(model.layers) &&
    typeof model.getClassName === 'function' &&
    typeof model.compile === 'function' &&
    typeof model.fit === 'function' &&
    typeof model.predict === 'function' &&
    'trainableWeights' in model
  );
}

/** Watches TensorFlow.js LayersModels. */
export const tfjsAdapter: WatchAdapter<TfjsModelLike> = {
  description: 'a TensorFlow.js LayersModel (tf.sequential(), tf.model(), tf.loadLayersModel())',
  matches: isTfjsModel,
  attach: attachTraining,
  graph: tfjsGraph,
};
