/** The runs table's pure logic: rows, sorting, filtering, conditions and the persisted columns. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunListItem } from '../src/api.js';
import {
  allTags,
  cellValue,
  columnsStorageKey,
  compareValues,
  EMPTY_FILTER,
  filterRows,
  listItemOf,
  loadColumns,
  mergeRuns,
  parseCondition,
  saveColumns,
  sortRows,
  toRows,
  valueKeys,
} from '../src/pages/runs-query.js';

function run(name: string, extra: Partial<RunListItem> = {}): RunListItem {
  return {
    id: `id-${name}`,
    entity: 'e',
    project: 'p',
    name,
    displayName: null,
    state: 'finished',
    createdAt: '2024-01-01T00:00:00.000Z',
    heartbeatAt: '2024-01-01T00:00:00.000Z',
    runtime: 0,
    tags: [],
    group: null,
    jobType: null,
    config: {},
    summary: {},
    ...extra,
  };
}

const names = (rows: { run: RunListItem }[]) => rows.map((r) => r.run.name);

describe('rows and keys', () => {
  const rows = toRows([
    run('a', { config: { lr: 0.1, opt: { name: 'adam', beta: [0.9, 0.99] }, _wandb: { x: 1 } }, summary: { loss: 1, _runtime: 3, hist: { _type: 'histogram', bins: [] } } }),
    run('b', { config: { batch: 32 }, tags: ['z', 'base'] }),
  ]);
  it('flattens nested config, keeps arrays and media whole, skips internal keys', () => {
    assert.deepEqual([...rows[0]!.values.keys()].sort(), ['config.lr', 'config.opt.beta', 'config.opt.name', 'summary.hist', 'summary.loss']);
    assert.deepEqual(rows[0]!.values.get('config.opt.beta'), [0.9, 0.99]);
  });
  it('lists config keys then summary keys, and tags', () => {
    assert.deepEqual(valueKeys(rows), ['config.batch', 'config.lr', 'config.opt.beta', 'config.opt.name', 'summary.hist', 'summary.loss']);
    assert.deepEqual(allTags(rows), ['base', 'z']);
  });
  it('reads base and value columns', () => {
    assert.equal(cellValue(rows[0]!, 'name'), 'a');
    assert.equal(cellValue(rows[0]!, 'config.lr'), 0.1);
    assert.equal(cellValue(rows[1]!, 'config.lr'), undefined);
    assert.equal(cellValue(rows[1]!, 'tags'), 'z, base');
  });
});

describe('sorting', () => {
  const rows = toRows([
    run('r1', { config: { lr: 10 }, runtime: 5 }),
    run('r2', { config: { lr: 9 }, runtime: 50 }),
    run('r3', { runtime: 7 }),
    run('r4', { config: { lr: 'NaN' } }),
    run('r5', { config: { lr: 0.5 }, displayName: 'Zed' }),
  ]);
  it('sorts numbers numerically, missing last in both directions', () => {
    assert.deepEqual(names(sortRows(rows, { column: 'config.lr', dir: 'asc' })), ['r5', 'r2', 'r1', 'r3', 'r4']);
    assert.deepEqual(names(sortRows(rows, { column: 'config.lr', dir: 'desc' })), ['r1', 'r2', 'r5', 'r3', 'r4']);
  });
  it('sorts runtime and names', () => {
    assert.deepEqual(names(sortRows(rows, { column: 'runtime', dir: 'desc' })), ['r2', 'r3', 'r1', 'r4', 'r5']);
    assert.deepEqual(names(sortRows(rows, { column: 'name', dir: 'asc' })), ['r1', 'r2', 'r3', 'r4', 'Zed'].map((n) => (n === 'Zed' ? 'r5' : n)));
  });
  it('compares numbers before text, text naturally', () => {
    assert.ok(compareValues(2, 10) < 0);
    assert.ok(compareValues('run-2', 'run-10') < 0);
    assert.ok(compareValues(5, 'a') < 0);
    assert.ok(compareValues('Infinity', 1e300) > 0);
  });
  it('sorts by creation time', () => {
    const timed = toRows([run('old', { createdAt: '2020-01-01T00:00:00Z' }), run('new', { createdAt: '2024-01-01T00:00:00Z' })]);
    assert.deepEqual(names(sortRows(timed, { column: 'createdAt', dir: 'desc' })), ['new', 'old']);
  });
});

describe('conditions', () => {
  it('parses comparisons, defaulting to config keys', () => {
    assert.deepEqual(parseCondition('lr > 0.001'), { key: 'config.lr', op: '>', value: '0.001' });
    assert.deepEqual(parseCondition('summary.acc>=0.9'), { key: 'summary.acc', op: '>=', value: '0.9' });
    assert.deepEqual(parseCondition(' optimizer == "adam" '), { key: 'config.optimizer', op: '=', value: 'adam' });
    assert.deepEqual(parseCondition('model.name ~ res'), { key: 'config.model.name', op: '~', value: 'res' });
    assert.deepEqual(parseCondition('a != 3'), { key: 'config.a', op: '!=', value: '3' });
    assert.equal(parseCondition('lr'), null);
    assert.equal(parseCondition('> 3'), null);
    assert.equal(parseCondition('lr >'), null);
  });
});

describe('filtering', () => {
  const rows = toRows([
    run('alpha', { tags: ['base', 'gpu'], group: 'sweep-1', config: { lr: 0.01, opt: 'adam' }, state: 'running' }),
    run('beta', { tags: ['base'], jobType: 'eval', config: { lr: 0.0001, opt: 'sgd' }, state: 'failed', displayName: 'Best one' }),
    run('gamma', { config: { opt: 'Adam' }, state: 'finished' }),
  ]);
  const f = (patch: Partial<typeof EMPTY_FILTER>) => names(filterRows(rows, { ...EMPTY_FILTER, ...patch }));
  it('free text over name, id, display name, tags, group and job type', () => {
    assert.deepEqual(f({ text: 'sweep' }), ['alpha']);
    assert.deepEqual(f({ text: 'EVAL' }), ['beta']);
    assert.deepEqual(f({ text: 'best' }), ['beta']);
    assert.deepEqual(f({ text: 'gpu base' }), ['alpha']);
  });
  it('tags (all required) and states', () => {
    assert.deepEqual(f({ tags: ['base'] }), ['alpha', 'beta']);
    assert.deepEqual(f({ tags: ['base', 'gpu'] }), ['alpha']);
    assert.deepEqual(f({ states: ['failed', 'finished'] }), ['beta', 'gamma']);
  });
  it('config conditions, numeric and textual', () => {
    const c = (text: string) => f({ conditions: [parseCondition(text)!] });
    assert.deepEqual(c('lr > 0.001'), ['alpha']);
    assert.deepEqual(c('lr <= 0.01'), ['alpha', 'beta']);
    assert.deepEqual(c('opt = adam'), ['alpha', 'gamma']);
    assert.deepEqual(c('opt != adam'), ['beta']);
    assert.deepEqual(c('opt ~ ad'), ['alpha', 'gamma']);
    assert.deepEqual(c('lr != 0.01'), ['beta'], 'gamma has no lr: it fails every comparison');
  });
  it('against a typed number, a missing, non-numeric or non-finite value fails (only != keeps text)', () => {
    const numbers = toRows([
      run('low', { summary: { loss: 0.2 }, config: { opt: 'adam', n: 3 } }),
      run('high', { summary: { loss: 0.9 }, config: { opt: 7, n: '12' } }),
      run('nan', { summary: { loss: 'NaN' }, config: { opt: 'sgd' } }),
      run('inf', { summary: { loss: 'Infinity' } }),
      run('none'),
    ]);
    const c = (text: string) => names(filterRows(numbers, { ...EMPTY_FILTER, conditions: [parseCondition(text)!] }));
    assert.deepEqual(c('summary.loss > 0.5'), ['high']);
    assert.deepEqual(c('summary.loss >= 0'), ['low', 'high']);
    assert.deepEqual(c('summary.loss < 1'), ['low', 'high']);
    assert.deepEqual(c('summary.loss = 0.2'), ['low']);
    assert.deepEqual(c('summary.loss != 0.2'), ['high', 'nan', 'inf'], 'runs without loss are not kept');
    assert.deepEqual(c('opt > 5'), ['high'], '"adam" and "sgd" are not above 5');
    assert.deepEqual(c('opt != 5'), ['low', 'high', 'nan']);
    assert.deepEqual(c('n > 5'), ['high'], 'a number written as text compares as a number');
    assert.deepEqual(c('summary.loss = NaN'), ['nan'], 'a typed token that is no finite number compares as text');
    assert.deepEqual(c('opt >= b'), ['nan'], 'text against text');
  });
});

describe('persisted columns', () => {
  it('round-trips per project and ignores junk', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    saveColumns(storage, 'e', 'p', ['config.lr', 'summary.loss']);
    assert.deepEqual(loadColumns(storage, 'e', 'p'), ['config.lr', 'summary.loss']);
    assert.deepEqual(loadColumns(storage, 'e', 'other'), []);
    store.set(columnsStorageKey('e', 'x'), '{not json');
    assert.deepEqual(loadColumns(storage, 'e', 'x'), []);
    store.set(columnsStorageKey('e', 'y'), JSON.stringify(['config.a', 3, 'name', 'summary.b']));
    assert.deepEqual(loadColumns(storage, 'e', 'y'), ['config.a', 'summary.b']);
    assert.deepEqual(loadColumns(null, 'e', 'p'), []);
  });
});

describe('live merges', () => {
  it('replaces changed runs in place, appends new ones, keeps the rest', () => {
    const list = [run('a'), run('b', { state: 'running' }), run('c')];
    const merged = mergeRuns(list, [run('b', { state: 'finished' }), run('d')]);
    assert.deepEqual(merged.map((r) => `${r.name}:${r.state}`), ['a:finished', 'b:finished', 'c:finished', 'd:finished']);
    assert.equal(merged[0], list[0]);
    assert.equal(mergeRuns(list, []), list);
  });

  it('keeps only the list fields of a run detail', () => {
    const detail = { ...run('a'), files: [], historyKeys: ['loss'], notes: 'n' } as RunListItem;
    assert.deepEqual(Object.keys(listItemOf(detail)).sort(), Object.keys(run('a')).sort());
  });
});
