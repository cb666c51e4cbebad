/**
 * Custom charts (`wandb.plot.*`, `wandb.plot_table`) as the run page shows them, decoded from the
 * stored config's `_wandb.value.visualize`: Python's CustomChart.get_config_value, keyed by the key
 * the chart was logged under:
 *
 *   {"panel_type": "Vega2", "panel_config": {"panelDefId": "wandb/line/v0",
 *    "fieldSettings": {"x": "step", "y": "loss"}, "stringSettings": {"title": "..."},
 *    "transform": {...}, "userQuery": {"queryFields": [{"name": "runSets", ..., "fields": [...,
 *      {"name": "summaryTable", "args": [{"name": "tableKey", "value": "<table key>"}], ...}]}]}}}
 *
 * An entry that does not have this shape (another panel type, no panelDefId, no table key, settings
 * that are not objects) is skipped, whatever is wrong with it; it never fails the read. Settings
 * whose value is not a string (Python sends None for an unused field) are left out.
 */
import { isPlainObject } from '@wandb-daemon/protocol';
import { ownValue } from './wrapped-config.js';

/** One custom chart, as the read API sends it. */
export interface CustomChart {
  /** The key the chart was logged under. */
  key: string;
  /** The Vega panel definition (`wandb/line/v0`, `wandb/confusion_matrix/v1`...). */
  panelDefId: string;
  /** The summary (or history) key of the table-file the chart draws. */
  tableKey: string;
  /** Panel field → table column. */
  fields: Record<string, string>;
  /** Panel string setting → value (title, axis labels). */
  stringFields: Record<string, string>;
}

/** The only panel type W&B clients write for custom charts. */
const VEGA_PANEL = 'Vega2';

/** Query nesting searched for the table key, at most (W&B's query is three levels deep). */
const MAX_QUERY_DEPTH = 8;

/** Query table fields whose `tableKey` argument names the chart's table. */
const TABLE_FIELDS = new Set(['summaryTable', 'historyTable']);

/** The string-valued settings of an object (absent: none); null when it is not an object. */
function stringSettings(value: unknown): Record<string, string> | null {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) return null;
  // fromEntries defines every key as data ("__proto__" included).
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The `tableKey` argument of the first table field of a query (depth first), or null. */
function tableKeyOf(fields: unknown, depth = 0): string | null {
  if (!Array.isArray(fields) || depth > MAX_QUERY_DEPTH) return null;
  for (const field of fields) {
    if (!isPlainObject(field)) continue;
    const args = ownValue(field, 'args');
    if (TABLE_FIELDS.has(ownValue(field, 'name') as string) && Array.isArray(args)) {
      const arg = args.find((a) => isPlainObject(a) && ownValue(a, 'name') === 'tableKey');
      const value = isPlainObject(arg) ? ownValue(arg, 'value') : undefined;
      if (typeof value === 'string' && value !== '') return value;
    }
    const nested = tableKeyOf(ownValue(field, 'fields'), depth + 1);
    if (nested !== null) return nested;
  }
  return null;
}

/** One entry decoded, or null when it is malformed. */
function decodeChart(key: string, entry: unknown): CustomChart | null {
  if (!isPlainObject(entry) || ownValue(entry, 'panel_type') !== VEGA_PANEL) return null;
  const config = ownValue(entry, 'panel_config');
  if (!isPlainObject(config)) return null;
  const panelDefId = ownValue(config, 'panelDefId');
  const query = ownValue(config, 'userQuery');
  const tableKey = isPlainObject(query) ? tableKeyOf(ownValue(query, 'queryFields')) : null;
  const fields = stringSettings(ownValue(config, 'fieldSettings'));
  const stringFields = stringSettings(ownValue(config, 'stringSettings'));
  if (typeof panelDefId !== 'string' || panelDefId === '' || tableKey === null || fields === null || stringFields === null) return null;
  return { key, panelDefId, tableKey, fields, stringFields };
}

/**
 * The custom charts of a run's internal config (the `_wandb` value of its stored config:
 * pickWandbConfigKeys(config, null)), in stored order; [] when there are none.
 */
export function customCharts(wandb: Record<string, unknown>): CustomChart[] {
  const visualize = ownValue(wandb, 'visualize');
  if (!isPlainObject(visualize)) return [];
  return Object.entries(visualize)
    .map(([key, entry]) => decodeChart(key, entry))
    .filter((c): c is CustomChart => c !== null);
}
