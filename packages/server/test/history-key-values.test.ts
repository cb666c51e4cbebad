/**
 * Rich history values in the store: the type of each key (kept at ingest, backfilled by migration
 * 0020) and a key's values spread over a step window agree with brute force over the raw lines,
 * through resends, rewrites that drop or change values, nulls, NaN, out-of-order steps and many
 * blocks; the reads use their indexes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { parseJsonObject, toWandbJson } from '@wandb-daemon/protocol';
import { spreadIndexes } from '../src/store/history-spread.js';
import { stepOf } from '../src/store/history-values.js';
import { KEY_TYPES_SQL, LAST_TYPED_SQL } from '../src/store/sqlite/history-key-types.js';
import { KEY_VALUE_HEADERS_SQL } from '../src/store/sqlite/history-key-values.js';
import { SqliteServerStore } from '../src/store/sqlite/sqlite-store.js';
import { rawValues, rng } from '../test-utils/history-model.js';

const root = mkdtempSync(join(tmpdir(), 'wandb-server-values-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(root, `v${(counter += 1)}.sqlite`);

/** The type of every key by brute force (a key stays once written, with or without values): the rule of the read API, written out. */
function bruteTypes(lines: Map<number, string>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const values = rawValues(lines, key).sort((a, b) => a.line - b.line).filter((v) => v.value !== null);
    const typed = values.filter((v) => typeof v.value === 'object' && v.value !== null && typeof (v.value as { _type?: unknown })._type === 'string');
    const numbers = values.filter((v) => typeof v.value === 'number').length;
    out[key] = values.length > 0 && numbers === values.length ? 'number' : ((typed.pop()?.value as { _type?: string } | undefined)?._type ?? 'json');
  }
  return out;
}

/** The spread values of a key by brute force, from its raw values. */
function bruteSpread(raw: ReturnType<typeof rawValues>, min: number, max: number, limit: number) {
  const all = raw.filter((v) => v.value !== null && v.step >= min && v.step <= max);
  return { total: all.length, values: spreadIndexes(all.length, limit).map((i) => ({ step: all[i]!.step, value: all[i]!.value })) };
}

const image = (step: number, tag = 'x') => ({ _type: 'image-file', path: `media/images/img_${step}_${tag}.png`, sha256: 'ab', size: 10, format: 'png', width: 2, height: 2 });
const histogram = (step: number) => ({ _type: 'histogram', values: [1, step, Number.NaN], bins: [0, 1, 2, 3] });

/** A history line with a mix of kinds, as a client could log them. */
function randomLine(random: () => number, step: number): string {
  const row: Record<string, unknown> = { _step: step };
  const r = () => random();
  if (r() < 0.9) row.loss = r() < 0.05 ? Number.NaN : r() < 0.05 ? null : Math.round(r() * 1000) / 10;
  if (r() < 0.3) row.img = r() < 0.1 ? null : image(step);
  if (r() < 0.2) row.mixed = r() < 0.5 ? (r() < 0.3 ? Number.NaN : step) : histogram(step);
  if (r() < 0.1) row.val = { sample: image(step, 'val') };
  if (r() < 0.2) row.note = `n${step}`;
  if (r() < 0.02) row.nulls = null;
  return toWandbJson(row);
}

/** Writes `content` at `offset` into both the store and the model. */
function write(store: SqliteServerStore, runId: number, lines: Map<number, string>, offset: number, content: string[]): void {
  store.applyFileStream(runId, { history: { offset, content } }, 1);
  content.forEach((line, k) => lines.set(offset + k, line));
}

function check(store: SqliteServerStore, runId: number, lines: Map<number, string>, label: string): void {
  const keys = store.historyKeys(runId);
  assert.deepStrictEqual(Object.fromEntries(store.historyKeyTypes(runId).map((k) => [k.key, k.type])), bruteTypes(lines, keys), `types, ${label}`);
  const steps = [...lines.keys()].map((l) => stepOf(parseJsonObject(lines.get(l)!), l));
  const top = Math.max(...steps);
  const windows: [number, number][] = [[Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], [100, 2500], [1023, 1025], [top, top], [top + 1, top + 10], [50, 40]];
  for (const key of ['loss', 'img', 'mixed', 'val.sample', 'note', 'nulls', 'absent']) {
    const raw = rawValues(lines, key);
    for (const limit of [0, 1, 2, 7, 13, 1000, 100_000]) {
      for (const [min, max] of windows) {
        const actual = store.historyValues(runId, key, { minStep: min, maxStep: max, limit });
        assert.deepStrictEqual(actual, bruteSpread(raw, min, max, limit), `${label}: ${key} [${min}, ${max}] limit ${limit}`);
      }
    }
  }
}

describe('history key types and spread values', () => {
  it('spreads positions evenly, the first and the last included', () => {
    assert.deepEqual(spreadIndexes(3, 5), [0, 1, 2]);
    assert.deepEqual(spreadIndexes(10, 0), []);
    assert.deepEqual(spreadIndexes(10, 1), [9]);
    assert.deepEqual(spreadIndexes(10, 2), [0, 9]);
    assert.deepEqual(spreadIndexes(10, 4), [0, 3, 6, 9]);
    assert.deepEqual(spreadIndexes(1_000_000, 3), [0, 500_000, 999_999]);
    for (const [total, limit] of [[1001, 1000], [1_000_000, 1000], [12_345, 10_000], [3, 2]] as const) {
      const picks = spreadIndexes(total, limit);
      assert.equal(picks.length, limit);
      assert.equal(picks[0], 0);
      assert.equal(picks[limit - 1], total - 1);
      for (let i = 1; i < picks.length; i += 1) assert.ok(picks[i]! > picks[i - 1]!, `${total}/${limit} increasing at ${i}`);
    }
  });

  it('agree with brute force through appends, resends and rewrites over many blocks', () => {
    const store = SqliteServerStore.open(freshPath());
    const viewer = store.createUser('u');
    const run = store.ensureRun(viewer.defaultEntity, 'p', 'r');
    const random = rng(7);
    const lines = new Map<number, string>();
    for (let offset = 0; offset < 3500; offset += 500) write(store, run.id, lines, offset, Array.from({ length: 500 }, (_, k) => randomLine(random, offset + k)));
    check(store, run.id, lines, 'appended');
    // A resend changes nothing; rewrites change kinds (the last image goes, a number turns into a histogram...).
    write(store, run.id, lines, 3000, [...lines.entries()].filter(([l]) => l >= 3000).map(([, t]) => t));
    const lastImage = Math.max(...rawValues(lines, 'img').filter((v) => v.value !== null).map((v) => v.line));
    write(store, run.id, lines, lastImage, [toWandbJson({ _step: lastImage, loss: 1 })]);
    for (let i = 0; i < 200; i += 1) {
      const lineNo = Math.floor(random() * 3500);
      write(store, run.id, lines, lineNo, [randomLine(random, lineNo)]);
    }
    check(store, run.id, lines, 'rewritten');
    // Every image gone, then one back in an early block: the type falls back to 'json' (nulls remain) and returns.
    for (const v of rawValues(lines, 'img')) write(store, run.id, lines, v.line, [toWandbJson({ _step: v.step, loss: 2 })]);
    check(store, run.id, lines, 'no images');
    assert.equal(store.historyKeyTypes(run.id).find((k) => k.key === 'img')?.type, 'json');
    write(store, run.id, lines, 10, [toWandbJson({ _step: 10, img: image(10) })]);
    check(store, run.id, lines, 'one image back');
    assert.equal(store.historyKeyTypes(run.id).find((k) => k.key === 'img')?.type, 'image-file');
    store.close();
  });

  it('the type follows the last typed value as lines are rewritten, across blocks', () => {
    const store = SqliteServerStore.open(freshPath());
    const viewer = store.createUser('u');
    const run = store.ensureRun(viewer.defaultEntity, 'p', 'r');
    const typeOf = () => store.historyKeyTypes(run.id).find((k) => k.key === 'k')?.type;
    const set = (lineNo: number, value: unknown) => store.applyFileStream(run.id, { history: { offset: lineNo, content: [toWandbJson(value === undefined ? { _step: lineNo } : { _step: lineNo, k: value })] } }, 1);
    set(0, 1);
    assert.equal(typeOf(), 'number');
    set(1, Number.NaN);
    assert.equal(typeOf(), 'number', 'NaN is a number');
    set(2, null);
    assert.equal(typeOf(), 'number', 'a null counts for nothing');
    set(3, image(3));
    assert.equal(typeOf(), 'image-file');
    set(2100, histogram(2100));
    assert.equal(typeOf(), 'histogram', 'a later block');
    set(5, { _type: 'table-file', path: 'media/table/t.table.json' });
    assert.equal(typeOf(), 'histogram', 'an earlier block does not take over');
    set(2100, undefined);
    assert.equal(typeOf(), 'table-file', 'the last typed value is gone: the one before it');
    set(5, 'text');
    assert.equal(typeOf(), 'image-file');
    set(3, undefined);
    assert.equal(typeOf(), 'json', 'a string, no typed value');
    set(5, 2);
    assert.equal(typeOf(), 'number');
    for (const lineNo of [0, 1, 5]) set(lineNo, undefined);
    assert.equal(typeOf(), 'json', 'only a null left');
    assert.deepEqual(store.historyValues(run.id, 'k', { limit: 10 }), { total: 0, values: [] });
    store.close();
  });

  it('agree with brute force when steps go back (across and inside blocks)', () => {
    const store = SqliteServerStore.open(freshPath());
    const viewer = store.createUser('u');
    const run = store.ensureRun(viewer.defaultEntity, 'p', 'r');
    const random = rng(11);
    const lines = new Map<number, string>();
    // Steps restart at line 1500 (a resumed run rewinding) and jitter inside one block.
    const stepOfLine = (l: number) => (l < 1500 ? l * 2 : l - 1500) + (l >= 2100 && l < 2200 ? Math.floor(random() * 50) : 0);
    write(store, run.id, lines, 0, Array.from({ length: 3000 }, (_, l) => randomLine(random, stepOfLine(l))));
    check(store, run.id, lines, 'unordered');
    store.close();
  });

  it('migration 0020 backfills the same kinds from blocks written before it', () => {
    const path = freshPath();
    let store = SqliteServerStore.open(path);
    const viewer = store.createUser('u');
    const run = store.ensureRun(viewer.defaultEntity, 'p', 'r');
    const random = rng(3);
    const lines = new Map<number, string>();
    write(store, run.id, lines, 0, Array.from({ length: 2500 }, (_, l) => randomLine(random, l)));
    write(store, run.id, lines, 2500, [toWandbJson({ _step: 2500, img: { _type: 'histogram', values: [Number.NaN, Infinity], bins: [0, 1, 2] }, odd: { _type: 7 } })]);
    const kinds = (db: Database.Database) => ({
      blocks: db.prepare('SELECT run_id, key_id, block_no, nulls, others, last_type FROM history_block_extras ORDER BY run_id, key_id, block_no').all(),
      keys: db.prepare('SELECT run_id, key_id, numbers, others, type_block, value_type FROM run_history_keys ORDER BY run_id, key_id').all(),
    });
    const written = kinds(store.db);
    const types = store.historyKeyTypes(run.id);
    assert.equal(types.find((k) => k.key === 'img')?.type, 'histogram');
    assert.equal(types.find((k) => k.key === 'odd')?.type, 'json');
    store.close();
    // Back to the schema before 0020, with the blocks as they are.
    const db = new Database(path);
    db.exec('DROP TABLE history_block_extras');
    for (const column of ['numbers', 'others', 'type_block', 'value_type']) db.exec(`ALTER TABLE run_history_keys DROP COLUMN ${column}`);
    db.pragma('user_version = 10');
    db.close();
    store = SqliteServerStore.open(path);
    assert.deepStrictEqual(kinds(store.db), written);
    assert.deepStrictEqual(store.historyKeyTypes(run.id), types);
    check(store, run.id, lines, 'migrated');
    store.close();
  });

  it('reads key types from run_history_keys alone and value headers through the block index', () => {
    const store = SqliteServerStore.open(freshPath());
    const plan = (sql: string, ...params: number[]) => (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((p) => p.detail).join(' | ');
    const types = plan(KEY_TYPES_SQL, 1);
    assert.match(types, /SEARCH r USING PRIMARY KEY \(run_id=\?\)/);
    assert.doesNotMatch(types, /history_blocks|history_block_extras|SCAN r/);
    const headers = plan(KEY_VALUE_HEADERS_SQL, 1, 1, 0, 10);
    assert.match(headers, /SEARCH h USING INDEX \S+ \(run_id=\? AND key_id=\?\)/);
    assert.match(headers, /SEARCH e USING PRIMARY KEY \(run_id=\? AND key_id=\? AND block_no=\?\)/);
    assert.doesNotMatch(headers, /SCAN|TEMP B-TREE/);
    const lastTyped = plan(LAST_TYPED_SQL, 1, 1);
    assert.match(lastTyped, /SEARCH history_block_extras USING PRIMARY KEY \(run_id=\? AND key_id=\?\)/);
    assert.doesNotMatch(lastTyped, /TEMP B-TREE/);
    store.close();
  });
});
