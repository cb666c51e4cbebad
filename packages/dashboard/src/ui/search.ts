/** How the dashboard's lists search, order and sort: chart keys, runs, table rows, columns. */

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural, case-insensitive order of two texts (`step2` before `step10`). */
export const naturalCompare = (a: string, b: string): number => collator.compare(a, b);

/** The lower-cased, space-separated terms of a search box; a text matches when it contains every one. */
export const searchTerms = (query: string): string[] => query.toLowerCase().split(/\s+/).filter((t) => t !== '');

/**
 * `items` sorted by the value `valueOf` gives each (ascending by `compare`, or descending), the
 * missing values last in both directions; equal values keep their order.
 */
export function sortMissingLast<T, V>(items: readonly T[], valueOf: (item: T) => V, isMissing: (value: V) => boolean, compare: (a: V, b: V) => number, descending: boolean): T[] {
  const sign = descending ? -1 : 1;
  const keyed = items.map((item, index) => {
    const value = valueOf(item);
    return { item, index, value, missing: isMissing(value) };
  });
  keyed.sort((a, b) => {
    if (a.missing || b.missing) return a.missing === b.missing ? a.index - b.index : a.missing ? 1 : -1;
    return sign * compare(a.value, b.value) || a.index - b.index;
  });
  return keyed.map((k) => k.item);
}
