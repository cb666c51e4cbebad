/**
 * Picking values of a key evenly over a window, for views that step through a run (an image or a
 * histogram per step): at most `limit` of the window's values, the first and the last included, so
 * that a slider over them covers the whole window whatever the run's length.
 */

/** One value of a history key at its step (numbers as numbers, typed values parsed). */
export interface StepValue {
  step: number;
  value: unknown;
}

/** The values of a key in a window: how many it holds, and those picked, in (step, line) order. */
export interface SpreadValues {
  total: number;
  values: StepValue[];
}

/**
 * The positions (0-based, increasing) of `limit` values spread evenly over `total`: every position
 * when total <= limit; else position round(k * (total - 1) / (limit - 1)) for k = 0 … limit - 1, so
 * the first and the last are always in (with limit 1, the last alone: the latest value).
 */
export function spreadIndexes(total: number, limit: number): number[] {
  if (total <= limit) return Array.from({ length: total }, (_, i) => i);
  if (limit <= 0) return [];
  if (limit === 1) return [total - 1];
  // The gap is > 1 when total > limit: rounding keeps the positions strictly increasing.
  return Array.from({ length: limit }, (_, k) => Math.round((k * (total - 1)) / (limit - 1)));
}
