/**
 * W&B stores a run's config wrapped: every top-level key maps to `{"value": ..., "desc"?: ...}`.
 * Python sends it wrapped (older clients add `desc`), @wandb/sdk sends the plain object. Keys are
 * the user's: only own properties are tested (`Object.hasOwn`, never `in`) and objects are built
 * with fromEntries/spread, which define keys such as "__proto__" as data.
 */
import { isPlainObject, parseWandbJson, toWandbJson } from '@wandb-daemon/protocol';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../json-depth.js';

type Json = Record<string, unknown>;

/** Own property `key` of a parsed object, undefined when absent: never an inherited one ("constructor"...). */
export const ownValue = (value: Json, key: string): unknown => (Object.hasOwn(value, key) ? value[key] : undefined);

/** True when every top-level value is an object with a `value` key (an empty config counts). */
export function isWrapped(config: Json): boolean {
  return Object.values(config).every((v) => isPlainObject(v) && Object.hasOwn(v, 'value'));
}

/** Wraps a plain config; returns an already wrapped one as is. */
function wrapConfig(config: Json): Json {
  if (isWrapped(config)) return config;
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }]));
}

/** The plain values of a wrapped config. */
export function unwrapConfig(config: Json): Json {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, isPlainObject(v) && Object.hasOwn(v, 'value') ? v.value : v]));
}

/** Parses a client's config JSONString into wrapped form; throws on something not an object. */
export function parseClientConfig(text: string): Json {
  // Readers recurse per level: a config too deep to read back is refused here.
  if (jsonDepthExceeds(text)) throw new Error(`config nests deeper than ${MAX_JSON_DEPTH} levels`);
  const value = parseWandbJson(text);
  if (value === null) return {};
  if (!isPlainObject(value)) throw new Error('config must be a JSON object');
  return wrapConfig(value);
}

/** Merges a partial (wrapped) config into the stored one, key by key; the result as W&B JSON. */
export function mergeConfig(storedText: string, update: Json): string {
  const stored = parseWandbJson(storedText);
  return toWandbJson({ ...(isPlainObject(stored) ? stored : {}), ...update });
}

/** The `_wandb` internal config's keys (telemetry `t`, metric definitions `m`...) picked by name. */
export function wandbConfigKeys(configText: string, keys: readonly string[] | null): Json {
  return pickWandbConfigKeys(parseWandbJson(configText), keys);
}

/** wandbConfigKeys of an already parsed config (anything not an object has no `_wandb`). */
export function pickWandbConfigKeys(config: unknown, keys: readonly string[] | null): Json {
  const wrapped = isPlainObject(config) ? ownValue(config, '_wandb') : undefined;
  const wandb = isPlainObject(wrapped) ? ownValue(wrapped, 'value') : undefined;
  const internal = isPlainObject(wandb) ? wandb : {};
  if (keys === null) return internal;
  return Object.fromEntries(keys.filter((k) => Object.hasOwn(internal, k)).map((k) => [k, internal[k]]));
}
