/** Which charts a run page draws: internal and hidden keys, sections, x axes, system series. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricInfo } from '../src/api.js';
import { AUTO_X, chartKeys, effectiveX, filterKeys, globMatches, groupSections, metricFor, sectionOf, systemSeries, systemX, xAxisOptions } from '../src/pages/chart-keys.js';
import { compareRows } from '../src/pages/compare-rows.js';

const metric = (m: Partial<MetricInfo>): MetricInfo => ({ name: null, glob: null, stepMetric: null, hidden: false, goal: null, summary: [], ...m });

describe('metric definitions', () => {
  const metrics = [metric({ glob: 'train/*', stepMetric: 'train/step' }), metric({ name: 'train/special', stepMetric: 'epoch' }), metric({ name: 'secret', hidden: true }), metric({ glob: 'val/*', hidden: false })];
  it('matches globs like fnmatch', () => {
    assert.ok(globMatches('train/*', 'train/loss'));
    assert.ok(globMatches('train/*', 'train/a/b'));
    assert.ok(!globMatches('train/*', 'val/loss'));
    assert.ok(globMatches('l?ss', 'loss'));
    assert.ok(globMatches('a.b*', 'a.bc'));
    assert.ok(!globMatches('a.b*', 'axbc'));
    assert.ok(globMatches('*', ''));
    assert.ok(globMatches('**', 'x'));
    assert.ok(globMatches('*/loss', 'train/val/loss'));
    assert.ok(!globMatches('*/loss', 'train/lossy'));
    assert.ok(globMatches('a*b*c', 'aXbYbZc'));
    assert.ok(!globMatches('a*b*c', 'aXbYbZ'));
    assert.ok(!globMatches('?', ''));
    assert.ok(!globMatches('abc', 'ab'));
    assert.ok(!globMatches('ab', 'abc'));
  });
  it('treats every character but * and ? literally', () => {
    assert.ok(globMatches('[ab]+(x)|^$', '[ab]+(x)|^$'));
    assert.ok(!globMatches('[ab]', 'a'));
    assert.ok(globMatches('a\\*', 'a\\zz'));
    assert.ok(globMatches('line\nbreak*', 'line\nbreak!'));
  });
  it('matches a pathological glob in linear time (a backtracking regex takes minutes)', () => {
    const glob = '*a'.repeat(12) + 'b';
    assert.equal(globMatches(glob, 'a'.repeat(40)), false);
    assert.equal(globMatches(glob, 'a'.repeat(40) + 'b'), true);
    assert.equal(metricFor('a'.repeat(40), [metric({ glob, hidden: true })]), null);
  });
  it('remembers the definition found for a key, per metrics list', () => {
    const list = [metric({ glob: 'x/*', stepMetric: 'sx' })];
    const first = metricFor('x/1', list);
    assert.equal(first?.stepMetric, 'sx');
    assert.equal(metricFor('x/1', list), first);
    assert.equal(metricFor('y/1', list), null);
    assert.equal(metricFor('y/1', [...list, metric({ glob: 'y/*', stepMetric: 'sy' })])?.stepMetric, 'sy', 'another list is looked up afresh');
  });
  it('prefers an exact name over a glob', () => {
    assert.equal(metricFor('train/special', metrics)?.stepMetric, 'epoch');
    assert.equal(metricFor('train/loss', metrics)?.stepMetric, 'train/step');
    assert.equal(metricFor('other', metrics), null);
  });
  it('uses the step metric only on the automatic axis', () => {
    assert.equal(effectiveX('train/loss', AUTO_X, metrics), 'train/step');
    assert.equal(effectiveX('val/acc', AUTO_X, metrics), '_step');
    assert.equal(effectiveX('train/loss', '_runtime', metrics), '_runtime');
  });
  it('skips internal and hidden keys', () => {
    assert.deepEqual(chartKeys(['_step', '_runtime', '_timestamp', '_wandb', 'loss', 'secret', 'train/loss'], metrics), ['loss', 'train/loss']);
  });
});

describe('sections and filters', () => {
  it('groups by the prefix before the first slash, default section first', () => {
    assert.equal(sectionOf('train/loss'), 'train');
    assert.equal(sectionOf('a/b/c'), 'a');
    assert.equal(sectionOf('loss'), 'Charts');
    assert.equal(sectionOf('/odd'), 'Charts');
    assert.deepEqual(groupSections(['val/acc', 'loss', 'train/loss', 'acc', 'train/acc', 'Zeta/x']), [
      { name: 'Charts', keys: ['acc', 'loss'] },
      { name: 'train', keys: ['train/acc', 'train/loss'] },
      { name: 'val', keys: ['val/acc'] },
      { name: 'Zeta', keys: ['Zeta/x'] },
    ]);
  });
  it('filters keys by every term, case-insensitively', () => {
    assert.deepEqual(filterKeys(['train/loss', 'val/loss', 'train/acc'], 'LOSS'), ['train/loss', 'val/loss']);
    assert.deepEqual(filterKeys(['train/loss', 'val/loss', 'train/acc'], 'train loss'), ['train/loss']);
    assert.deepEqual(filterKeys(['a', 'b'], '  '), ['a', 'b']);
  });
  it('offers numeric history keys as x axes', () => {
    assert.deepEqual(xAxisOptions(['_step', 'epoch', 'name', 'loss', 'fresh'], [{ epoch: 3, name: 'x', loss: 'NaN' }]), [AUTO_X, '_step', '_runtime', '_timestamp', 'epoch', 'fresh', 'loss']);
  });
});

describe('system series', () => {
  it('collects system.* points against the run time', () => {
    const events = [
      { lineNo: 0, _runtime: 1, _timestamp: 100, 'system.cpu': 10, 'system.gpu.0.gpu': 'NaN' },
      { lineNo: 1, _runtime: 2, _timestamp: 101, 'system.cpu': 12, other: 5 },
      { lineNo: 2, 'system.cpu': 99 },
    ];
    const series = systemSeries(events, '_runtime');
    assert.deepEqual([...series.keys()], ['system.cpu', 'system.gpu.0.gpu']);
    assert.deepEqual(series.get('system.cpu'), [[1, 10], [2, 12]]);
    assert.ok(Number.isNaN(series.get('system.gpu.0.gpu')![0]![1]));
    assert.deepEqual(systemSeries(events, systemX('_timestamp')).get('system.cpu'), [[100, 10], [101, 12]]);
    assert.equal(systemX('_step'), '_runtime');
  });
});

describe('compare rows', () => {
  it('unions flattened keys and marks differences', () => {
    const rows = compareRows([{ lr: 0.1, opt: { name: 'adam' }, same: 1, _wandb: {} }, { lr: 0.2, opt: { name: 'adam' }, same: 1, extra: true }]);
    assert.deepEqual(
      rows.map((r) => [r.key, r.differs]),
      [['extra', true], ['lr', true], ['opt.name', false], ['same', false]],
    );
    assert.deepEqual(rows[0]!.values, [undefined, true]);
  });
});
