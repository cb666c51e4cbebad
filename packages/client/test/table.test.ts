/** Table: W&B's `table-file` JSON and file, column type inference, mixed-type errors, rich cells. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../src/errors.js';
import { Image } from '../src/media/image.js';
import { Table } from '../src/media/table.js';
import type { MediaFileOut } from '../src/media/wb-value.js';
import { recorder, sha256 } from './media-helpers.js';

const text = (file: MediaFileOut) => new TextDecoder().decode(file.bytes);

describe('Table JSON and file', () => {
  it('writes {"columns","data"} compactly and returns W&B table-file JSON naming it', () => {
    const table = new Table({ columns: ['a', 'b'], data: [[1, 'x'], [2.5, 'y']] });
    const ctx = recorder('my/tab', 3);
    const json = table.toWandbJson(ctx);
    const content = '{"columns":["a","b"],"data":[[1,"x"],[2.5,"y"]]}';
    const digest = sha256(content);
    assert.equal(ctx.files.length, 1);
    assert.equal(text(ctx.files[0]!), content);
    assert.equal(ctx.files[0]!.sha256, digest);
    const path = `media/table/my/tab_3_${digest.slice(0, 20)}.table.json`;
    assert.equal(ctx.files[0]!.path, path);
    assert.deepEqual(json, { _type: 'table-file', sha256: digest, size: content.length, path, ncols: 2, nrows: 2, log_mode: 'IMMUTABLE' });
    assert.deepEqual(Object.keys(json), ['_type', 'sha256', 'size', 'path', 'ncols', 'nrows', 'log_mode'], "W&B's key order");
  });

  it('names a summary table with the step "summary" and counts size in UTF-8 bytes', () => {
    const table = new Table({ columns: ['name'], data: [['café']] });
    const ctx = recorder('t', 'summary');
    const json = table.toWandbJson(ctx);
    const content = '{"columns":["name"],"data":[["café"]]}';
    assert.equal(json.size, Buffer.byteLength(content));
    assert.equal(json.size, content.length + 1);
    assert.equal(json.path, `media/table/t_summary_${sha256(content).slice(0, 20)}.table.json`);
  });

  it('writes NaN and infinities as bare tokens, as W&B does, and converts dates, bigints, maps and typed arrays', () => {
    const table = new Table({
      columns: ['n', 'when', 'big', 'obj', 'arr'],
      data: [
        [Number.NaN, new Date('2026-01-02T03:04:05.000Z'), 2n ** 62n, new Map([['k', 1]]), new Float32Array([1, 2.5])],
        [Number.POSITIVE_INFINITY, null, 7n, new Map([['k', 2]]), new Float32Array([3])],
        [Number.NEGATIVE_INFINITY, undefined, 1, new Map([['k', 3]]), new Float32Array([])],
      ],
    });
    const ctx = recorder();
    table.toWandbJson(ctx);
    assert.equal(
      text(ctx.files[0]!),
      '{"columns":["n","when","big","obj","arr"],"data":[' +
        '[NaN,"2026-01-02T03:04:05.000Z",4611686018427387904,{"k":1},[1,2.5]],' +
        '[Infinity,null,7,{"k":2},[3]],' +
        '[-Infinity,null,1,{"k":3},[]]]}',
    );
  });

  it('keeps W&B defaults: columns Input/Output/Expected, legacy `rows`, integer column names', () => {
    assert.deepEqual(new Table().columns, ['Input', 'Output', 'Expected']);
    const legacy = new Table({ columns: [0, 'b'], rows: [[1, 2]] });
    assert.deepEqual(legacy.data, [[1, 2]]);
    const ctx = recorder();
    legacy.toWandbJson(ctx);
    assert.equal(text(ctx.files[0]!), '{"columns":[0,"b"],"data":[[1,2]]}');
  });
});

describe('Table rows and columns', () => {
  it('addRow and addData append rows; getColumn reads one column', () => {
    const table = new Table({ columns: ['x', 'y'] });
    table.addRow(1, 'a');
    table.addData(2, 'b');
    table.add_data(3, 'c');
    assert.deepEqual(table.data, [[1, 'a'], [2, 'b'], [3, 'c']]);
    assert.deepEqual(table.getColumn('y'), ['a', 'b', 'c']);
    assert.throws(() => table.getColumn('z'), UsageError);
  });

  it('refuses a row of the wrong length, as W&B does', () => {
    const table = new Table({ columns: ['x', 'y'] });
    assert.throws(() => table.addData(1), (error: Error) => error instanceof UsageError && /expects 2 columns/.test(error.message));
    assert.deepEqual(table.data, []);
  });

  it('addColumn appends a typed column of the same length; not optional by default', () => {
    const table = new Table({ columns: ['x'], data: [[1], [2]] });
    table.addColumn('y', ['a', 'b']);
    assert.deepEqual(table.columns, ['x', 'y']);
    assert.deepEqual(table.data, [[1, 'a'], [2, 'b']]);
    assert.throws(() => table.addData(3, 4), TypeError, 'the new column is typed string');
    assert.throws(() => table.addColumn('z', [1]), UsageError);
    assert.throws(() => table.addColumn('y', [1, 2]), UsageError, 'a duplicate name');
    assert.throws(() => table.addColumn('n', [1, null]), TypeError, 'null in a non-optional column');
    table.addColumn('n', [1, null], true);
    assert.deepEqual(table.columns, ['x', 'y', 'n']);
  });

  it('addColumn on an empty table makes the rows', () => {
    const table = new Table({ columns: [] });
    table.addColumn('a', [1, 2]);
    assert.deepEqual(table.data, [[1], [2]]);
  });

  it('addComputedColumns adds the columns computed from each row', () => {
    const table = new Table({ columns: ['x', 'y'], data: [[3, 1], [4, 6]] });
    table.addComputedColumns((_index, row) => ({ diff: (row.x as number) - (row.y as number) }));
    assert.deepEqual(table.getColumn('diff'), [2, -2]);
  });

  it('refuses more than Table.MAX_ROWS (10,000) rows when logged, with a clear error', () => {
    assert.equal(Table.MAX_ROWS, 10_000);
    const table = new Table({ columns: ['i'], data: Array.from({ length: 10_001 }, (_, i) => [i]) });
    assert.throws(() => table.toWandbJson(recorder()), (error: Error) => error instanceof UsageError && /10001 rows, limit is 10000/.test(error.message));
    table.data.pop();
    assert.equal(table.toWandbJson(recorder()).nrows, 10_000);
  });
});

describe('Table column types', () => {
  it('infers a type per column from the first value and refuses a value of another type with a TypeError', () => {
    const table = new Table({ columns: ['n', 's'], data: [[1, 'a']] });
    assert.throws(
      () => table.addData('two', 'b'),
      (error: Error) =>
        error instanceof TypeError &&
        error.message.includes('column "n"') &&
        error.message.includes('number') &&
        error.message.includes('"two"') &&
        error.message.includes('allowMixedTypes'),
    );
    assert.throws(() => table.addData(2, true), TypeError, 'boolean is not string');
    assert.throws(() => table.addData(true, 'b'), TypeError, 'boolean is not number');
    assert.deepEqual(table.data, [[1, 'a']], 'a refused row adds nothing');
    table.addData(2.5, 'b');
    assert.equal(table.data.length, 2);
  });

  it('lets null, undefined and NaN into any column (W&B treats NaN as None), before or after the first value', () => {
    const table = new Table({ columns: ['v'] });
    table.addData(null);
    table.addData(Number.NaN);
    table.addData('x');
    table.addData(undefined);
    table.addData(Number.NaN);
    assert.throws(() => table.addData(1), TypeError, 'the column became string');
  });

  it('refuses null in a column that is not optional', () => {
    const table = new Table({ columns: ['v', 'w'], optional: [false, true] });
    assert.throws(() => table.addData(null, 1), TypeError);
    table.addData(1, null);
  });

  it('columnTypes sets types up front, by name or per column', () => {
    const byName = new Table({ columns: ['a', 'b'], columnTypes: { a: 'string' } });
    assert.throws(() => byName.addData(1, 1), TypeError);
    byName.addData('x', 1);
    const perColumn = new Table({ columns: ['a', 'b'], columnTypes: ['number', 'boolean'] });
    assert.throws(() => perColumn.addData(1, 'x'), TypeError);
    perColumn.addData(1, false);
    assert.throws(() => new Table({ columns: ['a'], columnTypes: { b: 'number' } }), UsageError);
  });

  it('cast checks the rows already there', () => {
    const table = new Table({ columns: ['a'], data: [[1], [null]] });
    assert.throws(() => table.cast('a', 'string'), TypeError);
    assert.throws(() => table.cast('a', 'number'), TypeError, 'null is refused when not optional');
    table.cast('a', 'number', true);
    assert.throws(() => table.addData('x'), TypeError);
  });

  it('allowMixedTypes (and allow_mixed_types) turns the check off', () => {
    for (const table of [new Table({ columns: ['v'], allowMixedTypes: true }), new Table({ columns: ['v'], allow_mixed_types: true })]) {
      table.addData(1);
      table.addData('a');
      table.addData({ k: [1] });
      table.addData(null);
      assert.equal(table.data.length, 4);
    }
  });

  it('types lists by their elements and objects by their keys', () => {
    const lists = new Table({ columns: ['l'], data: [[[1, 2]], [[3]], [[]]] });
    assert.throws(() => lists.addData(['a']), TypeError);
    assert.throws(() => lists.addData(5), TypeError);
    const objects = new Table({ columns: ['o'], data: [[{ a: 1, b: 'x' }], [new Map<string, unknown>([['a', 2], ['b', 'y']])]] });
    assert.throws(() => objects.addData({ a: 1, c: 2 }), TypeError, 'an unknown key');
    assert.throws(() => objects.addData({ a: 'x', b: 'y' }), TypeError, 'a key of another type');
    assert.throws(() => objects.addData({ a: 1 }), TypeError, "a missing key is None, which W&B's non-optional key types refuse");
    const mixed = new Table({ columns: ['m'], data: [[[1, 'a']], [['b', null]]] });
    assert.equal(mixed.data.length, 2, 'lists of mixed values are accepted alike');
  });

  it('types dates as timestamps and refuses values no table can hold', () => {
    const table = new Table({ columns: ['t'], data: [[new Date(0)]] });
    assert.throws(() => table.addData(0), TypeError);
    assert.throws(() => new Table({ columns: ['f'], data: [[() => 1]] }), TypeError);
    assert.throws(() => new Table({ columns: ['d'], data: [[new Date(Number.NaN)]] }), TypeError);
    assert.throws(() => new Table({ columns: ['c'], data: [[new (class Opaque {})()]] }), /Opaque cannot be a table cell/);
  });
});

describe('Table cells holding rich values', () => {
  const pixels = (value: number) => [
    [value, 0],
    [0, value],
  ];

  it('writes an Image cell as its JSON, its file named by content so repeats are one file', () => {
    const image = new Image(pixels(255));
    const other = new Image(pixels(128));
    const table = new Table({ columns: ['id', 'img'], data: [[1, image], [2, image], [3, other], [4, null]] });
    const ctx = recorder('samples', 7);
    const json = table.toWandbJson(ctx);

    const idOf = (img: Image) => img.sha256.slice(0, 20);
    const imageFiles = ctx.files.filter((file) => file.path.startsWith('media/images/'));
    assert.deepEqual(
      imageFiles.map((file) => file.path),
      [`media/images/${idOf(image)}.png`, `media/images/${idOf(other)}.png`],
      'one file per distinct image, named by its sha256',
    );
    assert.deepEqual(imageFiles[0]!.bytes, image.bytes);
    const cell = (img: Image) => ({ _type: 'image-file', path: `media/images/${idOf(img)}.png`, sha256: img.sha256, size: img.size, format: 'png', width: 2, height: 2 });
    const tableFile = ctx.files.find((file) => file.path.startsWith('media/table/'))!;
    assert.deepEqual(JSON.parse(text(tableFile)), { columns: ['id', 'img'], data: [[1, cell(image)], [2, cell(image)], [3, cell(other)], [4, null]] });
    assert.equal(json.path, tableFile.path);
    assert.equal(json.sha256, sha256(tableFile.bytes));
  });

  it('types an Image column as image-file', () => {
    const table = new Table({ columns: ['img'], data: [[new Image(pixels(1))]] });
    assert.throws(() => table.addData('not an image'), (error: Error) => error instanceof TypeError && error.message.includes('image-file'));
    table.addData(new Image(pixels(2)));
  });

  it('writes a table nested in a cell as its table-file JSON, named by content', () => {
    const inner = new Table({ columns: ['a'], data: [[1]] });
    const outer = new Table({ columns: ['t'], data: [[inner]] });
    const ctx = recorder('outer', 1);
    outer.toWandbJson(ctx);
    const innerContent = '{"columns":["a"],"data":[[1]]}';
    const innerId = sha256(innerContent).slice(0, 20);
    assert.equal(ctx.files[0]!.path, `media/table/${innerId}.table.json`);
    const cell = JSON.parse(text(ctx.files[1]!)).data[0][0];
    assert.equal(cell.path, `media/table/${innerId}.table.json`);
    assert.equal(cell._type, 'table-file');
  });
});
