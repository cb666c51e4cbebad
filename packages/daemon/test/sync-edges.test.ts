/**
 * Edge cases of the sync: a run whose first lines live only on another server (gaps at the watermark),
 * a local run whose id the server already holds with history, resuming a run logged without `_step`,
 * the byte budget of a batch in UTF-8, backoff bounds, `reopen` clearing a stop request, and the API key
 * scrubbed from server messages in its Basic form too.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { FakeWandbServer } from '../test-utils/fake-wandb-server.js';
import { API_KEY, assertLines, steps } from '../test-utils/sync-env.js';
import { appendHistory, insertRun, remoteRun, runSyncer, setState, syncDb, turnsUntil } from '../test-utils/sync-harness.js';
import { backoffDelayMs } from '../src/sync/backoff.js';
import { buildBatch } from '../src/sync/file-stream-batch.js';
import { fetchServerRun, resumeStep } from '../src/sync/resume-status.js';
import { SyncStore } from '../src/sync/sync-store.js';
import { WandbHttp } from '../src/sync/wandb-http.js';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const fileStreams = (fake: FakeWandbServer, run: string) => fake.requests.filter((r) => r.path.includes(`/${run}/file_stream`));

describe('sync edge cases', () => {
  const fake = new FakeWandbServer(API_KEY);
  before(() => fake.listen());
  after(() => fake.close());

  it('a run continued from a server and later given a new remote sends its local lines once, with no busy loop', async () => {
    const db = syncDb();
    const pk = insertRun(db, { runId: 'continued' });
    // Continued from a server that held lines 0..4: only lines 5..7 are stored here.
    appendHistory(db, pk, 3, 5);
    const { store, syncer, log } = runSyncer(db, pk, { intervalMs: 1_000, heartbeatMs: 60_000 });
    store.seedFromServer(pk, { bucketId: 'elsewhere-1', entity: 'e', project: 'p', history: 5, events: 0, output: 0 });
    store.setRemote(pk, null); // resumed offline
    store.setRemote(pk, { baseUrl: fake.url, apiKey: API_KEY }); // later `wandb-daemon sync continued`
    assert.equal(store.load(pk)!.wm_history, 5, 'the watermark starts at the first stored line');
    assert.ok(log.lines.some((l) => l.level === 'warn' && (l.fields.skippedLines as { history?: number } | undefined)?.history === 5));
    for (let turn = 0; turn < 20; turn += 1) await syncer.turn();
    assert.equal(store.load(pk)!.wm_history, 8);
    const streams = fileStreams(fake, 'continued');
    assert.equal(streams.length, 1, `${streams.length} file_stream requests: ${streams.map((r) => JSON.stringify(r.body)).join(' ')}`);
    assert.deepEqual(streams[0]!.body.files['wandb-history.jsonl'].offset, 5);
    assert.deepEqual(steps(fake.lines('continued', 'wandb-history.jsonl').slice(5) as string[]), range(5, 8));
    db.close();
  });

  it('a batch starts at the first stored line after the watermark and stops at the next gap; a gap is not a bound', () => {
    const db = syncDb();
    const pk = insertRun(db, { runId: 'gaps' });
    appendHistory(db, pk, 3, 0);
    appendHistory(db, pk, 3, 5);
    db.prepare('UPDATE runs SET history_lines = 10 WHERE pk = ?').run(pk); // lines 8, 9 are not stored at all
    const store = new SyncStore(db);
    store.setRemote(pk, { baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
    const limits = { maxLines: 100, maxBytes: 1 << 20 };
    const chunks: { offset: number; n: number; more: boolean }[] = [];
    for (let i = 0; i < 3; i += 1) {
      const batch = buildBatch(store.load(pk)!, store, limits);
      const chunk = (batch.body.files as Record<string, { offset: number; content: string[] }> | undefined)?.['wandb-history.jsonl'];
      chunks.push({ offset: chunk?.offset ?? -1, n: chunk?.content.length ?? 0, more: batch.more });
      store.acknowledge(pk, store.epochOf(pk), batch.ack);
    }
    assert.deepEqual(chunks, [
      { offset: 0, n: 3, more: false },
      { offset: 5, n: 3, more: false },
      { offset: -1, n: 0, more: false },
    ]);
    assert.equal(store.load(pk)!.wm_history, 10, 'lines that are stored nowhere are skipped, not waited for');
    db.close();
  });

  it('refuses to sync over a run the server already holds with history under the same id', async () => {
    fake.seedRun('fake-entity', 'p', 'taken', { history: range(0, 4).map((i) => `{"theirs":${i},"_step":${i}}`) });
    const { db, pk, store, syncer } = remoteRun(fake, { runId: 'taken', state: 'finished', exitCode: 0 }, 2);
    await turnsUntil(syncer, () => store.load(pk)!.fatal_error !== null || store.load(pk)!.done === 1);
    assert.match(store.load(pk)!.fatal_error ?? '', /^run taken already exists on http:\/\/127\.0\.0\.1:\d+ with 4 history lines; resume it \(init\(\{ id, resume: 'allow' \}\)\) or use another id$/);
    assert.equal(fileStreams(fake, 'taken').length, 0);
    assert.match(fake.lines('taken', 'wandb-history.jsonl')[0]!, /theirs/);
    db.close();
  });

  it('a run of its own on that server (another key, or back from offline) is not refused', async () => {
    const { db, pk, store, syncer } = remoteRun(fake, { runId: 'own' }, 3);
    await turnsUntil(syncer, () => store.load(pk)!.wm_history === 3);
    store.setRemote(pk, null); // resumed offline
    appendHistory(db, pk, 2);
    store.setRemote(pk, { baseUrl: fake.url, apiKey: API_KEY });
    setState(db, pk, 'finished', 0);
    await turnsUntil(syncer, () => store.load(pk)!.fatal_error !== null || store.load(pk)!.done === 1);
    assert.equal(store.load(pk)!.fatal_error, null);
    assert.deepEqual(steps(assertLines(fake, 'own', 'wandb-history.jsonl', 5)), range(0, 5));
    db.close();
  });

  it('resumes a run logged without _step (@wandb/sdk) after its last line, not at step 0', async () => {
    fake.seedRun('fake-entity', 'p', 'js-run', { history: range(0, 7).map((i) => `{"loss":${i},"_runtime":1}`) });
    const server = await fetchServerRun({ baseUrl: fake.url, apiKey: API_KEY }, { entity: null, project: 'p', runId: 'js-run' }, 5_000, new AbortController().signal);
    assert.equal(server!.lastStep, 6);
    assert.equal(resumeStep(-1, 0), -1);
    assert.equal(resumeStep(41, 7), 41);
  });
});

describe('sync limits and hygiene', () => {
  it('counts the byte budget in UTF-8 of the JSON-escaped line; one line over the budget still goes alone', () => {
    const db = syncDb();
    const pk = insertRun(db, { runId: 'utf8' });
    const line = `{"s":"${'é'.repeat(100)}"}`; // 108 UTF-16 units, 208 UTF-8 bytes, 214 escaped
    const insert = db.prepare('INSERT INTO history (run_pk, line_no, step, ts, line) VALUES (?, ?, ?, 0, ?)');
    for (let i = 0; i < 3; i += 1) insert.run(pk, i, i, line);
    db.prepare('UPDATE runs SET history_lines = 3 WHERE pk = ?').run(pk);
    const store = new SyncStore(db);
    store.setRemote(pk, { baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
    const sizeOf = (maxBytes: number) => {
      const batch = buildBatch(store.load(pk)!, store, { maxLines: 100, maxBytes });
      return { n: (batch.body.files as Record<string, { content: string[] }>)['wandb-history.jsonl']!.content.length, more: batch.more };
    };
    assert.deepEqual(sizeOf(300), { n: 1, more: true });
    assert.deepEqual(sizeOf(450), { n: 2, more: true });
    assert.deepEqual(sizeOf(10), { n: 1, more: true });
    db.close();
  });

  it('backs off between the minimum and the ceiling, never at once', () => {
    assert.equal(backoffDelayMs(1, 2_000, 60_000, () => 0), 2_000);
    assert.equal(backoffDelayMs(3, 2_000, 60_000, () => 0), 2_000);
    assert.equal(backoffDelayMs(3, 2_000, 60_000, () => 1), 8_000);
    assert.equal(backoffDelayMs(50, 2_000, 60_000, () => 0.5), 31_000);
  });

  it('reopen clears a stop the server requested for the previous attachment', () => {
    const db = syncDb();
    const pk = insertRun(db, { runId: 'stopped', state: 'finished', exitCode: 0 });
    const store = new SyncStore(db);
    store.setRemote(pk, { baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
    store.acknowledge(pk, store.epochOf(pk), { uploaded: [], complete: true, stopRequested: true });
    assert.equal(store.load(pk)!.stop_requested, 1);
    store.reopen(pk);
    assert.equal(store.load(pk)!.stop_requested, 0);
    db.close();
  });

  it('scrubs the key from a server message that echoes the Authorization header', async () => {
    const server = createServer((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: `bad credentials: ${req.headers.authorization}` }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const http = new WandbHttp({ baseUrl, apiKey: API_KEY }, 5_000, new AbortController().signal);
    const basic = Buffer.from(`api:${API_KEY}`).toString('base64');
    await assert.rejects(http.graphql('Viewer', '{ viewer { id } }', {}), (error: Error) => {
      assert.match(error.message, /^401 Unauthorized from http:\/\/127\.0\.0\.1:\d+: bad credentials: Basic \[redacted\]$/);
      assert.ok(!error.message.includes(basic) && !error.message.includes(API_KEY));
      return true;
    });
    server.close();
  });
});
