/**
 * How history rows update a run's summary, W&B's rules:
 * - every leaf of a committed row sets the summary at the same nested path to its latest value;
 * - a path the user set explicitly (`run.summary[k] = v`) is pinned: history no longer touches it;
 * - `defineMetric(name, { summary })` replaces the latest value by aggregates, e.g. `{ min, max }`,
 *   or removes the key (`none`); `name` may end in `*` to match by prefix.
 * Pure functions over plain objects; the aggregate state lives beside the summary so that `mean` and
 * `first` survive a daemon restart.
 */
import type { SummaryMode } from './messages/metric-definition.js';
import { isPlainObject } from './plain-object.js';

export type JsonObject = Record<string, unknown>;

/** A metric definition as far as the summary is concerned. */
export interface SummaryRule {
  name: string;
  summary?: readonly SummaryMode[];
  goal?: 'minimize' | 'maximize';
}

/** Running aggregates of one metric. */
export interface Aggregate {
  min?: number;
  max?: number;
  sum?: number;
  count?: number;
  first?: number;
  best?: number;
}

export type AggregateState = Record<string, Aggregate>;

/** Joins a key path into the form used for pins and aggregate state. */
export function pathKey(path: readonly string[]): string {
  return path.join('\u0001');
}


/** Calls `visit` for every leaf of `data` (nested plain objects are descended, everything else is a leaf). */
export function forEachLeaf(data: JsonObject, visit: (path: string[], value: unknown) => void, prefix: string[] = []): void {
  for (const [key, value] of Object.entries(data)) {
    const path = [...prefix, key];
    if (isPlainObject(value) && Object.keys(value).length > 0 && value._type === undefined) forEachLeaf(value, visit, path);
    else visit(path, value);
  }
}

/** Sets `value` at a nested path, creating objects on the way (replacing non-objects). */
export function setPath(target: JsonObject, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!isPlainObject(next)) node[key] = {};
    node = node[key] as JsonObject;
  }
  node[path[path.length - 1]!] = value;
}

/** Deletes the value at a nested path (and nothing else). */
export function deletePath(target: JsonObject, path: readonly string[]): void {
  let node: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node)) return;
    node = node[key];
  }
  if (isPlainObject(node)) delete node[path[path.length - 1]!];
}

/** The rule for a dotted metric name: an exact definition first, else the longest matching glob. */
export function ruleFor(name: string, rules: ReadonlyMap<string, SummaryRule>): SummaryRule | undefined {
  const exact = rules.get(name);
  if (exact) return exact;
  let best: SummaryRule | undefined;
  for (const rule of rules.values()) {
    if (!rule.name.endsWith('*')) continue;
    const prefix = rule.name.slice(0, -1);
    if (name.startsWith(prefix) && (!best || prefix.length > best.name.length - 1)) best = rule;
  }
  return best;
}

function isPinned(path: readonly string[], pinned: ReadonlySet<string>): boolean {
  for (let i = 1; i <= path.length; i += 1) if (pinned.has(pathKey(path.slice(0, i)))) return true;
  return false;
}

/** Updates the aggregate of one numeric value and returns the summary object the modes ask for. */
export function aggregate(state: Aggregate, value: number, modes: readonly SummaryMode[], goal?: 'minimize' | 'maximize'): JsonObject {
  state.min = state.min === undefined ? value : Math.min(state.min, value);
  state.max = state.max === undefined ? value : Math.max(state.max, value);
  state.sum = (state.sum ?? 0) + value;
  state.count = (state.count ?? 0) + 1;
  state.first ??= value;
  if (goal) state.best = goal === 'maximize' ? state.max : state.min;
  const out: JsonObject = {};
  for (const mode of modes) {
    if (mode === 'min') out.min = state.min;
    else if (mode === 'max') out.max = state.max;
    else if (mode === 'mean') out.mean = state.sum / state.count;
    else if (mode === 'first') out.first = state.first;
    else if (mode === 'last') out.last = value;
    else if (mode === 'best' && state.best !== undefined) out.best = state.best;
  }
  return out;
}

/** Applies one committed history row (including `_step`, `_runtime`, `_timestamp`) to the summary. */
export function applyRowToSummary(
  summary: JsonObject,
  row: JsonObject,
  pinned: ReadonlySet<string>,
  rules: ReadonlyMap<string, SummaryRule>,
  aggregates: AggregateState,
): void {
  if (rules.size === 0 && applyFlatRow(summary, row, pinned)) return;
  forEachLeaf(row, (path, value) => {
    if (isPinned(path, pinned)) return;
    const rule = rules.size > 0 ? ruleFor(path.join('.'), rules) : undefined;
    const modes = rule?.summary;
    if (!modes || modes.length === 0 || modes.includes('copy')) return setPath(summary, path, value);
    if (modes.includes('none')) return;
    if (typeof value !== 'number' || Number.isNaN(value)) return setPath(summary, path, value);
    const key = pathKey(path);
    const state = (aggregates[key] ??= {});
    setPath(summary, path, aggregate(state, value, modes, rule.goal));
  });
}

/**
 * The common case, without allocating a path per leaf: no metric rules and no nested objects, so
 * every key is a leaf and its pin key is the key itself. Returns false (having changed nothing) when
 * the row has a nested object and needs the general walk.
 */
function applyFlatRow(summary: JsonObject, row: JsonObject, pinned: ReadonlySet<string>): boolean {
  for (const key in row) if (isPlainObject(row[key])) return false;
  for (const key in row) if (!pinned.has(key)) summary[key] = row[key];
  return true;
}
