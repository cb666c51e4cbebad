/**
 * Which keys of a run get a media panel and which stay charts: pure functions of the run's history
 * key types, summary and `defineMetric` definitions, tested without a DOM.
 */
import type { MetricInfo } from '../api.js';
import { filterKeys, groupSections, isShownKey } from '../pages/chart-keys.js';
import { flatten } from '../ui/flatten.js';
import { mediaKindOf, typeOf, type MediaKind } from './media-types.js';

/** One media panel: a history key holding typed values, or a typed value only in the summary. */
export interface MediaEntry {
  key: string;
  /** The `_type` logged (`image-file`, `histogram`...). */
  type: string;
  kind: MediaKind;
  /** `history`: values over steps (a step slider); `summary`: the summary's value alone. */
  source: 'history' | 'summary';
  /** The summary value of a summary-only key (undefined for history keys). */
  summaryValue?: unknown;
}

/**
 * History keys to chart: every key whose type is not media (numbers, plain JSON, or unknown to a
 * server that sends no types), so a media key never gets an empty line chart.
 */
export function plainHistoryKeys(historyKeys: readonly string[], types: Readonly<Record<string, string>> | undefined): string[] {
  if (!types) return [...historyKeys];
  return historyKeys.filter((k) => !Object.hasOwn(types, k) || mediaKindOf(types[k]) === null);
}

/**
 * The media panels of a run: history keys whose type is a `_type`, then summary values with a
 * `_type` whose key is not in history (a model graph, a final table), by key.
 */
export function mediaEntries(historyKeys: readonly string[], types: Readonly<Record<string, string>> | undefined, summary: Readonly<Record<string, unknown>>, metrics: readonly MetricInfo[]): MediaEntry[] {
  const out: MediaEntry[] = [];
  const inHistory = new Set(historyKeys);
  for (const key of historyKeys) {
    const type = types && Object.hasOwn(types, key) ? types[key]! : undefined;
    const kind = mediaKindOf(type);
    if (kind && type && isShownKey(key, metrics)) out.push({ key, type, kind, source: 'history' });
  }
  for (const [key, value] of flatten(summary as Record<string, unknown>)) {
    const type = typeOf(value);
    const kind = type === null ? null : mediaKindOf(type);
    if (!kind || !type || inHistory.has(key) || !isShownKey(key, metrics)) continue;
    out.push({ key, type, kind, source: 'summary', summaryValue: value });
  }
  return out;
}

/** The summary value at a (possibly dotted, flattened) key, or undefined. */
export function summaryValueAt(summary: Readonly<Record<string, unknown>>, key: string): unknown {
  if (Object.hasOwn(summary, key)) return summary[key];
  for (const [k, v] of flatten(summary as Record<string, unknown>)) if (k === key) return v;
  return undefined;
}

/** Media panels by section like the charts (`train/examples` → `train`), filtered by the toolbar's key query. */
export function mediaSections(entries: readonly MediaEntry[], query: string): { name: string; entries: MediaEntry[] }[] {
  const byKey = new Map(entries.map((e) => [e.key, e]));
  return groupSections(filterKeys([...byKey.keys()], query)).map((s) => ({ name: s.name, entries: s.keys.map((k) => byKey.get(k)!) }));
}
