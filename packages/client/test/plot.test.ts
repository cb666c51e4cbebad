/** plot.*: each chart's table and W&B preset, and the PR / ROC / confusion numbers on hand-computed cases. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../src/errors.js';
import { Table } from '../src/media/table.js';
import { CustomChart } from '../src/media/wb-value.js';
import { resampleRows } from '../src/plot/classes.js';
import { binaryCounts, linspace, precisionRecallCurve, rocCurve, roundDecimals, searchSortedLeft } from '../src/plot/curves.js';
import { plot, plots } from '../src/plot/index.js';

/** The rows of a chart's table. */
const rowsOf = (chart: CustomChart) => (chart.table as Table).data;
const columnsOf = (chart: CustomChart) => (chart.table as Table).columns;

/** Recall 1, 0.95, ..., 0: the 21 points W&B reads a PR curve at. */
const RECALLS = Array.from({ length: 21 }, (_, i) => Math.round((20 - i) * 5) / 100);

describe('plot presets over a caller table', () => {
  const table = new Table({ columns: ['step', 'loss', 'run'], data: [[0, 1.5, 'a'], [1, 0.5, 'b']] });

  it('line: wandb/line/v0 with fields x, y (and stroke when given), string field title', () => {
    const chart = plot.line(table, 'step', 'loss');
    assert.ok(chart instanceof CustomChart);
    assert.equal(chart.table, table);
    assert.deepEqual(chart.spec, { panelDefId: 'wandb/line/v0', fields: { x: 'step', y: 'loss' }, stringFields: { title: '' } });
    const stroked = plot.line(table, 'step', 'loss', { stroke: 'run', title: 'Loss' });
    assert.deepEqual(stroked.spec, { panelDefId: 'wandb/line/v0', fields: { x: 'step', y: 'loss', stroke: 'run' }, stringFields: { title: 'Loss' } });
  });

  it('scatter, bar and histogram: their presets and fields', () => {
    assert.deepEqual(plot.scatter(table, 'step', 'loss', { title: 'S' }).spec, { panelDefId: 'wandb/scatter/v0', fields: { x: 'step', y: 'loss' }, stringFields: { title: 'S' } });
    assert.deepEqual(plot.bar(table, 'run', 'loss', { title: 'B' }).spec, { panelDefId: 'wandb/bar/v0', fields: { label: 'run', value: 'loss' }, stringFields: { title: 'B' } });
    assert.deepEqual(plot.histogram(table, 'loss').spec, { panelDefId: 'wandb/histogram/v0', fields: { value: 'loss' }, stringFields: { title: '' } });
  });

  it('refuses a column the table lacks, and a table that is not a Table', () => {
    assert.throws(() => plot.line(table, 'step', 'acc'), (error: Error) => error instanceof UsageError && error.message.includes('"acc"'));
    assert.throws(() => plot.bar({ columns: ['a'] } as unknown as Table, 'a', 'a'), TypeError);
  });

  it('plotTable (and plot_table) takes any preset, fields and string fields', () => {
    const chart = plot.plot_table('me/custom/v1', table, { x: 'step', y: 'loss' }, { title: 'T', note: 'n' });
    assert.deepEqual(chart.spec, { panelDefId: 'me/custom/v1', fields: { x: 'step', y: 'loss' }, stringFields: { title: 'T', note: 'n' } });
    assert.throws(() => plot.plotTable('x/y/v0', [] as unknown as Table, {}), TypeError);
  });
});

describe('plot.lineSeries', () => {
  it('plots every y series against shared xs as rows step, lineKey, lineVal', () => {
    const chart = plot.lineSeries([0, 1, 2], [[1, 2, 3], [4, 5]]);
    assert.deepEqual(columnsOf(chart), ['step', 'lineKey', 'lineVal']);
    assert.deepEqual(rowsOf(chart), [[0, 'line_0', 1], [1, 'line_0', 2], [2, 'line_0', 3], [0, 'line_1', 4], [1, 'line_1', 5]]);
    assert.deepEqual(chart.spec, {
      panelDefId: 'wandb/lineseries/v0',
      fields: { step: 'step', lineKey: 'lineKey', lineVal: 'lineVal' },
      stringFields: { title: '', xname: 'x' },
    });
  });

  it('takes one xs per series, keys, title and xname (line_series too)', () => {
    const chart = plot.line_series([[0, 1], [10, 20]], [[1, 2], [3, 4]], ['a', 'b'], 'T', 'epoch');
    assert.deepEqual(rowsOf(chart), [[0, 'a', 1], [1, 'a', 2], [10, 'b', 3], [20, 'b', 4]]);
    assert.deepEqual(chart.spec.stringFields, { title: 'T', xname: 'epoch' });
  });

  it('refuses mismatched counts of series and keys', () => {
    assert.throws(() => plot.lineSeries([[0], [1], [2]], [[1], [2]]), /x-series \(3\) must match y-series \(2\)/);
    assert.throws(() => plot.lineSeries([0], [[1], [2]], ['only']), /keys \(1\) must match y-series \(2\)/);
  });
});

describe('curve maths (scikit-learn)', () => {
  // scikit-learn's documented example: y = [0, 0, 1, 1], scores [0.1, 0.4, 0.35, 0.8].
  const positive = [false, false, true, true];
  const scores = [0.1, 0.4, 0.35, 0.8];

  it('counts true and false positives at each distinct score, highest first; ties form one threshold', () => {
    assert.deepEqual(binaryCounts(positive, scores), { tps: [1, 1, 2, 2], fps: [0, 1, 1, 2], thresholds: [0.8, 0.4, 0.35, 0.1] });
    assert.deepEqual(binaryCounts([true, false, true], [0.5, 0.5, 0.2]), { tps: [1, 2], fps: [1, 1], thresholds: [0.5, 0.2] });
  });

  it('roc_curve: the documented example, and collinear points dropped', () => {
    assert.deepEqual(rocCurve(positive, scores), { fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1] });
    // Counts (tp, fp): (1,0) (2,0) (2,1) (2,2): (2,1) lies on the segment from (2,0) to (2,2).
    assert.deepEqual(rocCurve([true, true, false, false], [0.9, 0.8, 0.3, 0.2]), { fpr: [0, 0, 0, 1], tpr: [0, 0.5, 1, 1], thresholds: [Infinity, 0.9, 0.8, 0.2] });
    assert.ok(rocCurve([true, true], [0.2, 0.1]).fpr.every(Number.isNaN), 'no negatives: the false positive rate is NaN, as in scikit-learn');
  });

  it('precision_recall_curve: the documented example', () => {
    const { precision, recall, thresholds } = precisionRecallCurve(positive, scores);
    assert.deepEqual(precision, [0.5, 2 / 3, 0.5, 1, 1]);
    assert.deepEqual(recall, [1, 1, 0.5, 0.5, 0]);
    assert.deepEqual(thresholds, [0.1, 0.35, 0.4, 0.8]);
  });

  it("numpy's linspace, round (half to even) and searchsorted", () => {
    const points = linspace(0, 1, 21);
    assert.equal(points[3], 0.15000000000000002, 'i * step, not i / 20');
    assert.equal(points[20], 1);
    assert.deepEqual([0.0005, 0.0015, 0.0025, 0.1235, 1 / 3, 2 / 3, -0.0025].map((v) => roundDecimals(v, 3)), [0, 0.002, 0.002, 0.124, 0.333, 0.667, -0.002]);
    assert.deepEqual([0, 0.5, 0.7, 1, 2].map((v) => searchSortedLeft([0, 0.5, 0.5, 1], v)), [0, 1, 3, 3, 4]);
  });
});

describe('plot.prCurve', () => {
  // Class 1 ranks 0.9 (P), 0.8 (N and P, tied), 0.3 (N), 0.2 (P): points (recall, precision) = (1/3, 1),
  // (2/3, 2/3), (2/3, 1/2), (1, 3/5). Best precision at recall >= r: 3/5 for r > 2/3, 2/3 for r in
  // (1/3, 2/3], 1 below. Class 0 (scores 0.8 N, 0.7 P, 0.2 P and N tied, 0.1 N): (0, 0), (1/2, 1/2),
  // (1, 1/2), (1, 2/5): 1/2 for every recall above 0.
  const yTrue = [1, 0, 1, 0, 1];
  const yProbas = [
    [0.1, 0.9],
    [0.2, 0.8],
    [0.2, 0.8],
    [0.7, 0.3],
    [0.8, 0.2],
  ];

  it('reads each class one-vs-rest at 21 recalls, with labels naming the classes', () => {
    const chart = plot.prCurve(yTrue, yProbas, ['neg', 'pos']);
    assert.deepEqual(columnsOf(chart), ['class', 'precision', 'recall']);
    const expected = [
      ...RECALLS.map((r) => ['neg', r === 0 ? 1 : 0.5, r]),
      ...RECALLS.map((r) => ['pos', r > 0.67 ? 0.6 : r > 0.34 ? 0.667 : 1, r]),
    ];
    assert.deepEqual(rowsOf(chart), expected);
    assert.deepEqual(chart.spec, {
      panelDefId: 'wandb/area-under-curve/v0',
      fields: { x: 'recall', y: 'precision', class: 'class' },
      stringFields: { title: 'Precision-Recall Curve', 'x-axis-title': 'Recall', 'y-axis-title': 'Precision' },
    });
  });

  it('keeps classesToPlot, names classes by value without labels, and takes a title', () => {
    const chart = plot.pr_curve(yTrue, yProbas, null, [1], 'PR');
    assert.deepEqual(new Set(rowsOf(chart).map((row) => row[0])), new Set([1]));
    assert.equal(chart.spec.stringFields.title, 'PR');
    assert.equal(plot.prCurve(yTrue, yProbas, null, null, { interpSize: 3 }).table instanceof Table, true);
    assert.deepEqual(rowsOf(plot.prCurve(yTrue, yProbas, null, [1], { interpSize: 3 })), [[1, 0.6, 1], [1, 0.667, 0.5], [1, 1, 0]]);
  });

  it('reads recalls as numpy computes them: 0.15 is 3 * 0.05, just above a reached recall of 3/20', () => {
    // 20 positives, a negative after the third: at recall 3/20 the best precision is 1, but W&B's
    // recall point 0.15000000000000002 lies past it, so it reads 20/21 there.
    const labels = [1, 1, 1, 0, ...Array<number>(17).fill(1)];
    const probas = labels.map((_, i) => [i / 40, 1 - i / 40]);
    const rows = rowsOf(plot.prCurve(labels, probas, null, [1]));
    const at = (recall: number) => rows.find((row) => row[2] === recall)![1];
    assert.equal(at(0.15), 0.952);
    assert.equal(at(0.1), 1);
    assert.equal(at(1), 0.952);
  });

  it('refuses inputs of different lengths or rows without a score per class', () => {
    assert.throws(() => plot.prCurve([0, 1], [[0.5, 0.5]]), UsageError);
    assert.throws(() => plot.prCurve([0, 1, 2], [[1], [1], [1]]), /no score for class index 1/);
  });

  it('the legacy plots.precisionRecall draws the same chart (its 4th argument was plot_micro)', () => {
    assert.deepEqual(rowsOf(plots.precisionRecall(yTrue, yProbas, ['neg', 'pos'], true, [1])), rowsOf(plot.prCurve(yTrue, yProbas, ['neg', 'pos'], [1])));
    assert.equal(plots.precision_recall, plots.precisionRecall);
  });
});

describe('plot.rocCurve', () => {
  it('gives each class its ROC points one-vs-rest, rounded to 3 decimals', () => {
    const chart = plot.rocCurve([0, 0, 1, 1], [[0.9, 0.1], [0.6, 0.4], [0.65, 0.35], [0.2, 0.8]]);
    assert.deepEqual(columnsOf(chart), ['class', 'fpr', 'tpr']);
    const points = [[0, 0], [0, 0.5], [0.5, 0.5], [0.5, 1], [1, 1]];
    assert.deepEqual(rowsOf(chart), [...points.map((p) => [0, ...p]), ...points.map((p) => [1, ...p])]);
    assert.deepEqual(chart.spec, {
      panelDefId: 'wandb/area-under-curve/v0',
      fields: { x: 'fpr', y: 'tpr', class: 'class' },
      stringFields: { title: 'ROC Curve', 'x-axis-title': 'False positive rate', 'y-axis-title': 'True positive rate' },
    });
  });

  it('labels integer classes and keeps classesToPlot (roc_curve too)', () => {
    const chart = plot.roc_curve([0, 1, 2], [[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.2, 0.3, 0.5]], ['cat', 'dog', 'owl'], [2], 'R');
    assert.deepEqual(rowsOf(chart), [['owl', 0, 0], ['owl', 0, 1], ['owl', 1, 1]]);
    assert.equal(chart.spec.stringFields.title, 'R');
  });

  it('rounds rates to 3 decimals', () => {
    // Class 1 ranks P, N, P, N, N: counts (tp, fp) (1,0) (1,1) (2,1) (2,2) (2,3); (2,2) is collinear, dropped.
    const rows = rowsOf(plot.rocCurve([1, 0, 1, 0, 0], [0.9, 0.8, 0.7, 0.6, 0.5].map((p) => [1 - p, p]), null, [1]));
    assert.deepEqual(rows, [[1, 0, 0], [1, 0, 0.5], [1, 0.333, 0.5], [1, 0.333, 1], [1, 1, 1]]);
  });

  it('resamples past Table.MAX_ROWS, keeping each class its share and sorting by fpr, tpr, class', () => {
    const saved = Table.MAX_ROWS;
    Table.MAX_ROWS = 6;
    try {
      const yTrue = [0, 1, 0, 1, 0, 1, 0, 1];
      const yProbas = [0.1, 0.9, 0.2, 0.8, 0.3, 0.7, 0.6, 0.65].map((p) => [1 - p, p]);
      const rows = rowsOf(plot.rocCurve(yTrue, yProbas));
      assert.equal(rows.length, 6);
      assert.equal(rows.filter((row) => row[0] === 0).length, 3);
      const sorted = [...rows].sort((a, b) => (a[1] as number) - (b[1] as number) || (a[2] as number) - (b[2] as number) || (a[0] as number) - (b[0] as number));
      assert.deepEqual(rows, sorted);
    } finally {
      Table.MAX_ROWS = saved;
    }
  });
});

describe('resampleRows', () => {
  it("splits the kept rows by class share (largest remainders), evenly spaced with both ends, then sorts", () => {
    const rows = [...Array.from({ length: 30 }, (_, i) => ['a', i]), ...Array.from({ length: 10 }, (_, i) => ['b', 100 + i])];
    const kept = resampleRows(rows, 8, [1]);
    assert.deepEqual(kept, [['a', 0], ['a', 6], ['a', 12], ['a', 17], ['a', 23], ['a', 29], ['b', 100], ['b', 109]]);
    assert.equal(resampleRows(rows, 40, [1]), rows, 'short enough: unchanged');
  });
});

describe('plot.confusionMatrix', () => {
  it('counts every actual × predicted pair of classNames, actual-major', () => {
    const chart = plot.confusionMatrix({ yTrue: [0, 1, 2, 2], preds: [0, 2, 2, 1], classNames: ['a', 'b', 'c'] });
    assert.deepEqual(columnsOf(chart), ['Actual', 'Predicted', 'nPredictions']);
    assert.deepEqual(rowsOf(chart), [
      ['a', 'a', 1], ['a', 'b', 0], ['a', 'c', 0],
      ['b', 'a', 0], ['b', 'b', 0], ['b', 'c', 1],
      ['c', 'a', 0], ['c', 'b', 1], ['c', 'c', 1],
    ]);
    assert.deepEqual(chart.spec, {
      panelDefId: 'wandb/confusion_matrix/v1',
      fields: { Actual: 'Actual', Predicted: 'Predicted', nPredictions: 'nPredictions' },
      stringFields: { title: 'Confusion Matrix Curve' },
    });
  });

  it('predicts from probs by the first highest score; without classNames names the sorted labels Class_1, ...', () => {
    const chart = plot.confusion_matrix({ probs: [[0.9, 0.1], [0.4, 0.6], [0.5, 0.5]], y_true: [0, 0, 1], title: 'CM' });
    assert.deepEqual(rowsOf(chart), [['Class_1', 'Class_1', 1], ['Class_1', 'Class_2', 1], ['Class_2', 'Class_1', 1], ['Class_2', 'Class_2', 0]]);
    assert.equal(chart.spec.stringFields.title, 'CM');
    const strings = plot.confusionMatrix({ yTrue: ['dog', 'cat'], preds: ['dog', 'dog'] });
    assert.deepEqual(rowsOf(strings), [['Class_1', 'Class_1', 0], ['Class_1', 'Class_2', 1], ['Class_2', 'Class_1', 0], ['Class_2', 'Class_2', 1]]);
  });

  it("refuses W&B's bad inputs with its messages", () => {
    assert.throws(() => plot.confusionMatrix({ yTrue: [0], preds: [0], probs: [[1]] }), /Only one of `probs` or `preds`/);
    assert.throws(() => plot.confusionMatrix({ yTrue: [0, 1], preds: [0] }), /number of predictions and true labels must be equal/);
    assert.throws(() => plot.confusionMatrix({ yTrue: [0, 1, 2], preds: [0, 1, 2], classNames: ['a', 'b'] }), /unique predicted classes exceeds/);
    assert.throws(() => plot.confusionMatrix({ yTrue: [0, 5], preds: [0, 1], classNames: ['a', 'b'] }), UsageError);
  });
});
