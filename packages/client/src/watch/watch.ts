/**
 * `watch()` and `unwatch()` (W&B's `wandb.watch`, `wandb.unwatch`): every `logFreq` training batches
 * of a model, histograms of its gradients and/or parameters go to the run with `commit: false`, and
 * its graph is set in the summary once, as `graph_<idx>`.
 *
 * Keys follow W&B's torch watch (wandb_watch.py, wandb_torch.py): `gradients/<prefix><weight>` and
 * `parameters/<prefix><weight>`, where the prefix is empty for the model with index 0 and
 * `graph_<idx>` for others, joined without a separator as W&B does (`gradients/graph_1dense_Dense3.kernel`).
 */
import { UsageError } from '../errors.js';
import { histogram, Histogram } from '../media/histogram.js';
import { Graph } from './graph.js';
import { resolveWatchOptions, type ResolvedWatchOptions } from './options.js';
import { adapterFor } from './registry.js';
import type { Detach, NamedValues, StepTensors, WatchAdapter, WatchHooks, WatchOptions, WatchTarget } from './types.js';

/** Bins per histogram, as W&B's torch watch (`_num_bins`). */
const NUM_BINS = 64;

interface Watched {
  model: object;
  target: WatchTarget;
  detach: Detach;
}

const watchedByModel = new WeakMap<object, Watched>();
const watchedByTarget = new WeakMap<WatchTarget, Set<Watched>>();
/** The next index per run when `idx` is not given (W&B's `_global_watch_idx`, kept per run). */
const nextIdx = new WeakMap<WatchTarget, number>();

/**
 * Watches `models` for `target` (W&B's `watch`): the models get the indexes idx, idx + 1, ... (idx
 * defaults to the number of models this run watched before). Returns the model's Graph (an array of
 * them for an array of models); null, or an empty array, with `logGraph: false`. Throws a TypeError
 * for a model no adapter supports and a UsageError for bad options or a model already watched.
 */
export function watchModels(target: WatchTarget, models: readonly object[], options?: WatchOptions): Graph[];
export function watchModels(target: WatchTarget, models: object, options?: WatchOptions): Graph | null;
export function watchModels(target: WatchTarget, models: object | readonly object[], options?: WatchOptions): Graph | Graph[] | null {
  const resolved = resolveWatchOptions(options);
  const list: readonly object[] = Array.isArray(models) ? models : [models];
  const adapters = list.map((model) => adapterFor(model));
  list.forEach((model, i) => {
    if (watchedByModel.has(model) || list.indexOf(model) !== i) {
      throw new UsageError(`watch() was already called for ${modelLabel(model)}; call unwatch() on it first`);
    }
  });
  const first = resolved.idx ?? nextIdx.get(target) ?? 0;
  nextIdx.set(target, (nextIdx.get(target) ?? 0) + list.length);
  const graphs = list.map((model, i) => watchOne(target, model, adapters[i]!, first + i, resolved));
  if (Array.isArray(models)) return graphs.filter((graph): graph is Graph => graph !== null);
  return graphs[0] ?? null;
}

/**
 * Stops watching (W&B's `unwatch`): the given models, or every model `target` watches when none are
 * given (W&B: also for an empty list). A model this run does not watch gets a warning.
 */
export function unwatchModels(target: WatchTarget, models?: object | readonly object[] | null): void {
  const list: readonly object[] = models === undefined || models === null ? [] : Array.isArray(models) ? models : [models];
  if (list.length === 0) {
    for (const watched of [...(watchedByTarget.get(target) ?? [])]) stop(watched);
    return;
  }
  for (const model of list) {
    const watched = watchedByModel.get(model);
    if (watched?.target === target) stop(watched);
    else warn(target, `${modelLabel(model)} has not been watched`);
  }
}

function watchOne(target: WatchTarget, model: object, adapter: WatchAdapter, idx: number, options: ResolvedWatchOptions): Graph | null {
  const graph = options.logGraph ? new Graph(adapter.graph(model)) : null;
  if (graph) {
    graph.criterion = options.criterion;
    target.setSummary(`graph_${idx}`, graph);
  }
  const prefix = idx > 0 ? `graph_${idx}` : '';
  const detach = options.log === null ? () => undefined : adapter.attach(model, stepHooks(target, prefix, options));
  const watched: Watched = { model, target, detach };
  watchedByModel.set(model, watched);
  const set = watchedByTarget.get(target) ?? new Set<Watched>();
  watchedByTarget.set(target, set.add(watched));
  return graph;
}

function stop(watched: Watched): void {
  watchedByModel.delete(watched.model);
  watchedByTarget.get(watched.target)?.delete(watched);
  watched.detach();
}

/** Counts the model's batches and logs histograms on every `logFreq`-th; never throws into training. */
function stepHooks(target: WatchTarget, prefix: string, options: ResolvedWatchOptions): WatchHooks {
  let batches = 0;
  let warned = false;
  return {
    onStep(step: StepTensors): void {
      batches += 1;
      if (batches % options.logFreq !== 0) return;
      try {
        const row = histogramRow(step, prefix, options);
        if (Object.keys(row).length > 0) target.log(row, { commit: false });
      } catch (error) {
        if (warned) return;
        warned = true;
        warn(target, `watch() could not log histograms (${(error as Error).message}); training goes on without them`);
      }
    },
  };
}

/** W&B's order: parameters (its forward hook) before gradients (its backward hook). */
function histogramRow(step: StepTensors, prefix: string, options: ResolvedWatchOptions): Record<string, Histogram> {
  const row: Record<string, Histogram> = {};
  if (options.log === 'parameters' || options.log === 'all') addHistograms(row, `parameters/${prefix}`, step.parameters());
  if (options.log === 'gradients' || options.log === 'all') addHistograms(row, `gradients/${prefix}`, step.gradients());
  return row;
}

function addHistograms(row: Record<string, Histogram>, keyPrefix: string, tensors: NamedValues[]): void {
  for (const { name, values } of tensors) {
    const { values: counts, bins } = histogram(values, NUM_BINS);
    // W&B skips a tensor that is empty or holds no finite value.
    if (!counts.some((count) => count > 0)) continue;
    row[`${keyPrefix}${name}`] = new Histogram({ npHistogram: [counts, bins] });
  }
}

function warn(target: WatchTarget, message: string): void {
  if (target.warn) target.warn(message);
  else process.emitWarning(message, 'WandbWarning');
}

function modelLabel(model: object): string {
  const name = (model as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? `model '${name}'` : 'this model';
}
