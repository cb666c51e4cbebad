/**
 * Metric definitions (`define_metric`) as the run page shows them, decoded from the stored config's
 * `_wandb.value.m`: Python's proto_encode_to_dict of each MetricRecord, keyed by field number:
 * "1" name, "2" glob name, "4" step metric by name (older clients), "5" one-based index into the same
 * list of the step metric's entry, "6" options (1 step_sync, 2 hidden, 3 defined), "7" summary modes
 * (MetricSummary fields: 1 min … 8 first), "8" goal (1 minimize, 2 maximize). The daemon writes the
 * same shape (daemon/src/sync/wire-format.ts encodeMetricDefinitions). An entry that does not have
 * this shape is skipped, whatever is wrong with it; it never fails the read.
 */
import { isPlainObject } from '@wandb-daemon/protocol';
import { ownValue } from './wrapped-config.js';

/** One metric definition, as the read API sends it. */
export interface MetricInfo {
  /** The metric name, or null for a glob entry. */
  name: string | null;
  /** A glob such as `train/*`, or null. */
  glob: string | null;
  stepMetric: string | null;
  hidden: boolean;
  goal: 'minimize' | 'maximize' | null;
  summary: string[];
}

/** MetricSummary field numbers of wandb_internal.proto. */
const SUMMARY_MODES: Record<number, string> = { 1: 'min', 2: 'max', 3: 'mean', 4: 'best', 5: 'last', 6: 'none', 7: 'copy', 8: 'first' };
const GOALS: Record<number, MetricInfo['goal']> = { 0: null, 1: 'minimize', 2: 'maximize' };
const HIDDEN = 2;

type Entry = Record<string, unknown>;

const field = (entry: Entry, n: number): unknown => ownValue(entry, String(n));
const optionalString = (value: unknown): value is string | undefined => value === undefined || typeof value === 'string';
const intList = (value: unknown): value is number[] | undefined => value === undefined || (Array.isArray(value) && value.every((n) => Number.isSafeInteger(n)));

/** The entry's own name or glob (what a step-metric index points at). */
const label = (entry: unknown): string | null => (isPlainObject(entry) ? ((field(entry, 1) ?? field(entry, 2) ?? null) as string | null) : null);

/** One entry decoded, or null when it is malformed. */
function decodeEntry(entry: unknown, all: readonly unknown[]): MetricInfo | null {
  if (!isPlainObject(entry)) return null;
  const name = field(entry, 1);
  const glob = field(entry, 2);
  const stepName = field(entry, 4);
  const stepIndex = field(entry, 5);
  const options = field(entry, 6);
  const summary = field(entry, 7);
  const goal = field(entry, 8) ?? 0;
  if (!optionalString(name) || !optionalString(glob) || !optionalString(stepName) || (name === undefined && glob === undefined)) return null;
  if (!intList(options) || !intList(summary) || typeof goal !== 'number' || !Object.hasOwn(GOALS, goal)) return null;
  if (summary?.some((n) => !Object.hasOwn(SUMMARY_MODES, n))) return null;
  let stepMetric: string | null = stepName ?? null;
  if (stepIndex !== undefined) {
    if (!Number.isSafeInteger(stepIndex) || (stepIndex as number) < 1 || (stepIndex as number) > all.length) return null;
    const target = label(all[(stepIndex as number) - 1]);
    if (typeof target !== 'string') return null;
    stepMetric = target;
  }
  return {
    name: name ?? null,
    glob: glob ?? null,
    stepMetric,
    hidden: options?.includes(HIDDEN) ?? false,
    goal: GOALS[goal]!,
    summary: (summary ?? []).map((n) => SUMMARY_MODES[n]!),
  };
}

/**
 * The metric definitions of a run's internal config (the `_wandb` value of its stored config:
 * pickWandbConfigKeys(config, null)), in stored order; [] when there are none.
 */
export function metricInfos(wandb: Record<string, unknown>): MetricInfo[] {
  const list = ownValue(wandb, 'm');
  if (!Array.isArray(list)) return [];
  return list.map((entry) => decodeEntry(entry, list)).filter((m): m is MetricInfo => m !== null);
}
