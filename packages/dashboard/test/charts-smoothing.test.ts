/** TensorBoard's debiased EMA, as the charts smooth lines. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clampSmoothing, smoothEma } from '../src/charts/smoothing.js';

/** The formula written out, for comparison. */
function reference(ys: number[], w: number): number[] {
  let last = 0;
  let n = 0;
  return ys.map((y) => {
    if (!Number.isFinite(y)) return y;
    last = last * w + (1 - w) * y;
    n++;
    return last / (1 - w ** n);
  });
}

describe('smoothEma', () => {
  it('weight 0 returns the values unchanged (a copy)', () => {
    const ys = [1, 5, 2];
    const out = smoothEma(ys, 0);
    assert.deepEqual(out, ys);
    assert.notEqual(out, ys);
  });

  it('is debiased: the first value is kept, not pulled toward zero', () => {
    const out = smoothEma([10, 20, 30], 0.9);
    assert.equal(out[0], 10);
    assert.ok(Math.abs(out[1]! - (0.9 * 0.1 * 10 + 0.1 * 20) / (1 - 0.81)) < 1e-12);
  });

  it('matches the formula for a noisy series', () => {
    const ys = Array.from({ length: 200 }, (_, i) => Math.sin(i / 7) + (i % 3) * 0.1);
    const out = smoothEma(ys, 0.6);
    const ref = reference(ys, 0.6);
    out.forEach((v, i) => assert.ok(Math.abs(v - ref[i]!) < 1e-12, `index ${i}`));
  });

  it('passes non-finite values through without updating the state', () => {
    const out = smoothEma([1, Number.NaN, 3, Number.POSITIVE_INFINITY, 5], 0.5);
    const withoutGaps = smoothEma([1, 3, 5], 0.5);
    assert.ok(Number.isNaN(out[1]));
    assert.equal(out[3], Number.POSITIVE_INFINITY);
    assert.deepEqual([out[0], out[2], out[4]], withoutGaps);
  });

  it('keeps a constant series exactly constant', () => {
    assert.deepEqual(smoothEma([0.1, 0.1, 0.1, 0.1], 0.99), [0.1, 0.1, 0.1, 0.1]);
  });

  it('clamps the weight to 0..0.999', () => {
    assert.equal(clampSmoothing(-1), 0);
    assert.equal(clampSmoothing(Number.NaN), 0);
    assert.equal(clampSmoothing(1), 0.999);
    assert.deepEqual(smoothEma([1, 2, 3], 5), reference([1, 2, 3], 0.999));
  });

  it('handles an empty series', () => {
    assert.deepEqual(smoothEma([], 0.5), []);
  });
});
