/**
 * W&B's custom chart presets (`wandb.plot.*`) as drawing models, without vega: one builder per
 * preset id, looked up in a table. Pure, so it runs under Node's test runner; the panel draws the
 * model (uPlot for xy charts and histograms, HTML for bars, the matrix and raw tables).
 */
import { buildMatrix, type ConfusionMatrix } from './confusion-matrix.js';
import { binValues, type Histogram } from './histogram.js';
import { columnValues, groupBars, groupSeries, pointCount, type Bar, type XYSeries } from './series-group.js';
import { ChartFieldError, columnName, findColumn, requireColumn, type ChartTable } from './table-columns.js';

/** The chart config of a logged custom chart (W&B's `panel_config`, flattened), as the run detail sends it. */
export type { CustomChartSpec } from '../../api.js';
import type { CustomChartSpec } from '../../api.js';

/** Lines or points on numeric x and y; `diagonal`: draw the chance line y = x (ROC curves). */
export interface XYModel {
  kind: 'xy';
  mode: 'line' | 'scatter';
  series: XYSeries[];
  xTitle: string;
  yTitle: string;
  diagonal: boolean;
  /** Show a legend (more than one line, or lines named by a key). */
  legend: boolean;
}

/** What the panel draws. */
export type ChartModel =
  | XYModel
  | { kind: 'bars'; bars: Bar[]; labelTitle: string; valueTitle: string }
  | { kind: 'histogram'; histogram: Histogram | null; xTitle: string }
  | { kind: 'matrix'; matrix: ConfusionMatrix }
  | { kind: 'raw'; note: string }
  | { kind: 'error'; message: string };

type Builder = (spec: CustomChartSpec, table: ChartTable) => ChartModel;

/** The axis title: the chart's string setting, else the column's name. */
const titleOf = (spec: CustomChartSpec, setting: string, fallback: string) => spec.stringFields[setting]?.trim() || fallback;

function xy(mode: 'line' | 'scatter'): Builder {
  return (spec, table) => {
    const x = requireColumn(table, spec.fields, 'x');
    const y = requireColumn(table, spec.fields, 'y');
    // wandb.plot.line's optional `stroke` field draws one line per value.
    const strokeIndex = mode === 'line' && spec.fields.stroke ? requireColumn(table, spec.fields, 'stroke') : null;
    const yName = columnName(table, y);
    const series = groupSeries(table, x, y, strokeIndex, yName);
    return { kind: 'xy', mode, series, xTitle: titleOf(spec, 'x-axis-title', columnName(table, x)), yTitle: titleOf(spec, 'y-axis-title', yName), diagonal: false, legend: strokeIndex !== null };
  };
}

const lineSeries: Builder = (spec, table) => {
  const step = requireColumn(table, spec.fields, 'step');
  const value = requireColumn(table, spec.fields, 'lineVal');
  const key = requireColumn(table, spec.fields, 'lineKey');
  const series = groupSeries(table, step, value, key);
  return { kind: 'xy', mode: 'line', series, xTitle: titleOf(spec, 'xname', columnName(table, step)), yTitle: titleOf(spec, 'y-axis-title', ''), diagonal: false, legend: true };
};

const FPR = /\bfpr\b|false[ _-]?positive/i;
const TPR = /\btpr\b|true[ _-]?positive/i;

/** True for an ROC curve (false positive rate on x, true positive rate on y), which gets the chance diagonal. */
export function isRocCurve(xNames: readonly string[], yNames: readonly string[]): boolean {
  return xNames.some((n) => FPR.test(n)) && yNames.some((n) => TPR.test(n));
}

const areaUnderCurve: Builder = (spec, table) => {
  const x = requireColumn(table, spec.fields, 'x');
  const y = requireColumn(table, spec.fields, 'y');
  const cls = findColumn(table, spec.fields, 'class');
  const xTitle = titleOf(spec, 'x-axis-title', columnName(table, x));
  const yTitle = titleOf(spec, 'y-axis-title', columnName(table, y));
  const series = groupSeries(table, x, y, cls >= 0 ? cls : null, columnName(table, y));
  const diagonal = isRocCurve([xTitle, columnName(table, x)], [yTitle, columnName(table, y)]);
  return { kind: 'xy', mode: 'line', series, xTitle, yTitle, diagonal, legend: cls >= 0 };
};

const bars: Builder = (spec, table) => {
  const label = requireColumn(table, spec.fields, 'label');
  const value = requireColumn(table, spec.fields, 'value');
  return { kind: 'bars', bars: groupBars(table, label, value), labelTitle: columnName(table, label), valueTitle: columnName(table, value) };
};

const histogram: Builder = (spec, table) => {
  const value = requireColumn(table, spec.fields, 'value');
  return { kind: 'histogram', histogram: binValues(columnValues(table, value)), xTitle: columnName(table, value) };
};

const confusionMatrix: Builder = (spec, table) => {
  const actual = requireColumn(table, spec.fields, 'Actual');
  const predicted = requireColumn(table, spec.fields, 'Predicted');
  const count = findColumn(table, spec.fields, 'nPredictions');
  return { kind: 'matrix', matrix: buildMatrix(table, actual, predicted, count >= 0 ? count : null) };
};

/** The presets drawn here, by panelDefId. */
const PRESETS: Readonly<Record<string, Builder>> = {
  'wandb/line/v0': xy('line'),
  'wandb/scatter/v0': xy('scatter'),
  'wandb/bar/v0': bars,
  'wandb/histogram/v0': histogram,
  'wandb/lineseries/v0': lineSeries,
  'wandb/area-under-curve/v0': areaUnderCurve,
  'wandb/confusion_matrix/v1': confusionMatrix,
};

/** True when the preset has a builder here (others show the raw table). */
export const isKnownPreset = (panelDefId: string) => Object.hasOwn(PRESETS, panelDefId);

/** Rows an unknown preset's raw table shows. */
export const RAW_ROWS = 100;

/** The drawing model of a chart and its table; an unknown preset gets the raw table, a missing column an error. */
export function chartModel(spec: CustomChartSpec, table: ChartTable): ChartModel {
  const build = Object.hasOwn(PRESETS, spec.panelDefId) ? PRESETS[spec.panelDefId] : undefined;
  if (!build) {
    const shown = Math.min(RAW_ROWS, table.data.length);
    return { kind: 'raw', note: `The chart preset "${spec.panelDefId}" is not drawn here; showing the table (${shown} of ${table.data.length} rows).` };
  }
  try {
    return build(spec, table);
  } catch (error) {
    if (error instanceof ChartFieldError) return { kind: 'error', message: error.message };
    throw error;
  }
}

/** What the root element reports: series drawn and their total points (bars and bins count as points). */
export interface ChartSummary {
  series: number;
  points: number;
}

/** The data summary of a model (the ROC diagonal is a guide, not a series). */
export function summaryOf(model: ChartModel): ChartSummary {
  switch (model.kind) {
    case 'xy':
      return { series: model.series.length, points: pointCount(model.series) };
    case 'bars':
      return { series: 1, points: model.bars.length };
    case 'histogram':
      return { series: model.histogram ? 1 : 0, points: model.histogram?.counts.length ?? 0 };
    case 'matrix':
      return { series: model.matrix.labels.length, points: model.matrix.labels.length ** 2 };
    default:
      return { series: 0, points: 0 };
  }
}

/** True when the model has nothing to draw (the panel says so instead of an empty plot). */
export function isEmptyModel(model: ChartModel): boolean {
  if (model.kind === 'raw' || model.kind === 'error') return false;
  return summaryOf(model).points === 0;
}
