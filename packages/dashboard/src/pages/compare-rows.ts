/** The compare view's config and summary tables without a DOM. */
import { flatten } from '../ui/flatten.js';

/** One key of the compared runs. */
export interface CompareRow {
  key: string;
  /** By run position; undefined where the run lacks the key. */
  values: unknown[];
  differs: boolean;
}

/** The union of flattened keys of the objects, each with every run's value and whether they differ. */
export function compareRows(objects: readonly Record<string, unknown>[]): CompareRow[] {
  const flat = objects.map((o) => new Map(flatten(o)));
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort((a, b) => a.localeCompare(b));
  return keys.map((key) => {
    const values = flat.map((m) => m.get(key));
    const first = JSON.stringify(values[0]);
    return { key, values, differs: values.some((v) => JSON.stringify(v) !== first) };
  });
}
