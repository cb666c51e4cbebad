/**
 * File uploads (src/sync/run-syncer.ts, run-files.ts, wandb-http.ts): files are streamed from disk
 * (a file over 2 GiB too) and only a vanished one counts as missing; each file has its own retry state,
 * so a failing PUT neither holds back file_stream nor fails the run, and `complete` waits for files
 * still retrying; a CreateRunFiles answer without an entry per file is an error, never an upload; the
 * server's uploadHeaders go on every PUT; the PUT timeout is one of inactivity.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Database from 'better-sqlite3';
import { FakeWandbServer, type RecordedRequest } from '../test-utils/fake-wandb-server.js';
import { API_KEY } from '../test-utils/sync-env.js';
import { appendHistory, insertRun, remoteRun, runSyncer, setState, syncDb, turnsUntil } from '../test-utils/sync-harness.js';
import { SyncViews } from '../src/sync/sync-views.js';
import { WandbHttp } from '../src/sync/wandb-http.js';

const dir = mkdtempSync(join(tmpdir(), 'wds-uploads-'));

function addFile(db: Database.Database, pk: number, path: string, localPath: string, policy = 'now'): void {
  db.prepare('INSERT INTO files (run_pk, path, local_path, policy, size, sha256, updated_at) VALUES (?, ?, ?, ?, NULL, NULL, 1)').run(pk, path, localPath, policy);
}

const puts = (fake: FakeWandbServer, path: string) => fake.requests.filter((r) => r.method === 'PUT' && decodeURIComponent(r.path).includes(`/${path}?`));

/** A plain HTTP server standing in for object storage: records each PUT's headers, answers `status(path)`. */
async function storage(status: (path: string) => number): Promise<{ url: string; seen: { path: string; headers: IncomingMessage['headers'] }[]; server: Server }> {
  const seen: { path: string; headers: IncomingMessage['headers'] }[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname.slice(1));
    seen.push({ path, headers: req.headers });
    const code = status(path);
    // Answered before the body is read (as storage refusing a request does); the rest is not waited for.
    if (code !== 200) {
      res.writeHead(code, { connection: 'close', 'content-type': 'application/json' }).end('{"error":"request signature expired"}');
      return;
    }
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, seen, server };
}

describe('sync of files', () => {
  const fake = new FakeWandbServer(API_KEY);
  before(() => fake.listen());
  after(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams a file over 2 GiB; a refused PUT fails that file, not the run; a vanished file is missing', async () => {
    const big = join(dir, 'model.ckpt');
    writeFileSync(big, '');
    truncateSync(big, 2 ** 31 + 1); // sparse: no disk used
    const store2 = await storage((path) => (path === 'model.ckpt' ? 403 : 200));
    fake.answerWith = (req) =>
      req.operationName === 'CreateRunFiles' && req.body.variables.run === 'big'
        ? { data: { createRunFiles: { runID: 'x', uploadHeaders: [], files: req.body.variables.files.map((name: string) => ({ name, uploadUrl: `${store2.url}/${name}` })) } } }
        : undefined;
    const db = syncDb();
    const pk = insertRun(db, { runId: 'big', state: 'finished', exitCode: 0 });
    appendHistory(db, pk, 2);
    addFile(db, pk, 'model.ckpt', big);
    addFile(db, pk, 'gone.txt', join(dir, 'never-written.txt'));
    const { store, syncer } = runSyncer(db, pk);
    store.setRemote(pk, { baseUrl: fake.url, apiKey: API_KEY });
    await turnsUntil(syncer, () => store.load(pk)!.done === 1 || store.load(pk)!.fatal_error !== null);
    fake.answerWith = null;
    store2.server.close();
    const put = store2.seen.find((s) => s.path === 'model.ckpt');
    assert.ok(put, 'the file over 2 GiB was never PUT');
    assert.equal(put.headers['content-length'], String(2 ** 31 + 1));
    assert.equal(store.load(pk)!.fatal_error, null, 'a refused PUT failed the whole run');
    assert.equal(fake.run('big')!.complete, true);
    const view = new SyncViews(db).run(pk)!;
    assert.equal(view.state, 'synced');
    assert.deepEqual(view.fileErrors.map((f) => [f.path, f.state]), [['model.ckpt', 'failed']]);
    assert.match(view.fileErrors[0]!.error, /^403 Forbidden from http:\/\/127\.0\.0\.1:\d+: request signature expired$/);
    const uploaded = fake.run('big')!.uploaded;
    assert.ok(uploaded.includes('config.yaml') && !uploaded.includes('model.ckpt') && !uploaded.includes('gone.txt'), uploaded.join());
    assert.equal(store2.seen.some((s) => s.path === 'gone.txt'), false);
    assert.deepEqual(db.prepare("SELECT path, missing FROM sync_files WHERE path IN ('gone.txt', 'model.ckpt')").all(), [{ path: 'gone.txt', missing: 1 }]);
    db.close();
  });

  it('a file whose PUT keeps failing does not hold back lines and heartbeats; complete waits for it', async () => {
    const local = join(dir, 'notes.txt');
    writeFileSync(local, 'hello');
    const failing = { status: 503, times: Number.POSITIVE_INFINITY, match: (r: RecordedRequest) => r.method === 'PUT' && r.path.includes('/notes.txt') };
    fake.faults.push(failing);
    const db = syncDb();
    const pk = insertRun(db, { runId: 'starved' });
    appendHistory(db, pk, 50);
    addFile(db, pk, 'notes.txt', local);
    const { store, syncer } = runSyncer(db, pk, { heartbeatMs: 0 });
    store.setRemote(pk, { baseUrl: fake.url, apiKey: API_KEY });
    await turnsUntil(syncer, () => store.load(pk)!.wm_history === 50 && puts(fake, 'notes.txt').length >= 3);
    const streamed = () => fake.requests.filter((r) => r.path.includes('/starved/file_stream')).length;
    const before = streamed();
    await turnsUntil(syncer, () => streamed() > before + 2, 100);
    assert.equal(store.load(pk)!.fatal_error, null);
    assert.equal(new SyncViews(db).run(pk)!.fileErrors[0]!.state, 'retrying');
    setState(db, pk, 'finished', 0);
    const attempts = puts(fake, 'notes.txt').length;
    await turnsUntil(syncer, () => puts(fake, 'notes.txt').length >= attempts + 3, 200);
    assert.equal(fake.run('starved')!.complete, false, 'complete sent while a file was still retrying');
    assert.equal(store.load(pk)!.done, 0);
    failing.times = 0;
    await turnsUntil(syncer, () => store.load(pk)!.done === 1, 200);
    assert.equal(fake.run('starved')!.complete, true);
    assert.ok(fake.run('starved')!.uploaded.includes('notes.txt'));
    assert.equal(fake.run('starved')!.uploads.get('notes.txt')!.toString(), 'hello');
    assert.deepEqual(new SyncViews(db).run(pk)!.fileErrors, []);
    db.close();
  });

  it('never reports a file uploaded without a PUT: entries missing from CreateRunFiles are an error, a null URL is not listed', async () => {
    const { db, pk, store, syncer } = remoteRun(fake, { runId: 'no-urls', state: 'finished', exitCode: 0 }, 1);
    const mine = (req: RecordedRequest) => req.operationName === 'CreateRunFiles' && req.body.variables.run === 'no-urls';
    fake.answerWith = (req) => (mine(req) ? { data: { createRunFiles: { runID: 'x', uploadHeaders: [], files: [] } } } : undefined);
    await turnsUntil(syncer, () => fake.requests.filter(mine).length >= 3);
    assert.equal(fake.run('no-urls')!.complete, false);
    assert.deepEqual(fake.run('no-urls')!.uploaded, []);
    assert.match(new SyncViews(db).run(pk)!.error ?? '', /CreateRunFiles from http:\/\/127\.0\.0\.1:\d+ returned 0 files for \d+ requested/);
    fake.answerWith = (req) => (mine(req) ? { data: { createRunFiles: null } } : undefined);
    const calls = fake.requests.filter(mine).length;
    await turnsUntil(syncer, () => fake.requests.filter(mine).length >= calls + 2);
    assert.equal(fake.run('no-urls')!.complete, false);
    // An explicit null URL: the server has the content; nothing is PUT and nothing listed in `uploaded`.
    fake.answerWith = (req) =>
      mine(req) ? { data: { createRunFiles: { runID: 'x', uploadHeaders: [], files: req.body.variables.files.map((name: string) => ({ name, uploadUrl: null })) } } } : undefined;
    await turnsUntil(syncer, () => store.load(pk)!.done === 1);
    fake.answerWith = null;
    assert.equal(fake.run('no-urls')!.complete, true);
    assert.deepEqual(fake.run('no-urls')!.uploaded, []);
    assert.equal(fake.requests.some((r) => r.method === 'PUT' && r.path.includes(`/${fake.run('no-urls')!.id}/`)), false);
    db.close();
  });

  it('applies the server\'s uploadHeaders to every PUT, replacing the content-type', async () => {
    fake.uploadHeaders = ['x-ms-blob-type:BlockBlob', 'Content-Type: text/plain'];
    const { db, pk, store, syncer } = remoteRun(fake, { runId: 'azure', state: 'finished', exitCode: 0 });
    await turnsUntil(syncer, () => store.load(pk)!.done === 1);
    fake.uploadHeaders = [];
    const mine = fake.requests.filter((r) => r.method === 'PUT' && r.path.includes(`/${fake.run('azure')!.id}/`));
    assert.ok(mine.length >= 4);
    for (const put of mine) {
      assert.equal(put.headers['x-ms-blob-type'], 'BlockBlob', put.path);
      assert.equal(put.headers['content-type'], 'text/plain', put.path);
    }
    db.close();
  });
});

describe('upload PUT timeout', () => {
  it('is one of inactivity: a slow upload whose bytes keep moving is not cut', async () => {
    let received = 0;
    const server = createServer((req, res) => {
      req.on('data', (chunk: Buffer) => (received += chunk.length));
      req.on('end', () => res.writeHead(200).end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/slow`;
    const http = new WandbHttp({ baseUrl: url, apiKey: API_KEY }, 2_000, new AbortController().signal);
    // Six chunks 400 ms apart: 2.4 s in all, more than the 2 s timeout, never idle that long (a 5x margin
    // for a loaded machine).
    async function* slow(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < 6; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 400));
        yield Buffer.alloc(1_000, i);
      }
    }
    await http.put(url, { size: 6_000, chunks: slow() });
    assert.equal(received, 6_000);
    // A stalled upload is cut after the timeout, as retryable.
    async function* stalled(): AsyncIterable<Uint8Array> {
      yield Buffer.alloc(10);
      await new Promise(() => undefined);
    }
    await assert.rejects(http.put(url, { size: 20, chunks: stalled() }), (error: Error & { kind?: string }) => error.kind === 'retry');
    server.closeAllConnections();
    server.close();
  });
});
