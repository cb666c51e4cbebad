/** `watch()` for TensorFlow.js models and the adapter API for other model libraries. */
export { Graph } from './graph.js';
export { registerWatchAdapter } from './registry.js';
export { unwatchModels, watchModels } from './watch.js';
export type { Detach, GraphData, GraphNode, NamedValues, StepTensors, WatchAdapter, WatchHooks, WatchLog, WatchOptions, WatchTarget } from './types.js';
