/**
 * The adapters `watch()` chooses from: those registered with `registerWatchAdapter` (the latest
 * first), then the built-in TensorFlow.js one.
 */
import { tfjsAdapter } from './tfjs/adapter.js';
import type { WatchAdapter } from './types.js';

const registered: WatchAdapter[] = [];

/**
 * Teaches `watch()` another kind of model. Adapters registered later are tried first, before the
 * built-in TensorFlow.js adapter. Returns a function that removes the adapter again.
 */
export function registerWatchAdapter<M extends object>(adapter: WatchAdapter<M>): () => void {
  const entry = adapter as unknown as WatchAdapter;
  registered.unshift(entry);
  return () => {
    const at = registered.indexOf(entry);
    if (at >= 0) registered.splice(at, 1);
  };
}

/** The adapter for `model`; a TypeError naming what is supported when none matches. */
export function adapterFor(model: unknown): WatchAdapter {
  const adapters = [...registered, tfjsAdapter as unknown as WatchAdapter];
  const adapter = adapters.find((candidate) => candidate.matches(model));
  if (adapter) return adapter;
  const supported = adapters.map((candidate) => candidate.description).join('; ');
  throw new TypeError(`watch() cannot watch ${describeModel(model)}: it supports ${supported}`);
}

function describeModel(model: unknown): string {
  if (model === null || typeof model !== 'object') return model === null ? 'null' : `a ${typeof model}`;
  const name = (model as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'this object';
}
