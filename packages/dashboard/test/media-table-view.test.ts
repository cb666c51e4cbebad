/** Logged tables: parsing (bare NaN too), sorting (numbers numerically), filtering and paging. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellText, compareCells, nextSort, PAGE_SIZE, parseTable, tableView, type TableData } from '../src/media/table-view.js';

describe('parseTable', () => {
  it('reads columns and rows', () => {
    assert.deepEqual(parseTable('{"columns":["a","b"],"data":[[1,"x"],[2,"y"]]}'), { columns: ['a', 'b'], data: [[1, 'x'], [2, 'y']] });
  });
  it("reads Python's bare NaN and Infinity, leaving them alone inside strings", () => {
    const t = parseTable('{"columns":["v","s"],"data":[[NaN,"NaN and Infinity"],[-Infinity,"x"],[Infinity,"\\"NaN\\""]]}');
    assert.deepEqual(t.data, [['NaN', 'NaN and Infinity'], ['-Infinity', 'x'], ['Infinity', '"NaN"']]);
  });
  it('refuses what is not a table', () => {
    assert.throws(() => parseTable('{"rows":[]}'), /not a table/);
    assert.throws(() => parseTable('not json'));
  });
});

describe('cells', () => {
  it('sorts numbers numerically, NaN after them, then text naturally, then empty', () => {
    const cells = ['b10', 10, null, 'NaN', 9, 'b9', -1, '', 'Infinity', true];
    assert.deepEqual([...cells].sort(compareCells), [-1, true, 9, 10, 'Infinity', 'NaN', 'b9', 'b10', null, '']);
  });
  it('shows images by caption and numbers compactly', () => {
    assert.equal(cellText({ _type: 'image-file', path: 'media/images/a.png', caption: 'a cat' }), 'a cat');
    assert.equal(cellText({ _type: 'image-file', path: 'media/images/a.png' }), '[image-file]');
    assert.equal(cellText(0.1234567891), '0.123457');
    assert.equal(cellText(null), '', 'an empty cell shows nothing');
  });
  it('cycles a column through ascending, descending and as logged', () => {
    const first = nextSort(null, 2);
    assert.deepEqual(first, { column: 2, descending: false });
    const second = nextSort(first, 2);
    assert.deepEqual(second, { column: 2, descending: true });
    assert.equal(nextSort(second, 2), null);
    assert.deepEqual(nextSort(second, 0), { column: 0, descending: false });
  });
});

describe('tableView', () => {
  const table: TableData = {
    columns: ['id', 'label', 'score'],
    data: Array.from({ length: 120 }, (_, i) => [i, i % 3 === 0 ? 'cat' : 'dog', i % 7 === 0 ? null : (i * 37) % 101]),
  };
  it('pages the rows, PAGE_SIZE at a time, clamping the page', () => {
    assert.equal(PAGE_SIZE, 50);
    const first = tableView(table, '', null, 0);
    assert.equal(first.rows.length, 50);
    assert.equal(first.pages, 3);
    assert.equal(first.total, 120);
    assert.equal(first.matches, 120);
    const last = tableView(table, '', null, 2);
    assert.equal(last.rows.length, 20);
    assert.deepEqual(last.rows.map((r) => r.index).slice(0, 2), [100, 101]);
    assert.equal(tableView(table, '', null, 99).page, 2);
    assert.equal(tableView(table, '', null, -1).page, 0);
  });
  it('filters by every term, in any cell, case-insensitively', () => {
    const cats = tableView(table, 'CAT', null, 0);
    assert.equal(cats.matches, 40);
    assert.equal(cats.total, 120);
    assert.ok(cats.rows.every((r) => r.cells[1] === 'cat'));
    const expected = table.data.filter((row) => row[1] === 'cat' && row.some((c) => c !== null && String(c).includes('11'))).length;
    assert.ok(expected > 0);
    assert.equal(tableView(table, 'cat 11', null, 0).matches, expected, 'rows holding both terms');
    const none = tableView(table, 'zebra', null, 0);
    assert.equal(none.matches, 0);
    assert.equal(none.pages, 1);
    assert.equal(none.rows.length, 0);
  });
  it('sorts numerically both ways, empty cells last both ways, ties in logged order', () => {
    const asc = tableView(table, '', { column: 2, descending: false }, 0, 200);
    const scores = asc.rows.map((r) => r.cells[2]);
    const numbers = scores.filter((s) => s !== null) as number[];
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b));
    assert.ok(scores.slice(numbers.length).every((s) => s === null), 'empty cells last');
    const desc = tableView(table, '', { column: 2, descending: true }, 0, 200).rows.map((r) => r.cells[2]);
    assert.deepEqual(desc.filter((s) => s !== null), [...numbers].reverse());
    assert.equal(desc[desc.length - 1], null, 'empty cells last when descending too');
    const byLabel = tableView(table, '', { column: 1, descending: false }, 0, 200).rows;
    assert.deepEqual(byLabel.slice(0, 3).map((r) => r.index), [0, 3, 6], 'equal cells keep the logged order');
  });
  it('sorts 10 after 9 (numbers, not text)', () => {
    const t: TableData = { columns: ['n'], data: [[10], [9], [100], [2]] };
    assert.deepEqual(tableView(t, '', { column: 0, descending: false }, 0).rows.map((r) => r.cells[0]), [2, 9, 10, 100]);
  });
});
