/** Flattening of nested config and summary objects into dotted keys (no DOM). */

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** True for a W&B media or table value (`{"_type": "histogram", ...}`): shown whole, never flattened. */
const isMedia = (value: Record<string, unknown>) => typeof value._type === 'string';

/**
 * Nested plain objects become dotted keys (`{opt: {lr: 1}}` → `opt.lr`); arrays, media values and
 * empty objects stay whole. Top-level keys starting with `_` (`_wandb`, `_runtime`...) are skipped
 * when `skipInternal` is set.
 */
export function flatten(object: Record<string, unknown>, skipInternal = true): [string, unknown][] {
  const out: [string, unknown][] = [];
  const walk = (value: unknown, key: string, depth: number) => {
    if (isPlainObject(value) && !isMedia(value) && Object.keys(value).length > 0 && depth < 20) {
      for (const [k, v] of Object.entries(value)) walk(v, `${key}.${k}`, depth + 1);
    } else {
      out.push([key, value]);
    }
  };
  for (const [k, v] of Object.entries(object)) {
    if (skipInternal && k.startsWith('_')) continue;
    walk(v, k, 0);
  }
  return out;
}
