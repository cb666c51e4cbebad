/**
 * `defineMetric(name, options)`: W&B's options, checked in the caller. `summary` takes W&B's string
 * form ("min,max") or a list; `name` may end in `*` to cover every key with that prefix.
 */
import type { MetricDefinition, SummaryMode } from '@wandb-daemon/protocol/lite';
import { UsageError } from './errors.js';

export interface DefineMetricOptions {
  /** The x axis for this metric: another logged key. */
  stepMetric?: string;
  step_metric?: string;
  /** Add the step metric's latest value to rows that lack it (default true when `stepMetric` is set). */
  stepSync?: boolean;
  step_sync?: boolean;
  /** Hide the metric from automatic charts. */
  hidden?: boolean;
  /** Summary aggregates: 'min', 'max', 'mean', 'first', 'last', 'best', 'copy', 'none', comma-separated or a list. */
  summary?: string | readonly string[];
  /** Which direction is better, for `best`. */
  goal?: 'minimize' | 'maximize' | 'min' | 'max';
}

export type MetricSpec = Omit<MetricDefinition, 't' | 'run' | 'seq'>;

const SUMMARY_MODES: readonly SummaryMode[] = ['min', 'max', 'mean', 'first', 'last', 'best', 'copy', 'none'];
const KNOWN = new Set(['stepMetric', 'step_metric', 'stepSync', 'step_sync', 'hidden', 'summary', 'goal']);

function metricName(name: unknown, what: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 256) throw new UsageError(`${what} must be a non-empty string of at most 256 characters`);
  if (name.slice(0, -1).includes('*')) throw new UsageError(`${what} "${name}": only a trailing * is allowed`);
  return name;
}

/** Validates `defineMetric` arguments into the record the daemon stores. */
export function parseMetricDefinition(name: unknown, options: DefineMetricOptions = {}): MetricSpec {
  const spec: MetricSpec = { name: metricName(name, 'defineMetric() name') };
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw new UsageError(`defineMetric() got an unknown option "${key}"`);
  const stepMetric = options.stepMetric ?? options.step_metric;
  if (stepMetric !== undefined) spec.stepMetric = metricName(stepMetric, 'defineMetric() stepMetric');
  const stepSync = options.stepSync ?? options.step_sync;
  if (stepSync !== undefined) {
    if (typeof stepSync !== 'boolean') throw new UsageError('defineMetric() stepSync must be a boolean');
    spec.stepSync = stepSync;
  } else if (stepMetric !== undefined) {
    spec.stepSync = true;
  }
  if (options.hidden !== undefined) {
    if (typeof options.hidden !== 'boolean') throw new UsageError('defineMetric() hidden must be a boolean');
    spec.hidden = options.hidden;
  }
  if (options.summary !== undefined) {
    const modes = typeof options.summary === 'string' ? options.summary.split(',').map((m) => m.trim()).filter(Boolean) : options.summary;
    if (!Array.isArray(modes)) throw new UsageError('defineMetric() summary must be a string like "min,max" or a list of modes');
    for (const mode of modes) {
      if (!SUMMARY_MODES.includes(mode as SummaryMode)) throw new UsageError(`defineMetric() summary "${String(mode)}" is not one of ${SUMMARY_MODES.join(', ')}`);
    }
    spec.summary = modes as SummaryMode[];
  }
  if (options.goal !== undefined) {
    const goal = options.goal === 'min' ? 'minimize' : options.goal === 'max' ? 'maximize' : options.goal;
    if (goal !== 'minimize' && goal !== 'maximize') throw new UsageError('defineMetric() goal must be "minimize" or "maximize"');
    spec.goal = goal;
  }
  return spec;
}
