/**
 * `Histogram` (W&B's `wandb.Histogram`) and the binning behind it, which `watch()` also runs on large
 * gradient tensors. Binning follows `numpy.histogram(values, bins=n)`: n equal-width bins over
 * [min, max], each half-open except the last, which is closed; min === max widens the range to
 * (min - 0.5, max + 0.5). Unlike numpy, NaN and ±Infinity are dropped instead of raising.
 */
import { isTensorLike, tensorData, type TensorLike } from './ndarray.js';
import { WBValue } from './wb-value.js';

/** Most bins a histogram may have (W&B's `Histogram.MAX_LENGTH`). */
const MAX_HISTOGRAM_BINS = 512;

/** Counts per bin and the bin edges (`bins.length === values.length + 1`). */
export interface HistogramData {
  values: number[];
  bins: number[];
}

/** `numBins` when it is an integer in [1, 512]; otherwise a clear error. */
function checkNumBins(numBins: unknown): number {
  if (typeof numBins !== 'number' || !Number.isInteger(numBins)) throw new TypeError(`Histogram numBins must be an integer, got ${String(numBins)}`);
  if (numBins < 1 || numBins > MAX_HISTOGRAM_BINS) throw new RangeError(`Histogram numBins must be between 1 and ${MAX_HISTOGRAM_BINS}, got ${numBins}`);
  return numBins;
}

/**
 * Bins `data` into `numBins` equal-width bins as `numpy.histogram` does, in two passes and without
 * copying `data`. Non-finite values are skipped; with no finite value the range is [0, 1] and every
 * count is 0 (numpy's result for an empty array). A Float32Array is binned as numpy (2.x) bins float32
 * data: the edges are computed and stored in float32.
 */
export function histogram(data: ArrayLike<number>, numBins = 64): HistogramData {
  checkNumBins(numBins);
  const length = data.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let finite = 0;
  for (let i = 0; i < length; i += 1) {
    const v = data[i]!;
    if (v - v !== 0) continue; // NaN and ±Infinity
    finite += 1;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const float32 = data instanceof Float32Array;
  let first = 0;
  let last = 1;
  if (finite > 0) {
    first = min === max ? min - 0.5 : min;
    last = min === max ? max + 0.5 : max;
    if (float32) {
      first = Math.fround(first);
      last = Math.fround(last);
    }
  }
  const bins = edges(first, last, numBins, float32, float32 && finite > 0);
  const counts = new Float64Array(numBins);
  if (finite > 0) countInto(counts, data, bins, first, last);
  return { values: Array.from(counts), bins };
}

/**
 * numpy's `linspace(first, last, n + 1)`: `i * step + first`, the last edge exactly `last`. numpy
 * computes in the edges' type, so for float32 data every operation is rounded to float32 (except for
 * an empty range, where numpy's defaults 0 and 1 are Python ints and the edges are cast at the end).
 */
function edges(first: number, last: number, n: number, float32: boolean, float32Math: boolean): number[] {
  const out = new Array<number>(n + 1);
  if (float32Math) {
    const f = Math.fround;
    const delta = f(last - first);
    const step = f(delta / n);
    for (let i = 0; i < n; i += 1) out[i] = step === 0 ? f(f(f(i / n) * delta) + first) : f(f(i * step) + first);
  } else {
    const step = (last - first) / n;
    for (let i = 0; i < n; i += 1) out[i] = float32 ? Math.fround(i * step + first) : i * step + first;
  }
  out[n] = last;
  return out;
}

/**
 * Adds each finite value to its bin: an estimate from the value's offset, then numpy's correction
 * against the edges themselves, so a value on an edge lands where numpy puts it.
 */
function countInto(counts: Float64Array, data: ArrayLike<number>, bins: number[], first: number, last: number): void {
  const n = counts.length;
  const scale = n / (last - first);
  for (let i = 0; i < data.length; i += 1) {
    const v = data[i]!;
    if (v - v !== 0) continue;
    let index = Math.floor((v - first) * scale);
    if (index >= n) index = n - 1;
    else if (index < 0) index = 0;
    if (v < bins[index]!) index -= 1;
    else if (index < n - 1 && v >= bins[index + 1]!) index += 1;
    counts[index]! += 1;
  }
}

/** Options of `new Histogram(...)`; W&B's snake_case names are accepted too. */
export interface HistogramOptions {
  /** Number of bins, 1 to 512 (default 64). */
  numBins?: number;
  num_bins?: number;
  /** A histogram already computed, as `numpy.histogram` returns it: `[counts, binEdges]`. */
  npHistogram?: readonly [ArrayLike<number>, ArrayLike<number>];
  np_histogram?: readonly [ArrayLike<number>, ArrayLike<number>];
}

/**
 * A histogram of values (W&B's `wandb.Histogram`), logged as
 * `{"_type": "histogram", "values": [counts], "bins": [edges]}`.
 *
 * ```ts
 * run.log({ weights: new Histogram(weights, { numBins: 32 }) });
 * run.log({ precomputed: new Histogram({ npHistogram: [counts, edges] }) });
 * ```
 */
export class Histogram extends WBValue {
  readonly wandbType = 'histogram';
  /** Count per bin (W&B's `histogram` attribute). */
  readonly histogram: number[];
  /** Bin edges, one more than the counts. */
  readonly bins: number[];

  constructor(sequence: ArrayLike<number> | TensorLike | HistogramOptions, options: HistogramOptions = {}) {
    super();
    const given = isOptions(sequence) ? sequence : options;
    const precomputed = given.npHistogram ?? given.np_histogram;
    if (precomputed !== undefined) {
      [this.histogram, this.bins] = fromNumpy(precomputed);
      return;
    }
    const data = sequenceData(isOptions(sequence) ? undefined : sequence);
    const computed = histogram(data, checkNumBins(given.numBins ?? given.num_bins ?? 64));
    if (!computed.values.some((count) => count > 0)) throw new TypeError('Histogram of a sequence without finite values: NaN and ±Infinity are not binned');
    this.histogram = computed.values;
    this.bins = computed.bins;
  }

  toWandbJson(): Record<string, unknown> {
    return { _type: 'histogram', values: [...this.histogram], bins: [...this.bins] };
  }
}

function isOptions(value: unknown): value is HistogramOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value) || isTensorLike(value)) return false;
  return 'npHistogram' in value || 'np_histogram' in value || 'numBins' in value || 'num_bins' in value;
}

function sequenceData(sequence: unknown): ArrayLike<number> {
  if (sequence === undefined || sequence === null) throw new TypeError('Histogram needs a sequence of numbers or { npHistogram: [counts, bins] }');
  if (isTensorLike(sequence)) return tensorData(sequence, 'Histogram').data;
  if (sequence instanceof BigInt64Array || sequence instanceof BigUint64Array) return Float64Array.from(sequence, Number);
  if (ArrayBuffer.isView(sequence) && !(sequence instanceof DataView)) {
    if ((sequence as unknown as ArrayLike<number>).length === 0) throw new TypeError('Histogram of an empty sequence: there is nothing to bin');
    return sequence as unknown as ArrayLike<number>;
  }
  if (!Array.isArray(sequence)) throw new TypeError(`Histogram needs a sequence of numbers (an array, typed array or tensor), got ${typeof sequence}`);
  if (sequence.length === 0) throw new TypeError('Histogram of an empty sequence: there is nothing to bin');
  for (let i = 0; i < sequence.length; i += 1) {
    if (typeof sequence[i] !== 'number') throw new TypeError(`Histogram sequence[${i}] must be a number, got ${sequence[i] === null ? 'null' : typeof sequence[i]}`);
  }
  return sequence as number[];
}

function fromNumpy(precomputed: unknown): [number[], number[]] {
  if (!Array.isArray(precomputed) || precomputed.length !== 2) throw new TypeError('Histogram npHistogram must be [counts, binEdges], as numpy.histogram returns');
  const [counts, bins] = precomputed.map((part, i) => numbers(part, i === 0 ? 'counts' : 'binEdges')) as [number[], number[]];
  if (counts.length > MAX_HISTOGRAM_BINS) throw new RangeError(`Histogram has ${counts.length} bins; the most is ${MAX_HISTOGRAM_BINS}`);
  if (bins.length !== counts.length + 1) throw new TypeError(`Histogram npHistogram needs one more bin edge than counts: got ${counts.length} counts and ${bins.length} edges`);
  return [counts, bins];
}

function numbers(part: unknown, what: string): number[] {
  if (!(Array.isArray(part) || (ArrayBuffer.isView(part) && !(part instanceof DataView)))) throw new TypeError(`Histogram npHistogram ${what} must be an array of numbers`);
  const items = Array.from(part as ArrayLike<unknown>);
  if (!items.every((v) => typeof v === 'number' || typeof v === 'bigint')) throw new TypeError(`Histogram npHistogram ${what} must hold numbers`);
  return items.map(Number);
}
