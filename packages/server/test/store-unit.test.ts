/** Unit tests of the storage logic: flattening, config wrapping, tokens, paths, migrations, query plans. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { generateApiKey, isValidApiKey, keyFromBasicAuth } from '../src/auth/api-key.js';
import { signUploadToken, verifyUploadToken } from '../src/auth/upload-token.js';
import { contentTypeOf, invalidFilePath } from '../src/file-paths.js';
import { storeErrorStatus } from '../src/http/errors.js';
import { jsonDepthExceeds } from '../src/json-depth.js';
import { decodeLeaf, flattenRow, setDotted, stepOf } from '../src/store/history-values.js';
import { migrate, SchemaTooNewError } from '../src/store/migrations/index.js';
import { parseOutputLine } from '../src/store/output-line.js';
import { KEY_BLOCK_RANGE_SQL, KEY_BLOCKS_SQL } from '../src/store/sqlite/history-blocks.js';
import { SqliteServerStore } from '../src/store/sqlite/sqlite-store.js';
import { isWrapped, mergeConfig, parseClientConfig, unwrapConfig, wandbConfigKeys } from '../src/store/wrapped-config.js';
import { parseJsonObject } from '@wandb-daemon/protocol';

const root = mkdtempSync(join(tmpdir(), 'wandb-server-unit-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshStore = () => SqliteServerStore.open(join(root, `s${(counter += 1)}.sqlite`));

describe('history values', () => {
  it('flattens nested objects to dotted keys, keeps typed values and arrays whole, skips _step', () => {
    const row = parseJsonObject('{"_step":3,"a":{"b":1,"c":{"d":NaN}},"img":{"_type":"image-file","path":"x.png"},"l":[1,2],"s":"t","inf":-Infinity}')!;
    const flat = Object.fromEntries(flattenRow(row).map((v) => [v.key, decodeLeaf(v.num, v.json)]));
    assert.deepEqual(Object.keys(flat).sort(), ['a.b', 'a.c.d', 'img', 'inf', 'l', 's']);
    assert.ok(Number.isNaN(flat['a.c.d']));
    assert.equal(flat.inf, -Infinity);
    assert.deepEqual(flat.img, { _type: 'image-file', path: 'x.png' });
    assert.deepEqual(flat.l, [1, 2]);
    assert.equal(stepOf(row, 9), 3);
    assert.equal(stepOf(parseJsonObject('{"a":1}'), 9), 9);
    assert.equal(parseJsonObject('not json'), null);
  });
});

describe('hostile keys and shapes', () => {
  it('setDotted treats __proto__, constructor and prototype as keys: no prototype is reached', () => {
    const target: Record<string, unknown> = {};
    setDotted(target, ['__proto__', 'X'], 1);
    setDotted(target, ['a', '__proto__', 'x'], 2);
    setDotted(target, ['constructor', 'prototype', 'y'], 3);
    setDotted(target, ['__proto__'], { z: 4 });
    const typed = JSON.parse('{"_type":"t"}') as Record<string, unknown>;
    setDotted({ t: typed }, ['t', '__proto__', 'w'], 5);
    for (const name of ['X', 'x', 'y', 'z', 'w']) assert.equal(Object.hasOwn(Object.prototype, name), false, name);
    assert.equal(Object.getPrototypeOf(target), Object.prototype);
    assert.equal(JSON.stringify(target), '{"__proto__":{"z":4},"a":{"__proto__":{"x":2}},"constructor":{"prototype":{"y":3}}}');
  });

  it('flattening keeps "__proto__" as a key and sees only an own "_type"', () => {
    const row = parseJsonObject('{"__proto__":{"x":1},"a":{"__proto__":{"_type":"y"},"b":1}}')!;
    assert.deepEqual(flattenRow(row).map((v) => v.key).sort(), ['__proto__.x', 'a.__proto__', 'a.b']);
    const inherited = Object.assign(Object.create({ _type: 'inherited' }) as Record<string, unknown>, { v: 1 });
    assert.deepEqual(flattenRow({ o: inherited }).map((v) => v.key), ['o.v']);
  });

  it('measures JSON nesting without recursion; brackets inside strings do not count', () => {
    assert.equal(jsonDepthExceeds('[[1]]', 1), true);
    assert.equal(jsonDepthExceeds('[[1]]', 2), false);
    assert.equal(jsonDepthExceeds('{"a":"[[[[[[[[[[","b":"\\\"{{{{{{{{"}', 1), false);
    assert.equal(jsonDepthExceeds(`{"a":${'['.repeat(1_000_000)}`, 100), true);
    assert.equal(jsonDepthExceeds(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`), false);
    assert.equal(jsonDepthExceeds(`${'{"a":'.repeat(101)}1${'}'.repeat(101)}`), true);
  });

  it('store errors: the environment is 503 (retry), data is 413/422 (give up)', () => {
    const sqlite = (code: string) => Object.assign(new Error(code), { code });
    assert.equal(storeErrorStatus(sqlite('SQLITE_TOOBIG')), 413);
    for (const code of ['SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_MISMATCH', 'SQLITE_RANGE']) assert.equal(storeErrorStatus(sqlite(code)), 422, code);
    for (const code of ['SQLITE_BUSY', 'SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_READONLY', 'SQLITE_NOMEM']) assert.equal(storeErrorStatus(sqlite(code)), 503, code);
    assert.equal(storeErrorStatus(Object.assign(new Error('no space'), { code: 'ENOSPC', syscall: 'write' })), 503);
    assert.equal(storeErrorStatus(new RangeError('Maximum call stack size exceeded')), 422);
    assert.equal(storeErrorStatus(null), 422);
  });
});

describe('wrapped config', () => {
  it('detects wrapping (with or without desc), wraps plain configs, merges key by key', () => {
    assert.ok(isWrapped({ lr: { value: 1 }, _wandb: { value: { t: {} } } }));
    assert.ok(isWrapped({ lr: { desc: null, value: 0.1 } }));
    assert.ok(!isWrapped({ lr: 0.1, nested: { value: 1 } }));
    assert.deepEqual(parseClientConfig('{"lr":0.1,"n":{"value":1}}'), { lr: { value: 0.1 }, n: { value: { value: 1 } } });
    const merged = mergeConfig('{"a":{"value":1},"b":{"value":2}}', { b: { value: 3 }, c: { value: 4 } });
    assert.deepEqual(unwrapConfig(JSON.parse(merged)), { a: 1, b: 3, c: 4 });
    assert.deepEqual(wandbConfigKeys('{"_wandb":{"value":{"t":{"1":[1]},"m":[],"x":1}}}', ['t', 'm']), { t: { 1: [1] }, m: [] });
  });
});

describe('output lines', () => {
  it('parses wandb-core, older Python and bare lines', () => {
    assert.deepEqual(parseOutputLine('2024-05-01T10:00:00.123456 hello world'), { stream: 'stdout', timestamp: '2024-05-01T10:00:00.123456', text: 'hello world' });
    assert.deepEqual(parseOutputLine('ERROR 2024-05-01T10:00:00.123456 boom'), { stream: 'stderr', timestamp: '2024-05-01T10:00:00.123456', text: 'boom' });
    assert.deepEqual(parseOutputLine('2024-05-01T12:00:00.5+02:00 local'), { stream: 'stdout', timestamp: '2024-05-01T12:00:00.5+02:00', text: 'local' });
    assert.deepEqual(parseOutputLine('plain'), { stream: 'stdout', timestamp: null, text: 'plain' });
  });
});

describe('keys, tokens and paths', () => {
  it('issues keys both official clients accept and reads Basic auth', () => {
    const key = generateApiKey();
    assert.match(key, /^local-[A-Za-z0-9]{40}$/);
    assert.ok(isValidApiKey(key));
    assert.ok(!isValidApiKey('local-short'));
    assert.equal(keyFromBasicAuth(`Basic ${Buffer.from(`api:${key}`).toString('base64')}`), key);
    assert.equal(keyFromBasicAuth(`Basic ${Buffer.from(`user:${key}`).toString('base64')}`), null);
    assert.equal(keyFromBasicAuth(undefined), null);
  });

  it('verifies upload tokens: signature, expiry, tampering', () => {
    const secret = Buffer.alloc(32, 7);
    const now = 1_000_000;
    const token = signUploadToken(secret, { runId: 4, path: 'media/x.png', expires: now + 10 });
    assert.deepEqual(verifyUploadToken(secret, token, now), { runId: 4, path: 'media/x.png', expires: now + 10 });
    assert.equal(verifyUploadToken(secret, token, now + 11), null);
    assert.equal(verifyUploadToken(Buffer.alloc(32, 8), token, now), null);
    const [payload, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify([5, 'media/x.png', now + 10])).toString('base64url');
    assert.equal(verifyUploadToken(secret, `${forged}.${sig}`, now), null);
    assert.equal(verifyUploadToken(secret, payload!, now), null);
  });

  it('rejects traversal and odd file paths; picks content types', () => {
    for (const bad of ['../x', 'a/../../b', '/etc/passwd', 'a//b', 'a\\b', './a', '', 'a\u0000b']) assert.notEqual(invalidFilePath(bad), null, bad);
    for (const good of ['config.yaml', 'media/images/a_1_abc.png', 'code/src/train.py', 'a..b']) assert.equal(invalidFilePath(good), null, good);
    assert.equal(contentTypeOf('media/images/a.png'), 'image/png');
    assert.equal(contentTypeOf('media/table/t.table.json'), 'application/json');
    assert.equal(contentTypeOf('weights.bin'), 'application/octet-stream');
  });
});

describe('SQLite store', () => {
  it('refuses a database written by a newer schema', () => {
    const path = join(root, 'newer.sqlite');
    const db = new Database(path);
    db.pragma('user_version = 9999');
    db.close();
    assert.throws(() => SqliteServerStore.open(path), SchemaTooNewError);
    const mem = new Database(':memory:');
    assert.deepEqual(migrate(mem), [10, 20]);
    assert.deepEqual(migrate(mem), []);
    mem.close();
  });

  it('upserts lines idempotently: a resent line costs nothing, a changed one replaces its values', () => {
    const store = freshStore();
    const viewer = store.createUser('u');
    const run = store.ensureRun(viewer.defaultEntity, 'p', 'r');
    store.applyFileStream(run.id, { history: { offset: 0, content: ['{"_step":0,"a":1,"b":{"c":2}}', '{"_step":1,"a":2}'] } }, 1);
    store.applyFileStream(run.id, { history: { offset: 0, content: ['{"_step":0,"a":1,"b":{"c":2}}', '{"_step":1,"a":2}'] } }, 2);
    store.applyFileStream(run.id, { history: { offset: 1, content: ['{"_step":5,"z":9}'] } }, 3);
    const db = store.db;
    assert.equal((db.prepare('SELECT sum(n) AS n FROM history_blocks WHERE run_id = ?').get(run.id) as { n: number }).n, 3);
    assert.deepEqual(store.historyByKeys(run.id, ['a'], { limit: 10 }).map((r) => [r.step, r.values]), [[0, { a: 1 }]]);
    assert.deepEqual(store.historyByKeys(run.id, ['z', 'b'], { limit: 10 }).map((r) => [r.step, r.values]), [[0, { b: { c: 2 } }], [5, { z: 9 }]]);
    assert.equal(store.findRun({ entity: 'u', project: 'p', run: 'r' })!.historyLineCount, 2);
    store.close();
  });

  it('crashes silent running runs; any file_stream request makes a crashed run running again', () => {
    const store = freshStore();
    const viewer = store.createUser('u');
    const run = store.ensureRun(viewer.defaultEntity, 'p', 'r');
    store.applyFileStream(run.id, {}, 100);
    assert.equal(store.markCrashed(50).length, 0);
    assert.deepEqual(store.markCrashed(200).map((r) => [r.name, r.state]), [['r', 'crashed']]);
    assert.equal(store.findRun({ entity: 'u', project: 'p', run: 'r' })!.state, 'crashed');
    store.applyFileStream(run.id, {}, 300);
    assert.equal(store.findRun({ entity: 'u', project: 'p', run: 'r' })!.state, 'running');
    store.applyFileStream(run.id, { complete: true, exitcode: 0 }, 400);
    assert.equal(store.markCrashed(1000).length, 0);
    store.close();
  });

  it("reads one key through its blocks' (run, key, block) index, never scanning rows", () => {
    const store = freshStore();
    const plan = (sql: string, ...params: number[]) => (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((p) => p.detail).join(' | ');
    const headers = plan(KEY_BLOCKS_SQL, 1, 1, 0, 10);
    assert.match(headers, /SEARCH history_blocks USING INDEX \S+ \(run_id=\? AND key_id=\?\)/);
    assert.doesNotMatch(headers, /SCAN|TEMP B-TREE/);
    const range = plan(KEY_BLOCK_RANGE_SQL, 1, 1, 0, 9, 0, 10);
    assert.match(range, /SEARCH history_blocks USING INDEX \S+ \(run_id=\? AND key_id=\? AND block_no>\? AND block_no<\?\)/);
    assert.doesNotMatch(range, /SCAN|TEMP B-TREE/);
    store.close();
  });
});
