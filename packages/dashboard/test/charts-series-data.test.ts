/** From runs' points to uPlot's aligned columns, captions and bucket counts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignLines, bucketsForWidth, buildPlotData, captionText, countInWindow, drawableY, hasNumericValues, seriesLayout, smoothedPoints, type PlotSeries } from '../src/charts/series-data.js';
import { smoothEma } from '../src/charts/smoothing.js';

const run = (points: [number, number][], extra: Partial<PlotSeries> = {}): PlotSeries => ({
  label: 'r',
  color: '#000',
  run: null,
  points,
  rawCount: points.length,
  aggregated: false,
  ...extra,
});
const plain = { smoothing: 0, logScale: false };

describe('buildPlotData', () => {
  it('draws one run as [x, y] columns, non-finite y as gaps (null)', () => {
    const data = buildPlotData([run([[0, 1], [1, Number.NaN], [2, Number.POSITIVE_INFINITY], [3, 4]])], plain);
    assert.deepEqual(data, [[0, 1, 2, 3], [1, null, null, 4]]);
  });

  it('drops y <= 0 on a log scale, never throwing', () => {
    const data = buildPlotData([run([[0, 1], [1, 0], [2, -5], [3, 0.01], [4, Number.NEGATIVE_INFINITY]])], { smoothing: 0, logScale: true });
    assert.deepEqual(data[1], [1, null, null, 0.01, null]);
  });

  it('joins runs on x: a run lacking an x gets undefined (bridged), not null (a gap)', () => {
    const data = buildPlotData([run([[0, 1], [2, 3]]), run([[1, 10], [2, 20], [3, Number.NaN]])], plain);
    assert.deepEqual(data[0], [0, 1, 2, 3]);
    assert.deepEqual(data[1], [1, undefined, 3, undefined]);
    assert.deepEqual(data[2], [undefined, 10, 20, null]);
  });

  it('with smoothing: all raw lines first (drawn underneath), then the smoothed lines', () => {
    const a: [number, number][] = [[0, 1], [1, 3], [2, 2]];
    const b: [number, number][] = [[0, 5], [1, 7], [2, 6]];
    const data = buildPlotData([run(a), run(b)], { smoothing: 0.5, logScale: false });
    assert.equal(data.length, 5);
    assert.deepEqual(seriesLayout(2, true), { main: [3, 4], raw: [1, 2] });
    assert.deepEqual(data[1], [1, 3, 2]);
    assert.deepEqual(data[2], [5, 7, 6]);
    assert.deepEqual(data[3], smoothEma([1, 3, 2], 0.5));
    assert.deepEqual(data[4], smoothEma([5, 7, 6], 0.5));
  });

  it('smooths each run over its own points, before the join', () => {
    const data = buildPlotData([run([[0, 1], [10, 3]]), run([[5, 2]])], { smoothing: 0.9, logScale: false });
    assert.deepEqual(data[0], [0, 5, 10]);
    const smoothedA = smoothEma([1, 3], 0.9);
    assert.deepEqual(data[3], [smoothedA[0], undefined, smoothedA[1]]);
  });

  it('keeps every point of runs sharing an x: M4 buckets with first/min/max/last on one step', () => {
    // Run a: a bucket at step 5 holds first 1, min -7 (spike), max 9 (spike), last 2.
    const a: [number, number][] = [[0, 0], [5, 1], [5, -7], [5, 9], [5, 2], [10, 3]];
    const b: [number, number][] = [[5, 4], [5, 40], [7, 6]];
    const data = buildPlotData([run(a), run(b)], plain);
    assert.deepEqual(data[0], [0, 5, 5, 5, 5, 7, 10]);
    assert.deepEqual(data[1], [0, 1, -7, 9, 2, undefined, 3]);
    assert.deepEqual(data[2], [undefined, 4, 40, undefined, undefined, 6, undefined]);
    // Every point of every run is in the table, in its run's order.
    for (const [i, points] of [a, b].entries()) {
      const kept: [number, number][] = (data[0] as number[]).flatMap((x, row): [number, number][] => (data[1 + i]![row] === undefined ? [] : [[x, data[1 + i]![row] as number]]));
      assert.deepEqual(kept, points);
    }
  });

  it('aligns lines given out of x order by a stable sort, dropping non-finite x', () => {
    const [xs, cols] = alignLines([[[2, 1], [1, 2], [1, 3], [Number.NaN, 4]], [[1, 9]]]);
    assert.deepEqual(xs, [1, 1, 2]);
    assert.deepEqual(cols, [[2, 3, 1], [9, undefined, undefined]]);
  });

  it('draws the smoothed line a series carries (the server EMA) instead of smoothing its points', () => {
    const points: [number, number][] = [[0, 1], [4, 9], [4, 0], [8, 5]];
    const server: [number, number][] = [[0, 1], [4, 3], [8, 4]];
    const data = buildPlotData([run(points, { smoothed: server })], { smoothing: 0.6, logScale: false });
    assert.deepEqual(data[0], [0, 4, 4, 8]);
    assert.deepEqual(data[1], [1, 9, 0, 5], 'the raw line, faint behind');
    assert.deepEqual(data[2], [1, 3, undefined, 4], 'the server smoothed line');
    assert.equal(smoothedPoints(run(points, { smoothed: server }), 0.6), server);
    assert.equal(smoothedPoints(run(points, { smoothed: server }), 0), null, 'smoothing off: no smoothed line');
  });

  it('smooths the points here when the series carries no smoothed line (a server without smoothing)', () => {
    const points: [number, number][] = [[0, 1], [1, 3], [2, 2]];
    const ys = smoothEma([1, 3, 2], 0.5);
    assert.deepEqual(smoothedPoints(run(points, { smoothed: null }), 0.5), [[0, ys[0]], [1, ys[1]], [2, ys[2]]]);
  });

  it('handles no runs and runs without points', () => {
    assert.deepEqual(buildPlotData([], plain), [[]]);
    assert.deepEqual(buildPlotData([run([]), run([])], plain), [[], [], []]);
  });

  it('knows drawable values', () => {
    assert.equal(drawableY(-1, false), -1);
    assert.equal(drawableY(-1, true), null);
    assert.equal(drawableY(Number.NaN, false), null);
  });
});

describe('captionText', () => {
  it('says when points are M4-downsampled, with both counts', () => {
    const s = [run([[0, 1], [1, 2]], { rawCount: 600_000, aggregated: true }), run([[0, 1]], { rawCount: 400_000, aggregated: true })];
    assert.equal(captionText(s), 'M4: 1,000,000 points in view, 3 drawn');
  });

  it('counts raw points otherwise', () => {
    const points = Array.from({ length: 1000 }, (_, i): [number, number] => [i, i]);
    assert.equal(captionText([run(points)]), '1,000 points');
    assert.equal(captionText([run([[0, 1]])]), '1 point');
  });

  it('says when a chart has no numeric values', () => {
    assert.equal(captionText([]), 'no numeric values');
    assert.equal(captionText([run([[0, Number.NaN]])]), 'no numeric values');
    assert.equal(hasNumericValues([run([[0, Number.NaN], [1, 2]])]), true);
  });

  it('says when nothing is left for a log scale', () => {
    assert.equal(captionText([run([[0, -1], [1, 0]])], true), '2 points; none above 0 for the log scale');
  });
});

describe('bucketsForWidth and countInWindow', () => {
  it('asks two buckets per CSS pixel (the server may return half), within limits, nothing while hidden', () => {
    assert.equal(bucketsForWidth(640), 1280);
    assert.equal(bucketsForWidth(640.4), 1281);
    assert.equal(bucketsForWidth(3), 16);
    assert.equal(bucketsForWidth(5000), 10_000);
    assert.equal(bucketsForWidth(60_000), 100_000);
    assert.equal(bucketsForWidth(0), null);
    assert.equal(bucketsForWidth(Number.NaN), null);
  });

  it('counts the points inside a window', () => {
    const points: [number, number][] = [[0, 1], [5, 1], [10, 1]];
    assert.equal(countInWindow(points, null), 3);
    assert.equal(countInWindow(points, { min: 5, max: 10 }), 2);
  });
});
