/**
 * W&B options this runtime accepts but does not act on yet (magic, TensorBoard sync, Gym videos, code
 * saving, anonymous logging), and `force`, which it does act on. Their values are checked and stored
 * with the run, so that what was asked is on record; the unsupported names that ask for something are
 * reported so the caller can warn.
 */
import { expectBoolean } from './checks.js';
import { invalid } from './errors.js';
import { toAnonymous } from './fields.js';
import type { EnvValues } from './env.js';
import type { GivenOptions } from './spellings.js';
import type { AnonymousMode } from './types.js';

/** Options that are checked and stored but change nothing yet. */
export const UNSUPPORTED_OPTIONS = ['magic', 'syncTensorboard', 'monitorGym', 'saveCode', 'anonymous'] as const;

export interface UnsupportedOptions {
  /** Checked values of the options that were given (by option or environment), by camelCase name. */
  values: Record<string, unknown>;
  /** The names whose value asks for the feature, in UNSUPPORTED_OPTIONS order. */
  requested: string[];
  anonymous: AnonymousMode | null;
  force: boolean;
}

/** Checks the unsupported options given, and lists which of them ask for something. */
export function readUnsupported(given: GivenOptions, env: EnvValues): UnsupportedOptions {
  const values: Record<string, unknown> = {};
  const set = (name: string, value: unknown): void => {
    if (value !== undefined) values[name] = value;
  };
  set('magic', given.magic && checkMagic(given.magic.value, given.magic.label));
  set('syncTensorboard', given.syncTensorboard && expectBoolean(given.syncTensorboard.value, given.syncTensorboard.label));
  set('monitorGym', given.monitorGym && expectBoolean(given.monitorGym.value, given.monitorGym.label));
  set('saveCode', given.saveCode ? expectBoolean(given.saveCode.value, given.saveCode.label) : env.saveCode);
  const anonymous = given.anonymous ? toAnonymous(given.anonymous.value, given.anonymous.label) : env.anonymous;
  set('anonymous', anonymous);
  const force = given.force && expectBoolean(given.force.value, given.force.label);
  set('force', force);
  const requested = UNSUPPORTED_OPTIONS.filter((name) => name in values && asksForFeature(name, values[name]));
  return { values, requested, anonymous: anonymous ?? null, force: force ?? false };
}

/**
 * Whether a value asks for something this runtime does not do. `false` (and anonymous 'never', W&B's
 * default) ask for what already happens, so warning about them would only be noise.
 */
function asksForFeature(name: string, value: unknown): boolean {
  if (value === false) return false;
  return !(name === 'anonymous' && value === 'never');
}

/** W&B's magic: a boolean, a settings object, a JSON string or a YAML file name. */
function checkMagic(value: unknown, label: string): unknown {
  const ok = typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'object' && value !== null && !Array.isArray(value));
  if (!ok) throw invalid(label, 'a boolean, an object or a string (JSON or a YAML file name)', value);
  return value;
}
