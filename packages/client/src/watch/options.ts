/**
 * `watch()` options as given (camelCase or W&B's snake_case) → one checked value each, with W&B's
 * defaults. Unknown names and two spellings that disagree are refused, as `init` does.
 */
import { UsageError } from '../errors.js';
import type { WatchLog, WatchOptions } from './types.js';

/** The options after defaults and checks. */
export interface ResolvedWatchOptions {
  criterion: unknown;
  log: WatchLog;
  logFreq: number;
  idx: number | undefined;
  logGraph: boolean;
}

const SPELLINGS: Record<string, keyof ResolvedWatchOptions> = {
  criterion: 'criterion',
  log: 'log',
  logFreq: 'logFreq',
  log_freq: 'logFreq',
  idx: 'idx',
  logGraph: 'logGraph',
  log_graph: 'logGraph',
};

const LOG_VALUES: readonly WatchLog[] = ['gradients', 'parameters', 'all', null];

/** Checks and completes `options`; throws UsageError naming the option in the caller's spelling. */
export function resolveWatchOptions(options: WatchOptions | undefined): ResolvedWatchOptions {
  const given = collect(options ?? {});
  const log = 'log' in given ? given.log!.value : 'gradients';
  if (!LOG_VALUES.includes(log as WatchLog)) {
    throw new UsageError(`watch() log must be one of 'gradients', 'parameters', 'all', or null, got ${describe(log)}`);
  }
  return {
    criterion: given.criterion?.value,
    log: log as WatchLog,
    logFreq: integer(given.logFreq, 1000, 1),
    idx: given.idx === undefined ? undefined : integer(given.idx, 0, 0),
    logGraph: boolean(given.logGraph, true),
  };
}

interface Given {
  value: unknown;
  label: string;
}

function collect(options: object): Partial<Record<keyof ResolvedWatchOptions, Given>> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new UsageError(`watch() options must be an object, got ${describe(options)}`);
  }
  const given: Partial<Record<keyof ResolvedWatchOptions, Given>> = {};
  for (const [label, value] of Object.entries(options)) {
    const name = SPELLINGS[label];
    if (name === undefined) throw new UsageError(`watch() got an unknown option '${label}'; known: ${Object.keys(SPELLINGS).join(', ')}`);
    // null means "not given", except for `log`, where null is W&B's "log nothing".
    if (value === undefined || (value === null && name !== 'log')) continue;
    const earlier = given[name];
    if (earlier !== undefined && !Object.is(earlier.value, value)) {
      throw new UsageError(`watch() options '${earlier.label}' and '${label}' disagree (${describe(earlier.value)} vs ${describe(value)})`);
    }
    given[name] = { value, label };
  }
  return given;
}

function integer(given: Given | undefined, fallback: number, min: number): number {
  if (given === undefined) return fallback;
  const { value, label } = given;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`watch() ${label} must be an integer >= ${min}, got ${describe(value)}`);
  }
  return value;
}

function boolean(given: Given | undefined, fallback: boolean): boolean {
  if (given === undefined) return fallback;
  if (typeof given.value !== 'boolean') throw new UsageError(`watch() ${given.label} must be a boolean, got ${describe(given.value)}`);
  return given.value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
