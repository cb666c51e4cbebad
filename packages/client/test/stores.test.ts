/** Config, summary and metric-definition rules, without a daemon: what each call sends, and when it refuses. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigStore } from '../src/config.js';
import { ConfigError, UsageError } from '../src/errors.js';
import { parseMetricDefinition } from '../src/metrics.js';
import { SummaryStore } from '../src/summary.js';

type Change = { set: Record<string, unknown>; remove: string[] };

function configWith(values: Record<string, unknown>, allow = false) {
  const sent: Change[] = [];
  const store = new ConfigStore(values, allow, (change) => sent.push(change));
  return { store, config: store.proxy(), sent };
}

describe('config', () => {
  it('sends only real changes, and refuses a changed value without allowValChange', () => {
    const { config, sent, store } = configWith({ lr: 0.1, arch: { depth: 2 } });
    config.update({ lr: 0.1, arch: { depth: 2 } });
    assert.deepEqual(sent, [], 'equal values are not changes');
    config.batch = 32;
    assert.throws(() => (config.arch = { depth: 3 }), ConfigError);
    assert.throws(() => config.update({ lr: 0.2, other: 1 }), ConfigError);
    assert.equal(config.other, undefined, 'a refused update changes nothing');
    config.update({ lr: 0.2 }, { allowValChange: true });
    delete config.batch;
    delete config.missing;
    assert.deepEqual(sent, [{ set: { batch: 32 }, remove: [] }, { set: { lr: 0.2 }, remove: [] }, { set: {}, remove: ['batch'] }]);
    assert.equal(store.values.lr, 0.2);
  });

  it('offers W&B dict methods and keeps methods from being overwritten', () => {
    const { config } = configWith({ a: 1 });
    assert.deepEqual(config.setdefaults({ a: 5, b: 2 }), { a: 1, b: 2 });
    assert.equal(config.get('missing', 7), 7);
    assert.deepEqual(config.keys(), ['a', 'b']);
    assert.deepEqual(config.items(), [['a', 1], ['b', 2]]);
    assert.deepEqual({ ...config }, { a: 1, b: 2 });
    assert.equal(JSON.stringify(config), '{"a":1,"b":2}');
    assert.throws(() => ((config as Record<string, unknown>).update = 1), TypeError);
  });

  it('allowValChange by default when the run was started with it', () => {
    const { config, sent } = configWith({ lr: 0.1 }, true);
    config.lr = 0.3;
    assert.deepEqual(sent, [{ set: { lr: 0.3 }, remove: [] }]);
  });
});

describe('summary', () => {
  it('pins explicit keys against history and unpins deleted ones', () => {
    const sent: Change[] = [];
    const store = new SummaryStore({}, (change) => sent.push(change));
    const summary = store.proxy();
    store.applyRow({ loss: 2, acc: 0.5 });
    summary.acc = 0.9;
    store.applyRow({ loss: 1, acc: 0.6 });
    assert.deepEqual(summary.toJSON(), { loss: 1, acc: 0.9 });
    delete summary.acc;
    store.applyRow({ loss: 0.5, acc: 0.7 });
    assert.deepEqual(summary.toJSON(), { loss: 0.5, acc: 0.7 });
    summary.update({ best: { epoch: 3 } });
    assert.deepEqual(sent, [{ set: { acc: 0.9 }, remove: [] }, { set: {}, remove: ['acc'] }, { set: { best: { epoch: 3 } }, remove: [] }]);
    assert.throws(() => (summary.x = () => 1), TypeError);
  });

  it('keeps defineMetric aggregates', () => {
    const store = new SummaryStore({}, () => {});
    store.rules.set('loss', { name: 'loss', summary: ['min', 'mean', 'last'] });
    store.rules.set('val/*', { name: 'val/*', summary: ['none'] });
    for (const loss of [3, 1, 2]) store.applyRow({ loss, 'val/acc': loss });
    assert.deepEqual(store.values, { loss: { min: 1, mean: 2, last: 2 } });
  });
});

describe('defineMetric options', () => {
  it('accepts both spellings, W&B summary strings and goal aliases', () => {
    assert.deepEqual(parseMetricDefinition('val/*', { step_metric: 'epoch', summary: 'min, max', goal: 'max', hidden: true }), {
      name: 'val/*',
      stepMetric: 'epoch',
      stepSync: true,
      summary: ['min', 'max'],
      goal: 'maximize',
      hidden: true,
    });
    assert.deepEqual(parseMetricDefinition('x', { stepMetric: 'e', stepSync: false, summary: ['last'] }), { name: 'x', stepMetric: 'e', stepSync: false, summary: ['last'] });
  });

  const BAD: [string, unknown, unknown, RegExp][] = [
    ['an empty name', '', {}, /non-empty string/],
    ['a glob in the middle', 'a*b', {}, /only a trailing \*/],
    ['an unknown summary', 'x', { summary: 'median' }, /summary "median"/],
    ['a bad goal', 'x', { goal: 'up' }, /goal must be/],
    ['an unknown option', 'x', { stepmetric: 'e' }, /unknown option "stepmetric"/],
    ['a non-boolean stepSync', 'x', { stepSync: 'yes' }, /stepSync must be a boolean/],
  ];
  for (const [what, name, options, message] of BAD) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseMetricDefinition(name, options as never), (error: unknown) => error instanceof UsageError && message.test(error.message));
    });
  }
});
