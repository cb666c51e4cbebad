/**
 * Where watch sees a TensorFlow.js model train, without importing tfjs.
 *
 * A model with an optimizer (compiled) is seen where gradients are applied: `applyGradients` of its
 * optimizer's class (the prototype that defines it) is wrapped, which catches `fit`, `fitDataset`,
 * `trainOnBatch` (all `optimizer.minimize` → `applyGradients`) and custom loops on any optimizer of
 * that class. `minimize` of the optimizer base class is wrapped too, so an optimizer of another class
 * is found, and its class wrapped, when its `minimize` starts.
 *
 * A model without an optimizer (the tfjs custom loop: `tf.train.adam().minimize(() => loss)`) gives
 * no way to its optimizer's class: tfjs does not link a model to an optimizer it was not compiled
 * with. It is seen where its gradients are computed instead: `gradients` of the tfjs engine
 * (`globalThis._tfengine`, shared by every tfjs copy in the process; `tf.variableGrads` and
 * `minimize` go through it), the raw gradients W&B's torch hooks see. Every batch passes there before
 * it applies anything, which is also where a model compiled since watch() gets its optimizer found.
 *
 * Each path counts only its own models (with or without an optimizer), so no batch counts twice.
 * Not seen: a compiled model updated by an optimizer of another class whose `minimize` never ran
 * (`tf.variableGrads` then `applyGradients` only). Gradients are matched to a model's trainable
 * weights by variable name, which tfjs keeps unique per process. Values are read with `dataSync()`
 * inside the wrapped call, while the tensors are alive, and only when the watch core asks (a logging
 * batch). Every patch is undone when the last watched model is detached.
 */
import type { TensorLike } from '../../media/ndarray.js';
import type { Detach, NamedValues, StepTensors, WatchHooks } from '../types.js';
import { MethodPatches } from './method-patches.js';
import type { EngineLike, GradientsArg, OptimizerLike, TfjsModelLike } from './tfjs-types.js';

interface Attachment {
  model: TfjsModelLike;
  hooks: WatchHooks;
}

const attachments = new Set<Attachment>();
const patches = new MethodPatches();
// applyGradients may call itself (a subclass calling super, an instance wrapped over its class):
// only the outermost call of one update is reported.
let applyDepth = 0;
// engine.gradients nests for higher-order gradients: only the outermost computation is a batch.
let computeDepth = 0;

/** Reports each training step of `model` to `hooks` until the returned Detach is called. */
export function attachTraining(model: TfjsModelLike, hooks: WatchHooks): Detach {
  const attachment = { model, hooks };
  attachments.add(attachment);
  const engine = findEngine();
  if (engine) patches.patch(engine, 'gradients', aroundCompute);
  findOptimizer(model);
  return () => {
    attachments.delete(attachment);
    if (attachments.size === 0) patches.restoreAll();
  };
}

/** The shared tfjs engine, when tfjs is loaded. */
function findEngine(): EngineLike | undefined {
  const engine = (globalThis as { _tfengine?: Partial<EngineLike> })._tfengine;
  return typeof engine?.gradients === 'function' ? (engine as EngineLike) : undefined;
}

function hasOptimizer(model: TfjsModelLike): boolean {
  return model.optimizer !== null && model.optimizer !== undefined;
}

/** Wraps the class of the model's optimizer, if it has one and it is not wrapped yet. */
function findOptimizer(model: TfjsModelLike): void {
  if (hasOptimizer(model)) patchOptimizer(model.optimizer!);
}

function patchOptimizer(optimizer: OptimizerLike): void {
  const applyOwner = ownerOf(optimizer, 'applyGradients');
  if (applyOwner) patches.patch(applyOwner, 'applyGradients', aroundApply);
  const minimizeOwner = ownerOf(optimizer, 'minimize');
  if (minimizeOwner) patches.patch(minimizeOwner, 'minimize', aroundMinimize);
}

/** The object in `value`'s prototype chain (itself included) that defines `key`. */
function ownerOf(value: object, key: string): object | undefined {
  for (let at: object | null = value; at !== null && at !== Object.prototype; at = Object.getPrototypeOf(at)) {
    if (Object.prototype.hasOwnProperty.call(at, key)) return at;
  }
  return undefined;
}

function aroundMinimize(original: (...args: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
  // An optimizer met for the first time: wrap its class before this minimize applies gradients.
  if (isOptimizer(self)) patchOptimizer(self);
  return original.apply(self, args);
}

function aroundApply(original: (...args: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
  // Before the update: gradients are alive and parameters are those this batch used.
  if (applyDepth === 0) report(gradientMap(args[0]), true);
  applyDepth += 1;
  try {
    return original.apply(self, args);
  } finally {
    applyDepth -= 1;
  }
}

function aroundCompute(original: (...args: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
  if (computeDepth > 0) return original.apply(self, args);
  computeDepth += 1;
  let result: unknown;
  try {
    result = original.apply(self, args);
  } finally {
    computeDepth -= 1;
  }
  report(computedMap(args[1], result), false);
  return result;
}

/** Hands a step to every attachment on this path (`applied`: models with an optimizer) it concerns. */
function report(gradients: Map<string, TensorLike>, applied: boolean): void {
  for (const attachment of [...attachments]) {
    if (!applied) findOptimizer(attachment.model); // a model compiled since: wrap before it applies
    if (hasOptimizer(attachment.model) !== applied) continue;
    const matched = matchWeights(attachment.model, gradients);
    if (matched.length === 0) continue;
    try {
      attachment.hooks.onStep(stepTensors(attachment.model, matched));
    } catch {
      // The watch core reports its own failures; nothing may break the user's training step.
    }
  }
}

/** The model's trainable weights that have a gradient here, in the model's order, W&B-named. */
function matchWeights(model: TfjsModelLike, gradients: Map<string, TensorLike>): [string, TensorLike][] {
  if (gradients.size === 0) return [];
  const matched: [string, TensorLike][] = [];
  for (const weight of model.trainableWeights) {
    const gradient = gradients.get(weight.name);
    if (gradient) matched.push([weightName(weight.name), gradient]);
  }
  return matched;
}

/** tfjs's `dense_Dense1/kernel` as torch-style `dense_Dense1.kernel` (W&B's `fc1.weight`). */
function weightName(variableName: string): string {
  return variableName.replace(/\//g, '.');
}

function stepTensors(model: TfjsModelLike, matched: [string, TensorLike][]): StepTensors {
  return {
    gradients: () => readAll(matched),
    parameters: () => readAll(model.trainableWeights.map((weight) => [weightName(weight.name), weight.read()] as [string, TensorLike])),
  };
}

function readAll(tensors: [string, TensorLike][]): NamedValues[] {
  const out: NamedValues[] = [];
  for (const [name, tensor] of tensors) {
    if (tensor.dtype === 'string' || tensor.dtype === 'complex64') continue;
    if ((tensor as { isDisposed?: boolean }).isDisposed === true) continue;
    out.push({ name, values: tensor.dataSync() as ArrayLike<number> });
  }
  return out;
}

/** `applyGradients`'s argument (a map by name, or `[{ name, tensor }]`) as a map by name. */
function gradientMap(arg: unknown): Map<string, TensorLike> {
  const map = new Map<string, TensorLike>();
  if (Array.isArray(arg)) {
    for (const item of arg as Extract<GradientsArg, readonly unknown[]>) {
      if (item?.tensor && typeof item.name === 'string') map.set(item.name, item.tensor);
    }
  } else if (typeof arg === 'object' && arg !== null) {
    for (const [name, tensor] of Object.entries(arg as Record<string, TensorLike | null | undefined>)) {
      if (tensor) map.set(name, tensor);
    }
  }
  return map;
}

/** `engine.gradients(f, xs)`'s variables and result as a map by variable name. */
function computedMap(xs: unknown, result: unknown): Map<string, TensorLike> {
  const map = new Map<string, TensorLike>();
  const grads = (result as { grads?: unknown } | undefined)?.grads;
  if (!Array.isArray(xs) || !Array.isArray(grads)) return map;
  xs.forEach((x: { name?: unknown } | null, i) => {
    const gradient = grads[i] as TensorLike | null | undefined;
    if (gradient && typeof x?.name === 'string') map.set(x.name, gradient);
  });
  return map;
}

function isOptimizer(value: unknown): value is OptimizerLike {
  return typeof value === 'object' && value !== null && typeof (value as Partial<OptimizerLike>).applyGradients === 'function';
}
