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
import { pickWandbConfigKeys } from './wrapped-config.js';

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

type Entry = Record<string, unknown>;

const isEntry = (value: unknown): value is Entry => typeof value === 'object' && value !== null && !Array.isArray(value);
const own = (entry: Entry, name: string): unknown => (Object.hasOwn(entry, name) ? entry[name] : undefined);

/** The string-valued settings of an object (absent: none); null when it is not an object. */
function stringSettings(value: unknown): Record<string, string> | null {
  if (value === undefined || value === null) return {};
  if (!isEntry(value)) return null;
  // fromEntries defines every key as data ("__proto__" included).
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The `tableKey` argument of the first table field of a query (depth first), or null. */
function tableKeyOf(fields: unknown, depth = 0): string | null {
  if (!Array.isArray(fields) || depth > MAX_QUERY_DEPTH) return null;
  for (const field of fields) {
    if (!isEntry(field)) continue;
    const args = own(field, 'args');
    if (TABLE_FIELDS.has(own(field, 'name') as string) && Array.isArray(args)) {
      const arg = args.find((a) => isEntry(a) && own(a, 'name') === 'tableKey');
      const value = isEntry(arg) ? own(arg, 'value') : undefined;
      if (typeof value === 'string' && value !== '') return value;
    }
    const nested = tableKeyOf(own(field, 'fields'), depth + 1);
    if (nested !== null) return nested;
  }
  return null;
}

/** One entry decoded, or null when it is malformed. */
function decodeChart(key: string, entry: unknown): CustomChart | null {
  if (!isEntry(entry) || own(entry, 'panel_type') !== VEGA_PANEL) return null;
  const config = own(entry, 'panel_config');
  if (!isEntry(config)) return null;
  const panelDefId = own(config, 'panelDefId');
  const query = own(config, 'userQuery');
  const tableKey = isEntry(query) ? tableKeyOf(own(query, 'queryFields')) : null;
  const fields = stringSettings(own(config, 'fieldSettings'));
  const stringFields = stringSettings(own(config, 'stringSettings'));
  if (typeof panelDefId !== 'string' || panelDefId === '' || tableKey === null || fields === null || stringFields === null) return null;
  return { key, panelDefId, tableKey, fields, stringFields };
}

/** The custom charts of a stored (wrapped) config, in stored order; [] when there are none. */
export function customCharts(config: Record<string, unknown>): CustomChart[] {
  const visualize = pickWandbConfigKeys(config, ['visualize']).visualize;
  if (!isEntry(visualize)) return [];
  return Object.entries(visualize)
    .map(([key, entry]) => decodeChart(key, entry))
    .filter((c): c is CustomChart => c !== null);
}
