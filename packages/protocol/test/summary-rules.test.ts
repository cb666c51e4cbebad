/**
 * Unit tests of how committed history rows update a run's summary (src/summary-rules.ts):
 * latest values at nested paths, pinned paths left alone, and `defineMetric` summary rules (min, max,
 * mean, first, last, best, none; exact names and trailing-* globs). All functions are pure over plain
 * objects, so each test builds its own summary, pins, rules and aggregate state.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  aggregate,
  applyRowToSummary,
  deletePath,
  forEachLeaf,
  pathKey,
  ruleFor,
  setPath,
  type AggregateState,
  type JsonObject,
  type SummaryRule,
} from '../src/summary-rules.js';

/** A summary under test with its pins, rules and aggregates. */
function harness(rules: SummaryRule[] = [], pinned: string[][] = []) {
  const summary: JsonObject = {};
  const aggregates: AggregateState = {};
  const ruleMap = new Map(rules.map((r) => [r.name, r]));
  const pins = new Set(pinned.map(pathKey));
  return {
    summary,
    aggregates,
    apply: (...rows: JsonObject[]) => {
      for (const row of rows) applyRowToSummary(summary, row, pins, ruleMap, aggregates);
      return summary;
    },
  };
}

describe('applyRowToSummary: latest values', () => {
  it('sets every leaf at its nested path, keeping sibling keys from earlier rows', () => {
    const h = harness();
    h.apply({ loss: 0.5, acc: { train: 0.9, val: 0.8 }, _step: 0 });
    assert.deepEqual(h.summary, { loss: 0.5, acc: { train: 0.9, val: 0.8 }, _step: 0 });
    h.apply({ loss: 0.4, acc: { train: 0.95 }, _step: 1 });
    assert.deepEqual(h.summary, { loss: 0.4, acc: { train: 0.95, val: 0.8 }, _step: 1 });
  });

  it('stores non-numeric leaves (strings, arrays, null, empty objects) as they are', () => {
    const h = harness();
    h.apply({ s: 'text', list: [1, 2], nil: null, empty: {}, flag: true });
    assert.deepEqual(h.summary, { s: 'text', list: [1, 2], nil: null, empty: {}, flag: true });
  });

  it('replaces a scalar by an object and an object by a scalar', () => {
    const h = harness();
    h.apply({ x: 1 }, { x: { y: 2 } });
    assert.deepEqual(h.summary, { x: { y: 2 } });
    h.apply({ x: 3 });
    assert.deepEqual(h.summary, { x: 3 });
  });

  it('treats objects with a _type as leaves, not descending into them', () => {
    const image = { _type: 'image-file', path: 'media/a.png', width: 3, height: 4 };
    const histogram = { _type: 'histogram', values: [1, 2], bins: [0, 1, 2] };
    const h = harness([{ name: '*', summary: ['min'] }, { name: 'img.width', summary: ['max'] }]);
    h.apply({ img: image, h: histogram });
    assert.deepEqual(h.summary, { img: image, h: histogram });
    // No aggregate was started for fields inside them.
    assert.deepEqual(Object.keys(h.aggregates), []);
  });

  it('does not mutate the row', () => {
    const h = harness([{ name: 'loss', summary: ['min'] }]);
    const row = { loss: 2, nested: { a: 1 } };
    h.apply(row);
    assert.deepEqual(row, { loss: 2, nested: { a: 1 } });
  });
});

describe('applyRowToSummary: pinned paths', () => {
  it('does not update a pinned path', () => {
    const h = harness([], [['loss']]);
    h.summary.loss = 42;
    h.apply({ loss: 0.1, acc: 0.5 });
    assert.deepEqual(h.summary, { loss: 42, acc: 0.5 });
  });

  it('does not update anything below a pinned prefix', () => {
    const h = harness([], [['acc']]);
    h.summary.acc = { train: 1 };
    h.apply({ acc: { train: 0.5, val: 0.4 }, other: 1 });
    assert.deepEqual(h.summary, { acc: { train: 1 }, other: 1 });
  });

  it('pins only the exact nested path, not its siblings', () => {
    const h = harness([], [['acc', 'train']]);
    h.summary.acc = { train: 1 };
    h.apply({ acc: { train: 0.5, val: 0.4 } });
    assert.deepEqual(h.summary, { acc: { train: 1, val: 0.4 } });
  });

  it('distinguishes a dotted key from a nested path', () => {
    const h = harness([], [['a.b']]);
    h.apply({ a: { b: 1 }, 'a.b': 2 });
    assert.deepEqual(h.summary, { a: { b: 1 } });
  });

  it('skips pinned paths even when a rule applies to them', () => {
    const h = harness([{ name: 'loss', summary: ['min'] }], [['loss']]);
    h.apply({ loss: 3 }, { loss: 1 });
    assert.deepEqual(h.summary, {});
    assert.deepEqual(h.aggregates, {});
  });
});

describe('applyRowToSummary: defineMetric rules', () => {
  const losses = [3, 1, 2].map((loss) => ({ loss }));

  it("summary ['min'] keeps { min }", () => {
    assert.deepEqual(harness([{ name: 'loss', summary: ['min'] }]).apply(...losses), { loss: { min: 1 } });
  });

  it("summary ['max', 'min'] keeps both", () => {
    assert.deepEqual(harness([{ name: 'loss', summary: ['max', 'min'] }]).apply(...losses), { loss: { max: 3, min: 1 } });
  });

  it("summary ['mean'] averages every row", () => {
    const h = harness([{ name: 'loss', summary: ['mean'] }]);
    assert.deepEqual(h.apply({ loss: 3 }), { loss: { mean: 3 } });
    assert.deepEqual(h.apply({ loss: 1 }), { loss: { mean: 2 } });
    assert.deepEqual(h.apply({ loss: 5 }, { loss: 7 }), { loss: { mean: 4 } });
  });

  it("summary ['first'] keeps the first value", () => {
    assert.deepEqual(harness([{ name: 'loss', summary: ['first'] }]).apply(...losses), { loss: { first: 3 } });
  });

  it("summary ['last'] keeps the latest value", () => {
    assert.deepEqual(harness([{ name: 'loss', summary: ['last'] }]).apply(...losses), { loss: { last: 2 } });
  });

  it("summary ['copy'] and an empty summary list keep the plain latest value", () => {
    assert.deepEqual(harness([{ name: 'loss', summary: ['copy'] }]).apply(...losses), { loss: 2 });
    assert.deepEqual(harness([{ name: 'loss', summary: [] }]).apply(...losses), { loss: 2 });
    assert.deepEqual(harness([{ name: 'loss' }]).apply(...losses), { loss: 2 });
  });

  it("summary ['none'] never sets the key but removes nothing already there", () => {
    const h = harness([{ name: 'loss', summary: ['none'] }]);
    h.apply(...losses);
    assert.equal('loss' in h.summary, false);
    h.summary.loss = 'kept';
    h.apply({ loss: 0, other: 1 });
    assert.deepEqual(h.summary, { loss: 'kept', other: 1 });
  });

  it("'none' wins over other modes in the same list", () => {
    const h = harness([{ name: 'loss', summary: ['min', 'none'] }]);
    assert.deepEqual(h.apply(...losses), {});
  });

  it("'best' follows the goal: minimize keeps the lowest, maximize the highest", () => {
    assert.deepEqual(harness([{ name: 'loss', summary: ['best'], goal: 'minimize' }]).apply(...losses), { loss: { best: 1 } });
    assert.deepEqual(harness([{ name: 'loss', summary: ['best'], goal: 'maximize' }]).apply(...losses), { loss: { best: 3 } });
  });

  it('applies rules to nested keys by their dotted name', () => {
    const h = harness([{ name: 'acc.val', summary: ['max'] }]);
    h.apply({ acc: { val: 0.5, train: 0.1 } }, { acc: { val: 0.3, train: 0.2 } });
    assert.deepEqual(h.summary, { acc: { val: { max: 0.5 }, train: 0.2 } });
  });

  it('keeps aggregate state per path in the aggregates object', () => {
    const h = harness([{ name: 'loss', summary: ['min'] }]);
    h.apply(...losses);
    const state = h.aggregates[pathKey(['loss'])];
    assert.ok(state);
    assert.equal(state.count, 3);
    assert.equal(state.sum, 6);
    assert.equal(state.min, 1);
    assert.equal(state.max, 3);
    assert.equal(state.first, 3);
  });

  it('continues from aggregate state loaded from elsewhere (a restart)', () => {
    const h = harness([{ name: 'loss', summary: ['mean', 'min'] }]);
    h.aggregates[pathKey(['loss'])] = { min: 1, max: 5, sum: 6, count: 2, first: 5 };
    assert.deepEqual(h.apply({ loss: 3 }), { loss: { mean: 3, min: 1 } });
  });

  it('falls back to the latest value for NaN, without polluting the aggregate', () => {
    const h = harness([{ name: 'loss', summary: ['min'] }]);
    h.apply({ loss: 3 });
    h.apply({ loss: NaN });
    assert.ok(Number.isNaN(h.summary.loss));
    h.apply({ loss: 2 });
    assert.deepEqual(h.summary, { loss: { min: 2 } });
    assert.equal(h.aggregates[pathKey(['loss'])]?.count, 2);
  });

  it('falls back to the latest value for non-numbers', () => {
    const h = harness([{ name: 'loss', summary: ['min'] }]);
    assert.deepEqual(h.apply({ loss: 'diverged' }), { loss: 'diverged' });
  });

  it('aggregates infinite values like any other number', () => {
    const h = harness([{ name: 'loss', summary: ['min', 'max'] }]);
    assert.deepEqual(h.apply({ loss: Infinity }, { loss: 2 }), { loss: { min: 2, max: Infinity } });
  });
});

describe('applyRowToSummary: glob rules', () => {
  it("'train/*' matches 'train/loss' and not 'val/loss'", () => {
    const h = harness([{ name: 'train/*', summary: ['min'] }]);
    h.apply({ 'train/loss': 3, 'val/loss': 3 }, { 'train/loss': 1, 'val/loss': 2 });
    assert.deepEqual(h.summary, { 'train/loss': { min: 1 }, 'val/loss': 2 });
  });

  it('an exact rule beats a glob', () => {
    const h = harness([
      { name: 'train/*', summary: ['min'] },
      { name: 'train/acc', summary: ['max'] },
    ]);
    h.apply({ 'train/loss': 3, 'train/acc': 0.5 }, { 'train/loss': 1, 'train/acc': 0.9 }, { 'train/loss': 2, 'train/acc': 0.7 });
    assert.deepEqual(h.summary, { 'train/loss': { min: 1 }, 'train/acc': { max: 0.9 } });
  });

  it('the longest matching glob wins, whatever the order of definition', () => {
    const short = { name: 'train/*', summary: ['min'] } as const;
    const long = { name: 'train/l*', summary: ['max'] } as const;
    for (const rules of [[short, long], [long, short]]) {
      const h = harness(rules.map((r) => ({ ...r, summary: [...r.summary] })));
      h.apply({ 'train/loss': 1, 'train/acc': 1 }, { 'train/loss': 3, 'train/acc': 0 });
      assert.deepEqual(h.summary, { 'train/loss': { max: 3 }, 'train/acc': { min: 0 } });
    }
  });

  it('a glob over a nested prefix matches dotted names', () => {
    const h = harness([{ name: 'acc.*', summary: ['max'] }]);
    h.apply({ acc: { a: 1, b: 5 } }, { acc: { a: 2, b: 4 } });
    assert.deepEqual(h.summary, { acc: { a: { max: 2 }, b: { max: 5 } } });
  });
});

describe('helpers', () => {
  it('ruleFor prefers an exact rule, then the longest glob, else nothing', () => {
    const rules = new Map<string, SummaryRule>([
      ['a*', { name: 'a*' }],
      ['ab*', { name: 'ab*' }],
      ['abc', { name: 'abc' }],
    ]);
    assert.equal(ruleFor('abc', rules)?.name, 'abc');
    assert.equal(ruleFor('abd', rules)?.name, 'ab*');
    assert.equal(ruleFor('ax', rules)?.name, 'a*');
    assert.equal(ruleFor('b', rules), undefined);
  });

  it('pathKey keeps paths with dots distinct from nested paths', () => {
    assert.notEqual(pathKey(['a.b']), pathKey(['a', 'b']));
    assert.equal(pathKey(['a', 'b']), pathKey(['a', 'b']));
  });

  it('forEachLeaf visits leaves with their paths', () => {
    const seen: [string[], unknown][] = [];
    forEachLeaf({ a: 1, b: { c: 2, d: { _type: 'x' } }, e: {} }, (path, value) => seen.push([path, value]));
    assert.deepEqual(seen, [
      [['a'], 1],
      [['b', 'c'], 2],
      [['b', 'd'], { _type: 'x' }],
      [['e'], {}],
    ]);
  });

  it('setPath creates intermediate objects and deletePath removes only the leaf', () => {
    const target: JsonObject = { a: 5 };
    setPath(target, ['a', 'b', 'c'], 1);
    setPath(target, ['a', 'd'], 2);
    assert.deepEqual(target, { a: { b: { c: 1 }, d: 2 } });
    deletePath(target, ['a', 'b', 'c']);
    assert.deepEqual(target, { a: { b: {}, d: 2 } });
    deletePath(target, ['x', 'y']);
    assert.deepEqual(target, { a: { b: {}, d: 2 } });
  });

  it('aggregate returns only the requested modes', () => {
    const state = {};
    aggregate(state, 4, ['min']);
    assert.deepEqual(aggregate(state, 2, ['last', 'first', 'mean']), { last: 2, first: 4, mean: 3 });
    assert.deepEqual(aggregate({}, 1, ['best']), {}, 'best without a goal yields nothing');
  });
});
