/**
 * The live socket: auth first (ok, refused, late), watches acknowledged, runs and projects pushed
 * within a second of a change, coalescing, entity isolation, hostile frames, limits, keepalive
 * (a peer that stops answering pings is cut off and frees its slot), and closing with the server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { WebSocket } from 'ws';
import type { ServerServices } from '../src/http/types.js';
import { registerLive } from '../src/live/live-route.js';
import { DEFAULT_LIVE_LIMITS } from '../src/live/live-session.js';
import { RunChanges } from '../src/live/run-changes.js';
import { createUserWithKey } from '../src/server.js';
import { SqliteServerStore } from '../src/store/sqlite/sqlite-store.js';
import { LiveClient } from '../test-utils/live-client.js';
import { startTempServer, type TempServer } from '../test-utils/temp-server.js';
import * as doc from '../test-utils/wandb-documents.js';
import { WireClient } from '../test-utils/wire-client.js';

const history = (offset: number, content: string[]) => ({ files: { 'wandb-history.jsonl': { offset, content } } });
const line = (step: number) => JSON.stringify({ _step: step, loss: 1 / (step + 1) });

describe('live socket', () => {
  let server: TempServer;
  let client: WireClient;
  const logged: string[] = [];
  const open: LiveClient[] = [];
  const ready = async (key = server.adminKey) => {
    const live = await LiveClient.ready(server.url, key);
    open.push(live);
    return live;
  };
  before(async () => {
    const stream = new Writable({ write: (chunk, _encoding, done) => (logged.push(String(chunk)), done()) });
    server = await startTempServer({ liveAuthTimeoutMs: 300, logger: { level: 'debug', stream } });
    client = new WireClient(server.url, server.adminKey);
  });
  after(async () => {
    for (const live of open) live.close();
    await server.close();
  });

  it('answers a good key with ready, a bad one with an error and close 4401, and never logs the key', async () => {
    await ready();
    const refused = await LiveClient.open(server.url);
    refused.send({ type: 'auth', key: `local-${'z'.repeat(40)}` });
    assert.deepEqual(await refused.next((m) => m.type === 'error'), { type: 'error', message: 'invalid API key' });
    assert.equal((await refused.closed).code, 4401);
    const notAuth = await LiveClient.open(server.url);
    notAuth.send({ type: 'watch', id: 1, entity: 'admin', project: 'p' });
    assert.equal((await notAuth.closed).code, 4401, 'the first message must be auth');
    assert.ok(!logged.join('').includes(server.adminKey), 'the key is not in the log');
  });

  it('closes a socket that sends no auth in time (4408)', async () => {
    const silent = await LiveClient.open(server.url);
    const t0 = Date.now();
    assert.equal((await silent.closed).code, 4408);
    assert.ok(Date.now() - t0 < 2000);
  });

  it('pushes a run message within a second of a file_stream to a watched run', async () => {
    await client.fileStream('admin/live/r1', history(0, [line(0)]));
    const live = await ready();
    live.send({ type: 'watch', id: 1, entity: 'admin', project: 'live', run: 'r1' });
    await sleep(50);
    const t0 = Date.now();
    await client.fileStream('admin/live/r1', history(1, [line(1), line(2)]));
    const message = await live.next((m) => m.type === 'run' && m.historyLineCount === 3, 1000);
    assert.ok(Date.now() - t0 < 1000);
    assert.deepEqual(Object.keys(message).sort(), ['entity', 'eventsLineCount', 'historyLineCount', 'logLineCount', 'project', 'run', 'state', 'type', 'updatedAt']);
    assert.deepEqual([message.entity, message.project, message.run, message.state, message.eventsLineCount, message.logLineCount], ['admin', 'live', 'r1', 'running', 0, 0]);
    assert.ok(!Number.isNaN(Date.parse(message.updatedAt as string)));
    // Another run of the project is not watched.
    await client.fileStream('admin/live/other', history(0, [line(0)]));
    await sleep(200);
    assert.ok(live.runs().every((m) => m.run === 'r1'));
    // A stop request and the end of the run reach the page too.
    const before = live.messages.length;
    await client.post('/api/v1/runs/admin/live/r1/stop');
    await client.fileStream('admin/live/r1', { complete: true, exitcode: 1 });
    await live.next((m) => m.type === 'run' && m.state === 'failed', 1000, before);
    // After unwatch, nothing more.
    live.send({ type: 'unwatch', id: 1 });
    await sleep(150);
    const count = live.messages.length;
    await client.fileStream('admin/live/r1', history(3, [line(3)]));
    await sleep(300);
    assert.equal(live.messages.length, count);
  });

  it('acknowledges each registered watch with watching; a change right after it is pushed', async () => {
    const live = await ready();
    live.send({ type: 'watch', id: 11, entity: 'admin', project: 'ack', run: 'a' });
    live.send({ type: 'watch', id: 12, entity: 'admin', project: 'ack2' });
    live.send({ type: 'watch', id: 13, entity: 'nobody', project: 'ack' });
    assert.deepEqual(await live.next((m) => m.type === 'watching' && m.id === 11), { type: 'watching', id: 11 });
    await live.next((m) => m.type === 'watching' && m.id === 12);
    // No sleep: once acknowledged, the watch is in place.
    await client.fileStream('admin/ack/a', history(0, [line(0)]));
    await client.fileStream('admin/ack2/any', history(0, [line(0)]));
    await live.next((m) => m.type === 'run' && m.run === 'a', 1000);
    await live.next((m) => m.type === 'run' && m.run === 'any', 1000);
    // A refused watch gets its error, not an acknowledgement.
    assert.equal((await live.next((m) => m.id === 13)).type, 'error');
    assert.ok(!live.messages.some((m) => m.type === 'watching' && m.id === 13));
    // Watching the same id again acknowledges again.
    live.send({ type: 'watch', id: 11, entity: 'admin', project: 'ack', run: 'b' });
    const from = live.messages.findIndex((m) => m.type === 'watching' && m.id === 11) + 1;
    await live.next((m) => m.type === 'watching' && m.id === 11, 2000, from);
  });

  it('a project watch sees new runs, from file_stream and from UpsertBucket', async () => {
    const live = await ready();
    live.send({ type: 'watch', id: 7, entity: 'admin', project: 'fresh' });
    await sleep(50);
    await client.fileStream('admin/fresh/new1', history(0, [line(0)]));
    await live.next((m) => m.type === 'run' && m.run === 'new1', 1000);
    const upsert = await client.gql(doc.UPSERT_BUCKET, { ...doc.nullUpsertVariables(), name: 'new2', project: 'fresh', entity: 'admin', tags: ['a'] }, 'UpsertBucket');
    assert.equal(upsert.status, 200);
    await live.next((m) => m.type === 'run' && m.run === 'new2' && m.project === 'fresh', 1000);
  });

  it('coalesces: 100 rapid file_streams make a few messages, the last with the final line count', async () => {
    await client.fileStream('admin/burst/b', history(0, [line(0)]));
    const live = await ready();
    live.send({ type: 'watch', id: 1, entity: 'admin', project: 'burst', run: 'b' });
    await sleep(50);
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 100 }, (_, i) => client.fileStream('admin/burst/b', history(i + 1, [line(i + 1)]))));
    const elapsed = Date.now() - t0;
    await live.next((m) => m.type === 'run' && m.historyLineCount === 101, 1000);
    await sleep(250);
    const runs = live.runs();
    assert.ok(runs.length <= Math.ceil(elapsed / 100) + 2, `${runs.length} messages in ${elapsed} ms`);
    assert.equal(runs[runs.length - 1]!.historyLineCount, 101);
  });

  it("refuses a watch of another user's entity with an error for that watch, and keeps the socket", async () => {
    const bob = server.createUser('bob');
    await new WireClient(server.url, bob.key).fileStream('bob/secret/r', history(0, [line(0)]));
    const live = await ready();
    live.send({ type: 'watch', id: 3, entity: 'bob', project: 'secret', run: 'r' });
    const error = await live.next((m) => m.type === 'error');
    assert.equal(error.id, 3);
    assert.match(error.message as string, /not a member of entity bob/);
    await new WireClient(server.url, bob.key).fileStream('bob/secret/r', history(1, [line(1)]));
    live.send({ type: 'watch', id: 4, entity: 'admin', project: 'iso', run: 'mine' });
    await sleep(50);
    await client.fileStream('admin/iso/mine', history(0, [line(0)]));
    await live.next((m) => m.type === 'run' && m.run === 'mine', 1000);
    assert.ok(live.runs().every((m) => m.entity === 'admin'));
    const bobLive = await ready(bob.key);
    bobLive.send({ type: 'watch', id: 1, entity: 'bob', project: 'secret' });
    await sleep(50);
    await new WireClient(server.url, bob.key).fileStream('bob/secret/r', history(2, [line(2)]));
    await bobLive.next((m) => m.type === 'run' && m.entity === 'bob', 1000);
  });

  it('a malformed frame closes only its own socket; bad requests get errors', async () => {
    const victim = await ready();
    const bystander = await ready();
    bystander.send({ type: 'watch', id: 1, entity: 'admin', project: 'calm', run: 'c' });
    victim.send('{not json');
    assert.equal((await victim.next((m) => m.type === 'error')).type, 'error');
    assert.equal((await victim.closed).code, 4400);
    for (const frame of ['[1,2]', '"text"', '{"no":"type"}']) {
      const other = await ready();
      other.send(frame);
      assert.equal((await other.closed).code, 4400, frame);
    }
    const binary = await ready();
    binary.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal((await binary.closed).code, 4400);
    // Valid JSON but a bad request: an error, the socket stays.
    bystander.send({ type: 'watch', id: 'x', entity: 'admin', project: 'calm' });
    bystander.send({ type: 'watch', id: 2, entity: '', project: 'calm' });
    bystander.send({ type: 'dance', id: 9 });
    await bystander.next((m) => m.type === 'error' && m.id === 9);
    assert.equal(bystander.messages.filter((m) => m.type === 'error').length, 3);
    await client.fileStream('admin/calm/c', history(0, [line(0)]));
    await bystander.next((m) => m.type === 'run' && m.run === 'c', 1000);
  });

  it('limits: frames over 64 KiB close the socket (1009), at most 200 watches', async () => {
    const big = await ready();
    big.send({ type: 'watch', id: 1, entity: 'admin', project: 'x'.repeat(70 * 1024) });
    assert.equal((await big.closed).code, 1009);
    const many = await ready();
    for (let id = 1; id <= 201; id += 1) many.send({ type: 'watch', id, entity: 'admin', project: `p${id}` });
    const error = await many.next((m) => m.type === 'error');
    assert.equal(error.id, 201);
    assert.match(error.message as string, /at most 200 watches/);
    many.send({ type: 'watch', id: 5, entity: 'admin', project: 'replaced' });
    many.send({ type: 'watch', id: 202, entity: 'admin', project: 'still-full' });
    assert.equal((await many.next((m) => m.type === 'error' && m.id === 202)).type, 'error', 'replacing a watch keeps the count');
    many.send({ type: 'unwatch', id: 6 });
    many.send({ type: 'watch', id: 203, entity: 'admin', project: 'freed' });
    many.send({ type: 'dance', id: 204 });
    await many.next((m) => m.type === 'error' && m.id === 204);
    assert.ok(!many.messages.some((m) => m.type === 'error' && m.id === 203), 'an unwatch frees its place');
    assert.ok(many.messages.some((m) => m.type === 'watching' && m.id === 203));
  });

  it('names over 1024 characters get an error for that watch; the socket stays and 1024 is watched', async () => {
    const live = await ready();
    const long = 'n'.repeat(1025);
    live.send({ type: 'watch', id: 1, entity: 'admin', project: long });
    live.send({ type: 'watch', id: 2, entity: long, project: 'p' });
    live.send({ type: 'watch', id: 3, entity: 'admin', project: 'p', run: long });
    const errors = await Promise.all([1, 2, 3].map((id) => live.next((m) => m.type === 'error' && m.id === id)));
    for (const error of errors) assert.equal(error.message, 'entity, project and run names are at most 1024 characters');
    const project = 'q'.repeat(1024);
    live.send({ type: 'watch', id: 4, entity: 'admin', project, run: 'r' });
    await sleep(50);
    await client.fileStream(`admin/${project}/r`, history(0, [line(0)]));
    await live.next((m) => m.type === 'run' && m.project === project && m.run === 'r', 1000);
    assert.equal(live.messages.filter((m) => m.type === 'error').length, 3);
  });

  it('at most 20 live sockets per user: the 21st gets an error and 4429 after auth; a closed one frees its slot', async () => {
    const carol = server.createUser('carol');
    const mine = await Promise.all(Array.from({ length: 20 }, () => ready(carol.key)));
    const refuse = async () => {
      const extra = await LiveClient.open(server.url);
      extra.send({ type: 'auth', key: carol.key });
      assert.deepEqual(await extra.next((m) => m.type === 'error'), { type: 'error', message: 'at most 20 live sockets per user' });
      assert.equal((await extra.closed).code, 4429);
    };
    await refuse();
    await ready(server.adminKey);
    mine[0]!.close();
    await mine[0]!.closed;
    // The server sees the close a moment after the client does.
    let replacement: LiveClient | null = null;
    for (let tries = 0; replacement === null && tries < 20; tries += 1) {
      replacement = await LiveClient.ready(server.url, carol.key).catch(() => null);
      if (replacement === null) await sleep(50);
    }
    assert.ok(replacement, 'a slot freed by a closed socket is taken again');
    open.push(replacement);
    await refuse();
    replacement.send({ type: 'watch', id: 1, entity: carol.entity, project: 'p' });
    await sleep(50);
    assert.ok(!replacement.messages.some((m) => m.type === 'error'), 'the new socket works');
  });

  it('the upgrade is the only public request on the live path; other paths do not upgrade', async () => {
    assert.equal((await fetch(`${server.url}/api/v1/live`)).status, 401);
    assert.equal((await client.get('/api/v1/live')).status, 404);
    const stray = new WebSocket(`${server.url.replace(/^http/, 'ws')}/graphql`);
    await assert.rejects(new Promise((resolve, reject) => (stray.once('open', resolve), stray.once('error', reject))), /401/);
  });
});

describe('live socket keepalive', () => {
  // Long enough that a busy test machine's stalls do not cut off a client that does answer.
  const PING_MS = 300;
  let server: TempServer;
  before(async () => {
    server = await startTempServer({ livePingIntervalMs: PING_MS });
  });
  after(async () => {
    await server.close();
  });

  /** A socket that authenticates and watches, then never answers a ping (a peer gone without a close). */
  const deaf = async (url: string, key: string, watches: { entity: string; project: string }[] = []) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/live`, { autoPong: false });
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('error', () => {});
    const pings: number[] = [];
    socket.on('ping', () => pings.push(Date.now()));
    await new Promise<void>((resolve, reject) => (socket.once('open', () => resolve()), socket.once('error', reject)));
    // Resolves once `ready` and then every watch's acknowledgement came.
    let waiting = 1 + watches.length;
    const settled = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        const type = (JSON.parse(data.toString()) as { type: string }).type;
        if ((type === 'ready' || type === 'watching') && (waiting -= 1) === 0) resolve();
      }),
    );
    socket.send(JSON.stringify({ type: 'auth', key }));
    watches.forEach((w, i) => socket.send(JSON.stringify({ type: 'watch', id: i + 1, ...w })));
    await settled;
    return { socket, closed, pings };
  };
  /** The close code, or 'still open' after 20 ping intervals. */
  const closeCode = (gone: { closed: Promise<number> }) => Promise.race([gone.closed, sleep(20 * PING_MS).then(() => 'still open')]);

  it('terminates a socket that stops answering pings, and frees its slot', async () => {
    const dave = server.createUser('dave');
    const others = await Promise.all(Array.from({ length: 19 }, () => LiveClient.ready(server.url, dave.key)));
    let gone: Awaited<ReturnType<typeof deaf>> | undefined;
    try {
      gone = await deaf(server.url, dave.key, [{ entity: dave.entity, project: 'p' }]);
      // All 20 slots are taken while it lingers.
      const extra = await LiveClient.open(server.url);
      extra.send({ type: 'auth', key: dave.key });
      assert.equal((await extra.closed).code, 4429);
      assert.equal(await closeCode(gone), 1006, 'cut off without a close frame');
      assert.ok(gone.pings.length >= 1, `${gone.pings.length} pings before the cut`);
      // Its slot is free again (the server may see the close a moment after the client).
      let replacement: LiveClient | null = null;
      for (let tries = 0; replacement === null && tries < 20; tries += 1) {
        replacement = await LiveClient.ready(server.url, dave.key).catch(() => null);
        if (replacement === null) await sleep(50);
      }
      assert.ok(replacement, 'the slot of a terminated socket is taken again');
      others.push(replacement);
    } finally {
      for (const live of others) live.close();
      gone?.socket.terminate();
    }
  });

  it("a terminated socket's watches leave the change bus", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wandb-live-'));
    const store = SqliteServerStore.open(join(dir, 'server.sqlite'));
    const changes = new RunChanges();
    const app = Fastify();
    let gone: Awaited<ReturnType<typeof deaf>> | undefined;
    try {
      await registerLive(app, { store, changes } as unknown as ServerServices, { ...DEFAULT_LIVE_LIMITS, pingIntervalMs: PING_MS });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { key, entity } = createUserWithKey(store, 'erin');
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      gone = await deaf(url, key, [{ entity, project: 'a' }, { entity, project: 'b' }]);
      assert.equal(changes.topicCount, 2);
      assert.equal(await closeCode(gone), 1006);
      for (let tries = 0; changes.topicCount > 0 && tries < 20; tries += 1) await sleep(50);
      assert.equal(changes.topicCount, 0);
    } finally {
      gone?.socket.terminate();
      await app.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a socket that answers pings stays connected across many intervals and keeps getting changes', async () => {
    const live = await LiveClient.ready(server.url, server.adminKey);
    const pings: number[] = [];
    live.socket.on('ping', () => pings.push(Date.now()));
    try {
      live.send({ type: 'watch', id: 1, entity: 'admin', project: 'alive', run: 'r' });
      await live.next((m) => m.type === 'watching');
      await sleep(8 * PING_MS);
      assert.ok(pings.length >= 4, `${pings.length} pings`);
      assert.equal(live.socket.readyState, WebSocket.OPEN);
      await new WireClient(server.url, server.adminKey).fileStream('admin/alive/r', history(0, [line(0)]));
      await live.next((m) => m.type === 'run' && m.run === 'r', 1000);
    } finally {
      live.close();
    }
  });
});

describe('live socket and the server', () => {
  it('sees runs crashed by the sweep', async () => {
    const server = await startTempServer({ crashAfterSeconds: 1 });
    try {
      await new WireClient(server.url, server.adminKey).fileStream('admin/quiet/q', history(0, [line(0)]));
      const live = await LiveClient.ready(server.url, server.adminKey);
      live.send({ type: 'watch', id: 1, entity: 'admin', project: 'quiet' });
      const crashed = await live.next((m) => m.type === 'run' && m.state === 'crashed', 5000);
      assert.equal(crashed.run, 'q');
      live.close();
    } finally {
      await server.close();
    }
  });

  it('close() closes every socket promptly (1001)', async () => {
    const server = await startTempServer();
    const sockets = await Promise.all([1, 2, 3].map(() => LiveClient.ready(server.url, server.adminKey)));
    const unauthenticated = await LiveClient.open(server.url);
    const t0 = Date.now();
    await server.close();
    const codes = await Promise.all([...sockets, unauthenticated].map((s) => s.closed.then((c) => c.code)));
    assert.deepEqual(codes, [1001, 1001, 1001, 1001]);
    assert.ok(Date.now() - t0 < 1500, `${Date.now() - t0} ms`);
  });
});
