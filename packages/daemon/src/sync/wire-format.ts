/**
 * How run data looks on the W&B wire: `output.log` lines, the wrapped config with `_wandb` (telemetry,
 * metric definitions and custom charts), its unwrapping on resume, and `config.yaml`.
 */
import { stringify as yamlStringify } from 'yaml';
import { isPlainObject, setOwn, type JsonObject, type MetricDefinition, type SummaryMode } from '@wandb-daemon/protocol';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DDTHH:MM:SS.ffffff` (UTC, microseconds) of a Unix time in seconds. */
export function utcMicros(ts: number): string {
  const micros = Math.round(ts * 1e6);
  const d = new Date(Math.floor(micros / 1000));
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${date}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(((micros % 1e6) + 1e6) % 1e6, 6)}`;
}

/** One `output.log` line: `[ERROR ]<UTC time> <text>`, `ERROR ` marking stderr. */
export function outputLine(stream: 'stdout' | 'stderr', ts: number, text: string): string {
  return `${stream === 'stderr' ? 'ERROR ' : ''}${utcMicros(ts)} ${text}`;
}

/** A metric definition as stored in `metric_definitions` (the record without t, run, seq). */
export type StoredDefinition = Omit<MetricDefinition, 't' | 'run' | 'seq'>;

// MetricSummary field numbers of wandb_internal.proto (min=1 … copy=7, first=8).
const SUMMARY_FIELD: Record<SummaryMode, number> = { min: 1, max: 2, mean: 3, best: 4, last: 5, none: 6, copy: 7, first: 8 };

/**
 * Metric definitions as Python's `proto_encode_to_dict(MetricRecord)` writes them into `_wandb.m`:
 * 1 name, 2 glob name, 5 one-based index of the step metric's entry, 6 options (1 step_sync,
 * 2 hidden, 3 defined), 7 summary modes, 8 goal (1 minimize, 2 maximize). A step metric that has
 * no definition of its own gets an entry so that the index can point at it.
 */
export function encodeMetricDefinitions(definitions: readonly StoredDefinition[]): Record<string, unknown>[] {
  const entries: Record<string, unknown>[] = [];
  const index = new Map<string, number>();
  const entryOf = (name: string): Record<string, unknown> => {
    let at = index.get(name);
    if (at === undefined) {
      at = entries.push(name.endsWith('*') ? { '2': name } : { '1': name }) - 1;
      index.set(name, at);
    }
    return entries[at]!;
  };
  for (const def of [...definitions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) entryOf(def.name);
  for (const def of definitions) {
    const entry = entryOf(def.name);
    if (def.stepMetric) {
      entryOf(def.stepMetric);
      entry['5'] = index.get(def.stepMetric)! + 1;
    }
    const options = [def.stepSync ? 1 : 0, def.hidden ? 2 : 0, 3].filter((n) => n > 0);
    entry['6'] = options;
    if (def.summary && def.summary.length > 0) entry['7'] = def.summary.map((mode) => SUMMARY_FIELD[mode]);
    if (def.goal) entry['8'] = def.goal === 'minimize' ? 1 : 2;
  }
  return entries;
}

/**
 * Telemetry for `_wandb.t`. W&B encodes a TelemetryRecord proto by field number; we have none of its
 * Python facts to report, so the object is empty (present, as RunResumeStatus readers expect).
 */
export function telemetry(): Record<string, unknown> {
  return {};
}

/** A custom chart as stored in `charts` (the record without t, run, seq). */
export interface StoredChart {
  key: string;
  panelDefId: string;
  tableKey: string;
  fields: Record<string, string>;
  stringFields: Record<string, string>;
}

/**
 * The `_wandb.visualize[key]` entry of a chart: W&B's Vega2 panel reading the run's summary table
 * `tableKey`, exactly as Python's `CustomChartSpec.config_value` builds it (wandb/plot/custom_chart.py).
 */
export function visualizeEntry(chart: StoredChart): Record<string, unknown> {
  return {
    panel_type: 'Vega2',
    panel_config: {
      panelDefId: chart.panelDefId,
      fieldSettings: chart.fields,
      stringSettings: chart.stringFields,
      transform: { name: 'tableWithLeafColNames' },
      userQuery: {
        queryFields: [
          {
            name: 'runSets',
            args: [{ name: 'runSets', value: '${runSets}' }],
            fields: [
              { name: 'id', fields: [] },
              { name: 'name', fields: [] },
              { name: '_defaultColorIndex', fields: [] },
              { name: 'summaryTable', args: [{ name: 'tableKey', value: chart.tableKey }], fields: [] },
            ],
          },
        ],
      },
    },
  };
}

/**
 * The config as Python sends it: every top-level key wrapped as `{"value": v}`, plus
 * `_wandb: {value: {t, m}}`, and `visualize` (one panel per chart key) when the run has charts.
 */
export function wrapConfig(config: JsonObject, definitions: readonly StoredDefinition[], t: Record<string, unknown> = telemetry(), charts: readonly StoredChart[] = []): Record<string, unknown> {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) if (key !== '_wandb') wrapped[key] = { value };
  const internal: Record<string, unknown> = { t, m: encodeMetricDefinitions(definitions) };
  // Left out without charts, so that the config (and its hash) of a run without any stays as before.
  if (charts.length > 0) {
    const visualize: Record<string, unknown> = {};
    for (const chart of charts) setOwn(visualize, chart.key, visualizeEntry(chart));
    internal.visualize = visualize;
  }
  wrapped._wandb = { value: internal };
  return wrapped;
}

/**
 * A server's config back to plain values: unwraps `{value}` (and Python's `{desc, value}`) and drops
 * `_wandb`. A config that is not wrapped (from @wandb/sdk) is returned as it is, minus `_wandb`.
 */
export function unwrapConfig(config: unknown): JsonObject {
  if (!isPlainObject(config)) return {};
  const entries = Object.entries(config).filter(([key]) => key !== '_wandb');
  const wrapped = entries.every(([, value]) => isPlainObject(value) && 'value' in value);
  const out: JsonObject = {};
  for (const [key, value] of entries) out[key] = wrapped ? (value as { value: unknown }).value : value;
  return out;
}

/** `config.yaml` as W&B writes it: `wandb_version: 1`, then each key as `{desc: null, value}`. */
export function configYaml(wrapped: Record<string, unknown>): string {
  const doc: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(wrapped)) doc[key] = { desc: null, value: (entry as { value: unknown }).value };
  return `wandb_version: 1\n\n${yamlStringify(doc, { lineWidth: 0 })}`;
}
