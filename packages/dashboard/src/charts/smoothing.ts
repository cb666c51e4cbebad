/**
 * TensorBoard's smoothing: an exponential moving average, debiased so the first values are not
 * pulled toward zero. Pure, for the charts and their unit tests.
 */

/** The largest weight the toolbar allows (1 would freeze the line at its first value). */
export const MAX_SMOOTHING = 0.999;

/** Clamps a smoothing weight to 0..MAX_SMOOTHING; NaN means off. */
export function clampSmoothing(weight: number): number {
  if (!(weight > 0)) return 0;
  return Math.min(weight, MAX_SMOOTHING);
}

/**
 * Debiased EMA of `ys` with `weight` (0 = unchanged):
 * `last = last*w + (1-w)*y; n++; smoothed = last / (1 - w^n)`.
 * Non-finite values pass through unchanged and do not update the state; a constant series stays
 * exactly constant (no float drift), as in TensorBoard.
 */
export function smoothEma(ys: readonly number[], weight: number): number[] {
  const w = clampSmoothing(weight);
  if (w === 0) return ys.slice();
  const first = ys[0];
  if (ys.every((y) => y === first)) return ys.slice();
  let last = 0;
  let n = 0;
  return ys.map((y) => {
    if (!Number.isFinite(y)) return y;
    last = last * w + (1 - w) * y;
    n++;
    return last / (1 - w ** n);
  });
}
