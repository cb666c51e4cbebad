/**
 * The step a media panel's slider shows while a live run adds steps. The user's choice is kept as a
 * pin: null follows the latest step (the default, and whenever the slider is put on the last step),
 * a number keeps that step however many steps arrive. The step list is a sample the server spreads
 * evenly over the run, so a pinned step can drop out of it as the run grows: the slider then shows
 * the nearest step listed, and the pin stays, so the same step comes back once it is listed again.
 * Pure, for unit tests under Node.
 */

/** The index in `steps` (ascending) to show for `pin`; -1 when there is no step. */
export function indexForPin(steps: readonly number[], pin: number | null): number {
  if (steps.length === 0) return -1;
  if (pin === null) return steps.length - 1;
  // The first step at or after the pin, then whichever neighbour is nearer (the earlier on a tie).
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid]! < pin) lo = mid + 1;
    else hi = mid;
  }
  if (lo === steps.length) return lo - 1;
  if (lo === 0 || steps[lo] === pin) return lo;
  return pin - steps[lo - 1]! <= steps[lo]! - pin ? lo - 1 : lo;
}

/** The pin after the user put the slider on `index`: the last step follows the latest (null). */
export function pinForIndex(steps: readonly number[], index: number): number | null {
  if (steps.length === 0 || index >= steps.length - 1) return null;
  return steps[Math.max(0, index)]!;
}
