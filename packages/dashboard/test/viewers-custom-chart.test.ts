/** Custom chart presets without vega: table columns, grouping, binning, the confusion matrix and the models. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barGeometry } from '../src/viewers/custom-chart/bar-chart.js';
import { buildMatrix, maxCount } from '../src/viewers/custom-chart/confusion-matrix.js';
import { cellSummary } from '../src/viewers/custom-chart/matrix-grid.js';
import { binValues } from '../src/viewers/custom-chart/histogram.js';
import { chartModel, isEmptyModel, isKnownPreset, isRocCurve, summaryOf, type CustomChartSpec } from '../src/viewers/custom-chart/presets.js';
import { columnValues, groupBars, groupSeries } from '../src/viewers/custom-chart/series-group.js';
import { cellLabel, cellNumber, findColumn, requireColumn, type ChartTable } from '../src/viewers/custom-chart/table-columns.js';

const spec = (panelDefId: string, fields: Record<string, string>, stringFields: Record<string, string> = {}): CustomChartSpec => ({ key: 'k', panelDefId, tableKey: 'k_table', fields, stringFields });

describe('table columns', () => {
  const table: ChartTable = { columns: ['step', 'acc'], data: [] };
  it('finds the column a field maps to, else one named like the field', () => {
    assert.equal(findColumn(table, { x: 'step' }, 'x'), 0);
    assert.equal(findColumn(table, {}, 'acc'), 1);
    assert.equal(findColumn(table, { x: 'nope' }, 'x'), -1);
    assert.throws(() => requireColumn(table, { y: 'loss' }, 'y'), /field "y" names column "loss".*columns: step, acc/);
  });

  it('reads cells as numbers and labels', () => {
    assert.equal(cellNumber(2.5), 2.5);
    assert.equal(cellNumber('3'), 3);
    assert.ok(Number.isNaN(cellNumber('NaN')!));
    assert.equal(cellNumber('-Infinity'), Number.NEGATIVE_INFINITY);
    assert.equal(cellNumber(true), 1);
    assert.equal(cellNumber('cat'), null);
    assert.equal(cellNumber(''), null);
    assert.equal(cellNumber(null), null);
    assert.equal(cellLabel('cat'), 'cat');
    assert.equal(cellLabel(3), '3');
    assert.equal(cellLabel(null), 'null');
  });
});

describe('groupSeries and groupBars', () => {
  const table: ChartTable = {
    columns: ['class', 'x', 'y'],
    data: [
      ['b', 0, 1],
      ['a', 0, 2],
      ['b', 1, 3],
      ['a', 'bad', 4],
      ['a', 2, Number.NaN],
      ['b', 2, 5],
      'not a row' as unknown as unknown[],
    ],
  };
  it('groups rows by the key column in order of first appearance, dropping non-finite points', () => {
    assert.deepEqual(groupSeries(table, 1, 2, 0), [
      { label: 'b', points: [[0, 1], [1, 3], [2, 5]] },
      { label: 'a', points: [[0, 2]] },
    ]);
  });

  it('makes one named series without a key column', () => {
    const series = groupSeries(table, 1, 2, null, 'y');
    assert.equal(series.length, 1);
    assert.equal(series[0]!.label, 'y');
    assert.equal(series[0]!.points.length, 4);
  });

  it('sums bars with the same label', () => {
    const bars: ChartTable = { columns: ['l', 'v'], data: [['a', 1], ['b', -2], ['a', 3], ['c', 'x']] };
    assert.deepEqual(groupBars(bars, 0, 1), [
      { label: 'a', value: 4 },
      { label: 'b', value: -2 },
    ]);
    assert.deepEqual(columnValues(bars, 1), [1, -2, 3]);
  });
});

describe('binValues', () => {
  it('makes 30 equal bins from the minimum to the maximum, the last one closed', () => {
    const values = Array.from({ length: 31 }, (_, i) => i); // 0..30
    const h = binValues(values)!;
    assert.equal(h.start, 0);
    assert.equal(h.width, 1);
    assert.equal(h.counts.length, 30);
    assert.deepEqual(h.counts, [...new Array(29).fill(1), 2]);
    assert.equal(h.total, 31);
  });

  it('puts values on an edge in the bin starting there, despite rounding', () => {
    // 0.3 / 0.1 and 0.7 / 0.1 are just below 3 and 7 in floating point.
    const h = binValues([0, 0.3, 0.7, 1], 10)!;
    assert.equal(h.width, 0.1);
    assert.deepEqual(h.counts, [1, 0, 0, 1, 0, 0, 0, 1, 0, 1]);
  });

  it('skips non-finite values, and centres one bin on equal values', () => {
    assert.deepEqual(binValues([2, 2, Number.NaN, Number.POSITIVE_INFINITY]), { start: 1.5, width: 1, counts: [2], total: 2 });
    assert.equal(binValues([Number.NaN]), null);
    assert.equal(binValues([]), null);
  });

  it('counts every value once', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 37.1);
    const h = binValues(values)!;
    assert.equal(h.counts.reduce((s, c) => s + c, 0), 1000);
    assert.equal(h.counts.length, 30);
  });
});

describe('buildMatrix', () => {
  const rows: unknown[][] = [
    ['cat', 'cat', 5],
    ['cat', 'dog', 2],
    ['dog', 'cat', 1],
    ['dog', 'dog', 7],
    ['dog', 'bird', 'n/a'],
    ['cat', 'dog', 1],
  ];
  const table: ChartTable = { columns: ['Actual', 'Predicted', 'nPredictions'], data: rows };
  it('puts actual on rows and predicted on columns, classes in order of first appearance, summing repeats', () => {
    const m = buildMatrix(table, 0, 1, 2);
    assert.deepEqual(m.labels, ['cat', 'dog', 'bird']);
    assert.deepEqual(m.counts, [
      [5, 3, 0],
      [1, 7, 0],
      [0, 0, 0],
    ]);
    assert.equal(maxCount(m), 7);
  });

  it('counts each row once without a count column', () => {
    assert.deepEqual(buildMatrix(table, 0, 1, null).counts, [
      [1, 2, 0],
      [1, 1, 1],
      [0, 0, 0],
    ]);
  });
});

describe('chartModel', () => {
  const xy: ChartTable = { columns: ['step', 'loss'], data: [[0, 1], [1, 0.5], [2, 0.25]] };

  it('draws wandb/line/v0 as one line with the columns as axis titles', () => {
    const model = chartModel(spec('wandb/line/v0', { x: 'step', y: 'loss' }, { title: 'Loss' }), xy);
    assert.equal(model.kind, 'xy');
    if (model.kind !== 'xy') return;
    assert.equal(model.mode, 'line');
    assert.deepEqual(model.series, [{ label: 'loss', points: [[0, 1], [1, 0.5], [2, 0.25]] }]);
    assert.equal(model.xTitle, 'step');
    assert.equal(model.diagonal, false);
    assert.deepEqual(summaryOf(model), { series: 1, points: 3 });
  });

  it('draws wandb/scatter/v0 as points', () => {
    const model = chartModel(spec('wandb/scatter/v0', { x: 'step', y: 'loss' }), xy);
    assert.ok(model.kind === 'xy' && model.mode === 'scatter');
  });

  it('draws one line per key for wandb/lineseries/v0', () => {
    const table: ChartTable = { columns: ['step', 'lineKey', 'lineVal'], data: [[0, 'a', 1], [0, 'b', 2], [1, 'a', 3], [1, 'b', 4], [2, 'b', 5]] };
    const model = chartModel(spec('wandb/lineseries/v0', { step: 'step', lineKey: 'lineKey', lineVal: 'lineVal' }), table);
    assert.ok(model.kind === 'xy' && model.legend);
    assert.deepEqual(summaryOf(model), { series: 2, points: 5 });
    if (model.kind === 'xy') assert.deepEqual(model.series.map((s) => s.label), ['a', 'b']);
  });

  it('draws PR curves per class without a diagonal, titles from the string fields', () => {
    const table: ChartTable = { columns: ['class', 'recall', 'precision'], data: [['cat', 1, 0.5], ['cat', 0.5, 0.8], ['dog', 1, 0.4]] };
    const model = chartModel(spec('wandb/area-under-curve/v0', { x: 'recall', y: 'precision', class: 'class' }, { 'x-axis-title': 'Recall', 'y-axis-title': 'Precision' }), table);
    assert.ok(model.kind === 'xy');
    if (model.kind !== 'xy') return;
    assert.equal(model.diagonal, false);
    assert.equal(model.xTitle, 'Recall');
    assert.equal(model.yTitle, 'Precision');
    assert.deepEqual(summaryOf(model), { series: 2, points: 3 });
  });

  it('adds the chance diagonal to ROC curves (fpr → tpr)', () => {
    const table: ChartTable = { columns: ['class', 'fpr', 'tpr'], data: [['cat', 0, 0], ['cat', 1, 1]] };
    const model = chartModel(spec('wandb/area-under-curve/v0', { x: 'fpr', y: 'tpr', class: 'class' }), table);
    assert.ok(model.kind === 'xy' && model.diagonal);
    assert.deepEqual(summaryOf(model), { series: 1, points: 2 }, 'the diagonal is not a series');
    assert.ok(isRocCurve(['False positive rate'], ['True Positive Rate']));
    assert.ok(!isRocCurve(['recall'], ['precision']));
    assert.ok(!isRocCurve(['fpr'], ['precision']));
  });

  it('draws bars, a histogram and a confusion matrix', () => {
    const bars = chartModel(spec('wandb/bar/v0', { label: 'l', value: 'v' }), { columns: ['l', 'v'], data: [['a', 1], ['b', 2]] });
    assert.deepEqual(summaryOf(bars), { series: 1, points: 2 });
    const hist = chartModel(spec('wandb/histogram/v0', { value: 'v' }), { columns: ['v'], data: Array.from({ length: 100 }, (_, i) => [i]) });
    assert.ok(hist.kind === 'histogram' && hist.histogram?.total === 100);
    assert.deepEqual(summaryOf(hist), { series: 1, points: 30 });
    const cm = chartModel(spec('wandb/confusion_matrix/v1', { Actual: 'Actual', Predicted: 'Predicted', nPredictions: 'nPredictions' }), {
      columns: ['Actual', 'Predicted', 'nPredictions'],
      data: [['a', 'a', 3], ['a', 'b', 1], ['b', 'a', 0], ['b', 'b', 4]],
    });
    assert.ok(cm.kind === 'matrix');
    if (cm.kind === 'matrix') assert.deepEqual(cm.matrix, { labels: ['a', 'b'], counts: [[3, 1], [0, 4]] });
    assert.deepEqual(summaryOf(cm), { series: 2, points: 4 });
  });

  it('shows an unknown preset as its raw table', () => {
    const model = chartModel(spec('someone/custom/v2', {}), { columns: ['a'], data: Array.from({ length: 250 }, (_, i) => [i]) });
    assert.equal(model.kind, 'raw');
    if (model.kind === 'raw') assert.match(model.note, /100 of 250 rows/);
    assert.ok(!isKnownPreset('someone/custom/v2') && isKnownPreset('wandb/line/v0'));
    assert.ok(!isKnownPreset('toString'), 'no lookup through the prototype');
  });

  it('reports a field naming a missing column as an error, and an empty table as empty', () => {
    const model = chartModel(spec('wandb/line/v0', { x: 'epoch', y: 'loss' }), xy);
    assert.equal(model.kind, 'error');
    if (model.kind === 'error') assert.match(model.message, /epoch/);
    const empty = chartModel(spec('wandb/line/v0', { x: 'step', y: 'loss' }), { columns: ['step', 'loss'], data: [] });
    assert.ok(isEmptyModel(empty));
    assert.ok(!isEmptyModel(model));
  });
});

describe('drawing helpers', () => {
  it('places bars on a scale that includes zero', () => {
    assert.deepEqual(barGeometry(5, 0, 10), { left: 0, width: 50 });
    assert.deepEqual(barGeometry(-2, -2, 6), { left: 0, width: 25 });
    assert.deepEqual(barGeometry(6, -2, 6), { left: 25, width: 75 });
  });

  it('tells a hovered cell with its share of the actual class', () => {
    const matrix = { labels: ['cat', 'dog'], counts: [[3, 1], [0, 0]] };
    assert.equal(cellSummary(matrix, 0, 1), 'Actual cat, predicted dog: 1 (25% of actual cat)');
    assert.equal(cellSummary(matrix, 1, 0), 'Actual dog, predicted cat: 0');
  });
});
