/**
 * Which charts a run page (or the compare view) draws, on which x axis and in which section — pure
 * functions of the run's history keys and `defineMetric` definitions, tested without a DOM.
 */
import { toNumber, type EventsLine, type MetricInfo } from '../api.js';
import { naturalCompare, searchTerms } from '../ui/search.js';

/** The toolbar's x axis choice: `auto` uses each key's step metric, else a fixed key. */
export const AUTO_X = 'auto';

/** The x axes every run has. */
const BUILTIN_X = ['_step', '_runtime', '_timestamp'] as const;

/** The section of keys without a `/`. */
export const DEFAULT_SECTION = 'Charts';

/**
 * Glob match as wandb's defineMetric: `*` any run of characters (`/` too), `?` one character, every
 * other character itself. Globs come from logged data, so this must not backtrack: a regex built
 * from `*a*a*a…b` takes exponential time on a long key and froze the tab. The two-pointer match
 * below backs up only to the last `*`, O(glob × key) at worst.
 */
export function globMatches(glob: string, key: string): boolean {
  let g = 0;
  let k = 0;
  let star = -1; // position in the glob just after the last `*` seen
  let resume = 0; // where in the key that `*` match continues from
  while (k < key.length) {
    const c = glob[g];
    if (c === '*') {
      star = ++g;
      resume = k;
    } else if (g < glob.length && (c === '?' || c === key[k])) {
      g++;
      k++;
    } else if (star >= 0) {
      // Let the last `*` swallow one more character and try the rest of the glob again.
      g = star;
      k = ++resume;
    } else return false;
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
}

/** Per metrics list (by identity), the definition found for each key. */
const metricCache = new WeakMap<readonly MetricInfo[], Map<string, MetricInfo | null>>();

/** The definition that applies to `key`: an exact name first, then the first matching glob (memoized per list). */
export function metricFor(key: string, metrics: readonly MetricInfo[]): MetricInfo | null {
  let cache = metricCache.get(metrics);
  if (!cache) metricCache.set(metrics, (cache = new Map()));
  const known = cache.get(key);
  if (known !== undefined) return known;
  const found = metrics.find((m) => m.name === key) ?? metrics.find((m) => m.glob !== null && globMatches(m.glob, key)) ?? null;
  cache.set(key, found);
  return found;
}

/** The x key a chart of `key` uses for the toolbar's choice. */
export function effectiveX(key: string, xAxis: string, metrics: readonly MetricInfo[]): string {
  if (xAxis !== AUTO_X) return xAxis;
  return metricFor(key, metrics)?.stepMetric ?? '_step';
}

/** True for a key a page shows (a chart or a media panel): not internal (`_step`, `_runtime`, `_wandb`...), not hidden by `defineMetric`. */
export const isShownKey = (key: string, metrics: readonly MetricInfo[]): boolean => !key.startsWith('_') && !metricFor(key, metrics)?.hidden;

/** The keys that get a chart: the shown ones (see isShownKey). */
export function chartKeys(historyKeys: readonly string[], metrics: readonly MetricInfo[]): string[] {
  return historyKeys.filter((k) => isShownKey(k, metrics));
}

/** The section of a key: its prefix before the first `/`, or the default section. */
export function sectionOf(key: string): string {
  const slash = key.indexOf('/');
  return slash > 0 ? key.slice(0, slash) : DEFAULT_SECTION;
}

/** Keys grouped by section: the default section first, then the others sorted; keys sorted. */
export function groupSections(keys: readonly string[]): { name: string; keys: string[] }[] {
  const sections = new Map<string, string[]>();
  for (const key of keys) {
    const name = sectionOf(key);
    const list = sections.get(name);
    if (list) list.push(key);
    else sections.set(name, [key]);
  }
  return [...sections.entries()]
    .sort(([a], [b]) => (a === DEFAULT_SECTION ? -1 : b === DEFAULT_SECTION ? 1 : naturalCompare(a, b)))
    .map(([name, list]) => ({ name, keys: list.sort(naturalCompare) }));
}

/** Keys whose name contains every space-separated term of `query` (case-insensitive). */
export function filterKeys(keys: readonly string[], query: string): string[] {
  const terms = searchTerms(query);
  if (terms.length === 0) return [...keys];
  return keys.filter((k) => {
    const lower = k.toLowerCase();
    return terms.every((t) => lower.includes(t));
  });
}

/**
 * The x axis choices: automatic, the built-in axes, then history keys that look numeric (their
 * summary value is a number, or unknown).
 */
export function xAxisOptions(historyKeys: readonly string[], summaries: readonly Record<string, unknown>[]): string[] {
  const numeric = (k: string) => summaries.every((s) => !Object.hasOwn(s, k) || toNumber(s[k]) !== null);
  const others = historyKeys.filter((k) => !k.startsWith('_') && numeric(k)).sort(naturalCompare);
  return [AUTO_X, ...BUILTIN_X, ...others];
}

/** The x axis of system metrics: `_timestamp` when the toolbar shows time, else `_runtime`. */
export const systemX = (xAxis: string): '_runtime' | '_timestamp' => (xAxis === '_timestamp' ? '_timestamp' : '_runtime');

/** Points of every `system.*` key of the events lines against `xKey` (lines without x skipped). */
export function systemSeries(events: readonly EventsLine[], xKey: string): Map<string, [number, number][]> {
  const series = new Map<string, [number, number][]>();
  for (const line of events) {
    const x = toNumber(line[xKey]);
    if (x === null || !Number.isFinite(x)) continue;
    for (const [key, value] of Object.entries(line)) {
      if (!key.startsWith('system.')) continue;
      const y = toNumber(value);
      if (y === null) continue;
      let points = series.get(key);
      if (!points) series.set(key, (points = []));
      points.push([x, y]);
    }
  }
  return new Map([...series.entries()].sort(([a], [b]) => naturalCompare(a, b)));
}
