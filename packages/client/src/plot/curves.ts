/**
 * The curve maths behind `plot.prCurve` and `plot.rocCurve`, as scikit-learn computes it
 * (`_binary_clf_curve`, `roc_curve`, `precision_recall_curve`), and the numpy helpers W&B applies
 * to the result (`linspace`, `round`, `searchsorted`).
 */

/** Counts at each distinct score, highest score first: `fps[i]`/`tps[i]` count the samples scored >= `thresholds[i]`. */
export interface BinaryCounts {
  fps: number[];
  tps: number[];
  thresholds: number[];
}

/** scikit-learn's `_binary_clf_curve`: true and false positives at every distinct score, highest first. */
export function binaryCounts(positive: readonly boolean[], scores: readonly number[]): BinaryCounts {
  if (positive.length !== scores.length) throw new RangeError(`${positive.length} labels but ${scores.length} scores`);
  for (const score of scores) if (!Number.isFinite(score)) throw new RangeError(`scores must be finite numbers, got ${score}`);
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const out: BinaryCounts = { fps: [], tps: [], thresholds: [] };
  let tp = 0;
  order.forEach((sample, rank) => {
    if (positive[sample]) tp += 1;
    const next = order[rank + 1];
    // The last sample of a run of equal scores closes a threshold.
    if (next === undefined || scores[next] !== scores[sample]) {
      out.tps.push(tp);
      out.fps.push(rank + 1 - tp);
      out.thresholds.push(scores[sample]!);
    }
  });
  return out;
}

/** A ROC curve: false and true positive rates from the strictest threshold (`Infinity`) down. */
export interface RocPoints {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

/**
 * scikit-learn's `roc_curve` with its default `drop_intermediate=True`: collinear points are dropped,
 * and (0, 0) is prepended at threshold Infinity. A rate with no samples to divide by is NaN, as there.
 */
export function rocCurve(positive: readonly boolean[], scores: readonly number[]): RocPoints {
  let { fps, tps, thresholds } = binaryCounts(positive, scores);
  if (fps.length > 2) {
    // Keep the ends and every point where either count changes slope (np.diff(x, 2) != 0).
    const keep = fps.map((_, i) => i === 0 || i === fps.length - 1 || secondDiff(fps, i) !== 0 || secondDiff(tps, i) !== 0);
    fps = fps.filter((_, i) => keep[i]);
    tps = tps.filter((_, i) => keep[i]);
    thresholds = thresholds.filter((_, i) => keep[i]);
  }
  fps = [0, ...fps];
  tps = [0, ...tps];
  const fpTotal = fps[fps.length - 1]!;
  const tpTotal = tps[tps.length - 1]!;
  return {
    fpr: fps.map((n) => (fpTotal > 0 ? n / fpTotal : Number.NaN)),
    tpr: tps.map((n) => (tpTotal > 0 ? n / tpTotal : Number.NaN)),
    thresholds: [Number.POSITIVE_INFINITY, ...thresholds],
  };
}

const secondDiff = (values: readonly number[], i: number): number => values[i + 1]! - 2 * values[i]! + values[i - 1]!;

/** A precision-recall curve in scikit-learn's order: recall falling, ending at (recall 0, precision 1). */
export interface PrPoints {
  precision: number[];
  recall: number[];
  thresholds: number[];
}

/**
 * scikit-learn's `precision_recall_curve` (1.1 and later): one point per distinct score, lowest
 * threshold first, then the point (recall 0, precision 1). Precision with no predicted positives is
 * 0; recall with no positives at all is 1, as there.
 */
export function precisionRecallCurve(positive: readonly boolean[], scores: readonly number[]): PrPoints {
  const { fps, tps, thresholds } = binaryCounts(positive, scores);
  const tpTotal = tps[tps.length - 1] ?? 0;
  const precision = tps.map((tp, i) => (tp + fps[i]! === 0 ? 0 : tp / (tp + fps[i]!)));
  const recall = tps.map((tp) => (tpTotal === 0 ? 1 : tp / tpTotal));
  return { precision: [...precision.reverse(), 1], recall: [...recall.reverse(), 0], thresholds: thresholds.reverse() };
}

/** numpy's `linspace(start, stop, num)` to the last bit: `start + i * step`, the last value exactly `stop`. */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num <= 0) return [];
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  out[num - 1] = stop;
  return out;
}

/** numpy's `round(value, decimals)` (as pandas' `DataFrame.round`): scale, round half to even, unscale. */
export function roundDecimals(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  const scaled = value * scale;
  if (!Number.isFinite(scaled)) return value;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  const rounded = diff > 0.5 ? floor + 1 : diff < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  return rounded / scale;
}

/** numpy's `searchsorted(sorted, value, side='left')`: the first index whose value is >= `value`. */
export function searchSortedLeft(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** W&B's `_step`: a running maximum, so precision never falls as recall falls (interpolated precision). */
export function runningMax(values: readonly number[]): number[] {
  const out: number[] = [];
  values.forEach((value, i) => out.push(i === 0 ? value : Math.max(value, out[i - 1]!)));
  return out;
}
