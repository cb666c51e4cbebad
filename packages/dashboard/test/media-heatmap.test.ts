/** Histograms over steps: parsing, resampling onto a common grid, per-step normalisation, hover lookup. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildHeatmap, columnEdges, heatmapCell, intervalAt, parseHistogram, resample } from '../src/media/heatmap.js';

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
const close = (actual: ArrayLike<number>, expected: number[], message?: string) =>
  assert.ok(Array.from(actual).every((v, i) => Math.abs(v - expected[i]!) < 1e-9) && actual.length === expected.length, `${message ?? ''} ${JSON.stringify(Array.from(actual))} != ${JSON.stringify(expected)}`);

describe('parseHistogram', () => {
  it('reads values with bin edges, and packed bins', () => {
    assert.deepEqual(parseHistogram({ _type: 'histogram', values: [1, 2], bins: [0, 1, 2] }), { edges: [0, 1, 2], counts: [1, 2] });
    assert.deepEqual(parseHistogram({ _type: 'histogram', values: [3, 4, 5], packedBins: { min: -1, size: 0.5, count: 3 } }), { edges: [-1, -0.5, 0, 0.5], counts: [3, 4, 5] });
  });
  it('refuses malformed histograms', () => {
    assert.equal(parseHistogram({ values: [1, 2], bins: [0, 1] }), null, 'edges must be one more than counts');
    assert.equal(parseHistogram({ values: [1, 2], bins: [0, 2, 1] }), null, 'descending edges');
    assert.equal(parseHistogram({ values: [1], bins: [0, 'NaN'] }), null, 'non-finite edge');
    assert.equal(parseHistogram({ values: [], bins: [0] }), null);
    assert.equal(parseHistogram(null), null);
    assert.equal(parseHistogram({ values: [1], packedBins: { min: 0 } }), null);
  });
  it('reads negative or token counts as 0', () => {
    assert.deepEqual(parseHistogram({ values: [-3, 'NaN', 2], bins: [0, 1, 2, 3] })!.counts, [0, 0, 2]);
  });
});

describe('resample', () => {
  it('keeps aligned bins as they are', () => {
    close(resample({ edges: [0, 1, 2, 3, 4], counts: [1, 2, 3, 4] }, 0, 4, 4), [1, 2, 3, 4]);
  });
  it('spreads a bin over the rows it overlaps, in proportion', () => {
    // One bin [0, 4) of 8 onto 4 rows of width 1: 2 each.
    close(resample({ edges: [0, 4], counts: [8] }, 0, 4, 4), [2, 2, 2, 2]);
    // Bin [0.5, 1.5) of 4 onto rows [0,1), [1,2): half each.
    close(resample({ edges: [0.5, 1.5], counts: [4] }, 0, 2, 2), [2, 2]);
    // Narrow bins merge into one row.
    close(resample({ edges: [0, 0.25, 0.5, 0.75, 1], counts: [1, 1, 1, 1] }, 0, 2, 2), [4, 0]);
  });
  it('conserves the total count', () => {
    const h = { edges: [-1.3, -0.2, 0.1, 0.9, 2.7], counts: [5, 7, 11, 13] };
    assert.ok(Math.abs(sum(resample(h, -2, 3, 17)) - 36) < 1e-9);
  });
  it('puts a zero-width bin in the row of its value', () => {
    close(resample({ edges: [1.5, 1.5], counts: [3] }, 0, 2, 2), [0, 3]);
    close(resample({ edges: [2, 2], counts: [3] }, 0, 2, 2), [0, 3], 'the top edge belongs to the last row');
  });
});

describe('buildHeatmap', () => {
  const h = (bins: number[], values: number[]) => ({ _type: 'histogram', bins, values });
  it('puts every step on one grid spanning all ranges, columns in step order', () => {
    const map = buildHeatmap([
      { step: 10, value: h([2, 4], [6]) },
      { step: 0, value: h([0, 1, 2], [1, 3]) },
      { step: 5, value: 'not a histogram' },
    ])!;
    assert.deepEqual(map.steps, [0, 10], 'malformed values are skipped');
    assert.equal(map.lo, 0);
    assert.equal(map.hi, 4);
    assert.equal(map.rows, 16, 'at least 16 rows');
    const col0 = map.counts.subarray(0, 16);
    const col1 = map.counts.subarray(16, 32);
    assert.ok(Math.abs(sum(col0) - 4) < 1e-9);
    assert.ok(Math.abs(sum(col1) - 6) < 1e-9);
    assert.equal(sum(col0.subarray(8)), 0, 'step 0 has nothing above 2');
    assert.equal(sum(col1.subarray(0, 8)), 0, 'step 10 has nothing below 2');
  });
  it('normalises each step by its own largest cell', () => {
    const map = buildHeatmap([
      { step: 0, value: h([0, 1, 2], [1, 3]) },
      { step: 1, value: h([0, 1, 2], [1000, 10]) },
    ])!;
    const shade = (col: number) => Array.from(map.shade.subarray(col * map.rows, (col + 1) * map.rows));
    assert.equal(Math.max(...shade(0)), 1);
    assert.equal(Math.max(...shade(1)), 1);
    assert.ok(Math.abs(shade(0)[0]! - 1 / 3) < 1e-9, 'a quarter of the count in the low bin of step 0');
    assert.ok(Math.abs(shade(1)[map.rows - 1]! - 0.01) < 1e-9);
  });
  it('has as many rows as the finest histogram, at most 128', () => {
    const fine = Array.from({ length: 65 }, (_, i) => i);
    assert.equal(buildHeatmap([{ step: 0, value: h(fine, fine.slice(1)) }])!.rows, 64);
    const finer = Array.from({ length: 513 }, (_, i) => i);
    assert.equal(buildHeatmap([{ step: 0, value: h(finer, finer.slice(1)) }])!.rows, 128);
  });
  it('widens a grid of no height (every value equal)', () => {
    const map = buildHeatmap([{ step: 0, value: h([3, 3], [5]) }])!;
    assert.equal(map.lo, 2.5);
    assert.equal(map.hi, 3.5);
    assert.ok(Math.abs(sum(map.counts) - 5) < 1e-9);
  });
  it('is null without any histogram', () => {
    assert.equal(buildHeatmap([]), null);
    assert.equal(buildHeatmap([{ step: 1, value: 3 }]), null);
  });
  it('tells the step, value range and count of a cell', () => {
    const map = buildHeatmap([{ step: 7, value: h([0, 16], [32]) }])!;
    assert.deepEqual(heatmapCell(map, 0, 3), { step: 7, lo: 3, hi: 4, count: 2 });
    assert.equal(heatmapCell(map, 1, 0), null);
    assert.equal(heatmapCell(map, 0, 16), null);
  });
});

describe('heatmap columns', () => {
  it('spans halfway to the neighbours, keeping irregular steps in place', () => {
    assert.deepEqual(columnEdges([0, 10, 30]), [-5, 5, 20, 40]);
    assert.deepEqual(columnEdges([4]), [3.5, 4.5]);
    assert.deepEqual(columnEdges([]), []);
  });
  it('finds the column under x', () => {
    const edges = [-5, 5, 20, 40];
    assert.equal(intervalAt(edges, -5), 0);
    assert.equal(intervalAt(edges, 4.9), 0);
    assert.equal(intervalAt(edges, 5), 1);
    assert.equal(intervalAt(edges, 40), 2);
    assert.equal(intervalAt(edges, 41), -1);
    assert.equal(intervalAt(edges, -6), -1);
  });
});
