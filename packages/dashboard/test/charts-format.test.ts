/** Number formatting of chart legends, captions and axes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decimalsOf, formatCount, formatLogTicks, formatNumber, formatRuntime, formatRuntimeTicks, formatTicks, formatTimestamp, formatX, xKindOf, xKindOfLabel, xLabelOf } from '../src/charts/format.js';

describe('formatNumber', () => {
  it('prints 4 significant digits with thousands separators', () => {
    assert.equal(formatNumber(0.123456), '0.1235');
    assert.equal(formatNumber(12.3456), '12.35');
    assert.equal(formatNumber(1234.56), '1,235');
    assert.equal(formatNumber(-123456789), '-123,500,000');
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(2), '2');
  });

  it('goes exponential for tiny and huge magnitudes', () => {
    assert.equal(formatNumber(0.0000123456), '1.235e-5');
    assert.equal(formatNumber(0.0002), '2e-4');
    assert.equal(formatNumber(1.5e12), '1.5e12');
  });

  it('names non-finite values', () => {
    assert.equal(formatNumber(Number.NaN), 'NaN');
    assert.equal(formatNumber(Number.POSITIVE_INFINITY), '∞');
    assert.equal(formatNumber(Number.NEGATIVE_INFINITY), '-∞');
  });
});

describe('formatCount and formatX', () => {
  it('prints steps and counts whole, with separators', () => {
    assert.equal(formatCount(1_000_000), '1,000,000');
    assert.equal(formatCount(3842), '3,842');
    assert.equal(formatCount(2.5), '2.5');
    assert.equal(formatX('number', 12345), '12,345');
  });

  it('prints runtime as seconds, then h:mm:ss', () => {
    assert.equal(formatRuntime(12.345), '12.35s');
    assert.equal(formatRuntime(125), '0:02:05');
    assert.equal(formatRuntime(-30), '-30s');
    assert.equal(formatRuntime(100000), '27:46:40');
    assert.equal(formatX('runtime', 3600), '1:00:00');
  });

  it('prints timestamps as local time', () => {
    const d = new Date(2024, 4, 1, 13, 4, 5);
    assert.equal(formatTimestamp(d.getTime() / 1000), '2024-05-01 13:04:05');
    assert.equal(formatX('timestamp', d.getTime() / 1000), '2024-05-01 13:04:05');
  });

  it('knows the x kinds and legend names of the special keys', () => {
    assert.equal(xKindOf('_step'), 'number');
    assert.equal(xKindOf('_runtime'), 'runtime');
    assert.equal(xKindOf('_timestamp'), 'timestamp');
    assert.equal(xKindOf('epoch'), 'number');
    assert.equal(xKindOf('time'), 'number', 'a user key named time is just a number');
    assert.equal(xKindOfLabel('Relative time (s)'), 'runtime');
    assert.equal(xKindOfLabel('Wall time'), 'timestamp');
    assert.equal(xKindOfLabel('_runtime'), 'runtime');
    assert.equal(xKindOfLabel('epoch'), 'number');
    assert.equal(xLabelOf('_step'), 'step');
    assert.equal(xLabelOf('epoch'), 'epoch');
  });
});

describe('axis ticks', () => {
  it('gives neighbouring ticks the decimals their spacing needs', () => {
    assert.deepEqual(formatTicks([2.3025, 2.303, 2.3035], 0.0005), ['2.3025', '2.3030', '2.3035']);
    assert.deepEqual(formatTicks([0, 0.5, 1], 0.5), ['0.0', '0.5', '1.0']);
    assert.deepEqual(formatTicks([0, 200, 400], 200), ['0', '200', '400']);
    assert.deepEqual(formatTicks([1000, 1001, 1002], 1), ['1,000', '1,001', '1,002']);
  });

  it('goes compact for large ticks and exponential for tiny ones', () => {
    assert.deepEqual(formatTicks([0, 10000, 20000], 10000), ['0', '10k', '20k']);
    assert.deepEqual(formatTicks([10000, 12500, 15000], 2500), ['10.0k', '12.5k', '15.0k']);
    assert.deepEqual(formatTicks([1e6, 2e6], 1e6), ['1M', '2M']);
    assert.deepEqual(formatTicks([0.0001, 0.00015, 0.0002], 0.00005), ['1.0e-4', '1.5e-4', '2.0e-4']);
  });

  it('formats log and runtime ticks', () => {
    assert.deepEqual(formatLogTicks([0.001, 0.1, 10, 1000, 100000]), ['0.001', '0.1', '10', '1k', '100k']);
    assert.deepEqual(formatRuntimeTicks([0, 15, 30], 15), ['0s', '15s', '30s']);
    assert.deepEqual(formatRuntimeTicks([0, 1800, 3600], 1800), ['0:00:00', '0:30:00', '1:00:00']);
  });

  it('leaves the ticks uPlot filtered out (null) blank', () => {
    assert.deepEqual(formatLogTicks([1, null, null, 10]), ['1', '', '', '10']);
    assert.deepEqual(formatTicks([0, null, 1], 0.5), ['0.0', '', '1.0']);
  });

  it('finds the decimals of a spacing', () => {
    assert.equal(decimalsOf(1), 0);
    assert.equal(decimalsOf(0.25), 2);
    assert.equal(decimalsOf(0.1 + 0.2), 1);
  });
});
