/** Histogram: numpy.histogram's binning (checked against numpy 2 by hand), W&B's JSON and its errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Histogram, histogram } from '../src/media/histogram.js';
import { recorder } from './media-helpers.js';

describe('histogram(): numpy.histogram semantics', () => {
  it('bins into equal-width bins over [min, max]', () => {
    // width (10 - 1) / 4 = 2.25: 1, 2, 2, 3 in [1, 3.25); 10 in the last bin.
    assert.deepEqual(histogram([1, 2, 2, 3, 10], 4), { values: [4, 0, 0, 1], bins: [1, 3.25, 5.5, 7.75, 10] });
  });

  it('closes the last bin only: a value on an inner edge goes to the bin above', () => {
    // edges 0, 2, 4, 6, 8, 10: 2 starts bin 1, ..., 10 (the max) stays in bin 4.
    assert.deepEqual(histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5), { values: [2, 2, 2, 2, 3], bins: [0, 2, 4, 6, 8, 10] });
  });

  it('compares with the edges as numpy computes them (i * step + min)', () => {
    // step 0.1: edge 3 is 0.30000000000000004, so 0.1 + 0.2 lands in bin 3; edge 7 is
    // 0.7000000000000001, so 0.7 stays in bin 6.
    const result = histogram([0, 0.1, 0.2, 0.1 + 0.2, 0.7, 1], 10);
    assert.deepEqual(result.bins, [0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9, 1]);
    assert.deepEqual(result.values, [1, 1, 1, 1, 0, 0, 1, 0, 0, 1]);
  });

  it('widens a single value to (v - 0.5, v + 0.5)', () => {
    assert.deepEqual(histogram([5, 5, 5], 4), { values: [0, 0, 3, 0], bins: [4.5, 4.75, 5, 5.25, 5.5] });
  });

  it('drops NaN and ±Infinity', () => {
    assert.deepEqual(histogram([1, Number.NaN, 2, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3], 2), { values: [1, 2], bins: [1, 2, 3] });
    assert.deepEqual(histogram(new Float64Array([Number.NaN, 4]), 2), { values: [0, 1], bins: [3.5, 4, 4.5] });
  });

  it('gives numpy\'s empty histogram (range [0, 1], zero counts) when no value is finite', () => {
    assert.deepEqual(histogram([Number.NaN], 4), { values: [0, 0, 0, 0], bins: [0, 0.25, 0.5, 0.75, 1] });
  });

  it('computes float32 edges for a Float32Array, as numpy does for float32 data', () => {
    assert.deepEqual(histogram(new Float32Array([0.1, 0.2, 0.3]), 3), {
      values: [1, 1, 1],
      bins: [0.10000000149011612, 0.1666666716337204, 0.23333334922790527, 0.30000001192092896],
    });
    // Every step rounded to float32: edge 3 is 0.3699999749660492, not fround(0.37).
    assert.deepEqual(histogram(new Float32Array([0.1, 0.2, 0.7, 1, 0.3]), 10), {
      values: [1, 1, 1, 0, 0, 0, 1, 0, 0, 1],
      bins: [
        0.10000000149011612, 0.1899999976158142, 0.2800000011920929, 0.3699999749660492, 0.4599999785423279, 0.550000011920929,
        0.6399999856948853, 0.7300000190734863, 0.8199999928474426, 0.9099999666213989, 1,
      ],
    });
    assert.deepEqual(histogram(new Float32Array([2.5, 2.5]), 3), { values: [0, 2, 0], bins: [2, 2.3333332538604736, 2.6666667461395264, 3] });
  });

  it('reads integer typed arrays as numbers', () => {
    const data = Int32Array.from({ length: 128 }, (_, i) => i);
    const result = histogram(data, 64);
    assert.deepEqual(result.values, new Array(64).fill(2));
    assert.deepEqual(result.bins, Array.from({ length: 65 }, (_, i) => (i === 64 ? 127 : (i * 127) / 64)));
  });

  it('checks numBins', () => {
    assert.throws(() => histogram([1], 0), RangeError);
    assert.throws(() => histogram([1], 513), /between 1 and 512/);
    assert.throws(() => histogram([1], 2.5), TypeError);
    assert.equal(histogram([1, 2], 512).values.length, 512);
  });
});

describe('Histogram', () => {
  it('logs W&B\'s histogram JSON, 64 bins by default', () => {
    const hist = new Histogram(Array.from({ length: 64 }, (_, i) => i));
    const json = hist.toWandbJson();
    assert.deepEqual(Object.keys(json), ['_type', 'values', 'bins']);
    assert.equal(json._type, 'histogram');
    assert.deepEqual(json.values, new Array(64).fill(1));
    assert.equal((json.bins as number[]).length, 65);
    assert.equal(hist.wandbType, 'histogram');
  });

  it('takes numBins and num_bins', () => {
    assert.equal(JSON.stringify(new Histogram([1, 2, 2, 3, 10], { numBins: 4 }).toWandbJson()), '{"_type":"histogram","values":[4,0,0,1],"bins":[1,3.25,5.5,7.75,10]}');
    assert.deepEqual(new Histogram([1, 2, 2, 3, 10], { num_bins: 4 }).toWandbJson(), new Histogram([1, 2, 2, 3, 10], { numBins: 4 }).toWandbJson());
  });

  it('takes a precomputed numpy histogram as npHistogram or np_histogram', () => {
    const json = { _type: 'histogram', values: [3, 1], bins: [0, 0.5, 1] };
    assert.deepEqual(new Histogram({ npHistogram: [[3, 1], [0, 0.5, 1]] }).toWandbJson(), json);
    assert.deepEqual(new Histogram({ np_histogram: [new Int32Array([3, 1]), new Float64Array([0, 0.5, 1])] }).toWandbJson(), json);
    assert.deepEqual(new Histogram([], { npHistogram: [[3, 1], [0, 0.5, 1]] }).toWandbJson(), json);
  });

  it('refuses an npHistogram whose edges are not one more than its counts', () => {
    assert.throws(() => new Histogram({ npHistogram: [[1, 2], [0, 1]] }), (error: unknown) => error instanceof TypeError && /one more bin edge than counts: got 2 counts and 2 edges/.test(error.message));
    assert.throws(() => new Histogram({ npHistogram: [[1], [0, 'x' as never]] }), TypeError);
    assert.throws(() => new Histogram({ npHistogram: [new Array(513).fill(0), new Array(514).fill(0)] }), RangeError);
  });

  it('bins a TensorFlow.js tensor', () => {
    const tensor = tf.tensor1d([1, 2, 2, 3, 10]);
    assert.deepEqual(new Histogram(tensor, { numBins: 4 }).toWandbJson(), { _type: 'histogram', values: [4, 0, 0, 1], bins: [1, 3.25, 5.5, 7.75, 10] });
    tensor.dispose();
  });

  it('refuses an empty sequence, one without finite values, and non-numbers', () => {
    assert.throws(() => new Histogram([]), /empty sequence/);
    assert.throws(() => new Histogram(new Float32Array(0)), /empty sequence/);
    assert.throws(() => new Histogram([Number.NaN, Number.POSITIVE_INFINITY]), /without finite values/);
    assert.throws(() => new Histogram([1, '2' as never]), /sequence\[1\] must be a number, got string/);
    assert.throws(() => new Histogram(undefined as never), TypeError);
    assert.throws(() => new Histogram([1], { numBins: 1000 }), RangeError);
  });

  it('adds no file and gives a fresh copy each time it is logged', () => {
    const hist = new Histogram([1, 2]);
    const ctx = recorder();
    const first = hist.toWandbJson();
    (first.values as number[])[0] = 99;
    assert.notEqual((hist.toWandbJson().values as number[])[0], 99);
    assert.equal(ctx.files.length, 0);
  });
});
