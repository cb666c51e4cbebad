/**
 * Hostile requests against a real server on loopback: prototype-polluting keys, gzip bombs, huge and
 * deeply nested lines, huge offsets, abusive key lists, and tokens in 404 logs. The server runs in
 * this process, so a polluted Object.prototype is visible to the test itself.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { MAX_JSON_DEPTH } from '../src/json-depth.js';
import { MAX_LINE_BYTES } from '../src/http/file-stream-body.js';
import { MAX_BODY_BYTES, MAX_INFLATED_BYTES } from '../src/http/raw-body.js';
import { MAX_HISTORY_KEYS } from '../src/http/history-query.js';
import { startTempServer, type TempServer } from '../test-utils/temp-server.js';
import * as doc from '../test-utils/wandb-documents.js';
import { basicAuth, WireClient } from '../test-utils/wire-client.js';

/** Names a polluted Object.prototype would show. */
const PROBES = ['X', 'x', 'polluted', 'value', 'content-type', 'hasOwnProperty'];

function assertPrototypeClean(): void {
  for (const name of PROBES) assert.ok(!Object.hasOwn(Object.prototype, name) || name === 'hasOwnProperty', `Object.prototype.${name} was set`);
  assert.equal(typeof Object.prototype.hasOwnProperty, 'function', 'Object.prototype.hasOwnProperty was replaced');
}

/** Undoes pollution a failing test caused, so that one failure does not take every later test down. */
function cleanPrototype(): void {
  for (const name of PROBES) if (name !== 'hasOwnProperty') delete (Object.prototype as Record<string, unknown>)[name];
}

describe('hostile input', () => {
  let server: TempServer;
  let client: WireClient;
  const logLines: string[] = [];
  before(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    // A logger on: the crash seen in the review came from pino reading a polluted prototype.
    server = await startTempServer({ logger: { level: 'info', stream } });
    client = new WireClient(server.url, server.adminKey);
  });
  after(() => server.close());
  afterEach(cleanPrototype);

  const history = (offset: number, content: string[]) => ({ files: { 'wandb-history.jsonl': { offset, content } } });
  const getJson = (path: string) => client.get(path);

  it('"__proto__" in a history line is data: reading it by key pollutes nothing', async () => {
    const lines = ['{"__proto__":{"X":1}}', '{"a":{"__proto__":{"x":2}}}', '{"__proto__":{"hasOwnProperty":1},"constructor":{"prototype":{"polluted":3}}}'];
    assert.equal((await client.fileStream('admin/proto/h', history(0, lines))).status, 200);
    const byKey = await getJson('/api/v1/runs/admin/proto/h/history?keys=__proto__,a,constructor');
    assertPrototypeClean();
    assert.equal(byKey.status, 200);
    // The reply text itself carries the keys as data.
    assert.deepEqual(
      byKey.body.rows.map((r: object) => JSON.stringify(r)),
      ['{"_step":0,"__proto__":{"X":1}}', '{"_step":1,"a":{"__proto__":{"x":2}}}', '{"_step":2,"__proto__":{"hasOwnProperty":1},"constructor":{"prototype":{"polluted":3}}}'],
    );
    const dotted = await getJson('/api/v1/runs/admin/proto/h/history?keys=__proto__.X,a.__proto__.x');
    assertPrototypeClean();
    assert.equal(dotted.status, 200);
    const full = await getJson('/api/v1/runs/admin/proto/h/history');
    assertPrototypeClean();
    assert.equal(JSON.stringify(full.body.rows[0]), '{"__proto__":{"X":1},"_step":0}');
    assert.equal((await client.get('/healthz')).status, 200, 'the server still answers');
  });

  it('"__proto__" in config, summary and events stays data in every reply', async () => {
    // Plain (@wandb/sdk) config: wrapping must see "__proto__" as a key, not as a prototype.
    const plainConfig = '{"__proto__":{"value":{"polluted":1}},"lr":0.1}';
    const upsert = await client.gql(doc.UPSERT_BUCKET, { ...doc.nullUpsertVariables(), name: 'cfg', project: 'proto', config: plainConfig }, 'UpsertBucket');
    assert.equal(upsert.status, 200, JSON.stringify(upsert.body));
    assert.equal(upsert.body.errors, undefined);
    await client.fileStream('admin/proto/cfg', {
      files: {
        'wandb-summary.json': { offset: 0, content: ['{"__proto__":{"x":1},"loss":0.5}'] },
        'wandb-events.jsonl': { offset: 0, content: ['{"__proto__":{"content-type":"text/html"},"system.cpu":1}'] },
      },
    });
    const detail = await getJson('/api/v1/runs/admin/proto/cfg');
    assertPrototypeClean();
    assert.equal(detail.status, 200);
    assert.equal(JSON.stringify(detail.body.config), plainConfig);
    assert.equal(JSON.stringify(detail.body.summary), '{"__proto__":{"x":1},"loss":0.5}');
    const events = await getJson('/api/v1/runs/admin/proto/cfg/events');
    assert.equal(JSON.stringify(events.body.events[0]), '{"lineNo":0,"__proto__":{"content-type":"text/html"},"system.cpu":1}');
    const resume = await client.gql(doc.RUN_RESUME_STATUS, { project: 'proto', entity: 'admin', name: 'cfg' }, 'RunResumeStatus');
    assert.equal(resume.body.errors, undefined);
    assert.deepEqual(JSON.parse(resume.body.data.model.bucket.config).lr, { value: 0.1 });
    assertPrototypeClean();
  });

  it('a gzip bomb stops inflating at the cap: 413, not gigabytes', async () => {
    const line = JSON.stringify('x'.repeat(MAX_INFLATED_BYTES));
    const bomb = gzipSync(`{"files":{"output.log":{"offset":0,"content":[${line}]}}}`);
    assert.ok(bomb.length < 1024 * 1024);
    const headers = { authorization: basicAuth(server.adminKey), 'content-type': 'application/json', 'content-encoding': 'gzip' };
    const response = await fetch(`${server.url}/files/admin/bomb/r/file_stream`, { method: 'POST', headers, body: bomb });
    assert.equal(response.status, 413);
    assert.match(((await response.json()) as { errors: { message: string }[] }).errors[0]!.message, /inflates to more than/);
  });

  it('bodies over the cap and lines over the per-line cap are 413 with a message', async () => {
    const big = await client.fileStream('admin/big/r', { files: { 'output.log': { offset: 0, content: ['x'.repeat(MAX_BODY_BYTES)] } } });
    assert.equal(big.status, 413);
    assert.match(big.body.errors[0].message, /larger than the limit/);
    const longLine = await client.fileStream('admin/big/r', { files: { 'output.log': { offset: 0, content: ['é'.repeat(MAX_LINE_BYTES / 2 + 1)] } } });
    assert.equal(longLine.status, 413);
    assert.match(longLine.body.errors[0].message, /line 0 is larger than/);
    assert.equal((await client.fileStream('admin/big/r', { files: { 'output.log': { offset: 0, content: ['x'.repeat(MAX_LINE_BYTES - 100)] } } })).status, 200);
  });

  it('deeply nested lines are 422, not a stack overflow (500, retried forever); the depth limit itself is fine', async () => {
    const deepArray = `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const deepObject = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    for (const line of [deepArray, deepObject]) {
      const reply = await client.fileStream('admin/deep/r', history(0, [line]));
      assert.equal(reply.status, 422, JSON.stringify(reply.body).slice(0, 200));
      assert.match(reply.body.errors[0].message, /nests deeper than/);
    }
    for (const file of ['wandb-events.jsonl', 'wandb-summary.json']) {
      assert.equal((await client.fileStream('admin/deep/r', { files: { [file]: { offset: 0, content: [deepObject] } } })).status, 422, file);
    }
    const deepest = `${'{"a":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}`;
    assert.equal((await client.fileStream('admin/deep/ok', history(0, [deepest, '{"b":"[[[[{{{{ in a string"}']))).status, 200);
    assert.equal((await getJson('/api/v1/runs/admin/deep/ok/history')).status, 200);
    assert.equal((await getJson('/api/v1/runs/admin/deep/ok/history?keys=a')).status, 200);
    const upsert = await client.gql(doc.UPSERT_BUCKET, { ...doc.nullUpsertVariables(), name: 'deep', project: 'deep', config: deepObject }, 'UpsertBucket');
    assert.equal(upsert.status, 200);
    assert.match(upsert.body.errors[0].message, /nests deeper than/);
  });

  it('an offset past the 32-bit line counts is 400; the run stays readable over GraphQL', async () => {
    await client.fileStream('admin/off/r', history(0, ['{"a":1}']));
    for (const offset of [3_000_000_000, 2 ** 31 - 1]) {
      const reply = await client.fileStream('admin/off/r', history(offset, ['{"a":2}']));
      assert.equal(reply.status, 400, String(offset));
      assert.match(reply.body.errors[0].message, /must not exceed/);
    }
    assert.equal((await client.fileStream('admin/off/r', history(2 ** 31 - 2, ['{"a":2}']))).status, 200, 'the last line index that fits');
    const resume = await client.gql(doc.RUN_RESUME_STATUS, { project: 'off', entity: 'admin', name: 'r' }, 'RunResumeStatus');
    assert.equal(resume.body.errors, undefined, JSON.stringify(resume.body.errors));
    assert.equal(resume.body.data.model.bucket.historyLineCount, 2 ** 31 - 1);
  });

  it('history keys are deduplicated and capped; repeated query parameters are no 500', async () => {
    await client.fileStream('admin/keys/r', history(0, ['{"a":1,"b":2}']));
    const started = performance.now();
    const repeated = await getJson(`/api/v1/runs/admin/keys/r/history?keys=${'a,'.repeat(7000)}`);
    assert.equal(repeated.status, 200);
    assert.deepEqual(repeated.body.rows, [{ _step: 0, a: 1 }]);
    assert.ok(performance.now() - started < 2000, 'repeated keys cost one series');
    const many = Array.from({ length: MAX_HISTORY_KEYS + 1 }, (_, i) => `k${i}`).join(',');
    assert.equal((await getJson(`/api/v1/runs/admin/keys/r/history?keys=${many}`)).status, 400);
    assert.deepEqual((await getJson('/api/v1/runs/admin/keys/r/history?keys=a&keys=b')).body.rows, [{ _step: 0, a: 1, b: 2 }]);
    assert.equal((await getJson('/api/v1/runs/admin/keys/r/history/m4?key=a&key=b&buckets=2')).status, 400);
    assert.equal((await getJson('/api/v1/runs/admin/keys/r/history?limit=1&limit=2')).status, 400);
  });

  it('a 404 log line never holds an upload token; HEAD /healthz needs no key', async () => {
    const token = 'eyJzZWNyZXQiOiJ0b2tlbiJ9.c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtbGVhaw';
    const reply = await fetch(`${server.url}/upload/${token}/extra`, { method: 'PUT', body: 'x' });
    assert.equal(reply.status, 404);
    assert.ok(!(await reply.text()).includes(token));
    assert.ok(logLines.some((l) => l.includes('not found')), 'the 404 is logged');
    assert.ok(!logLines.some((l) => l.includes(token)), 'the token is not');
    const head = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    assert.equal(head.status, 200);
  });
});
