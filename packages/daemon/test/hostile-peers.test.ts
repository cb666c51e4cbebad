/**
 * Bad input closes only the connection it came on; the daemon and its other clients carry on.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { decodeBody, encodeFrame, FRAME_MAGIC, FrameReader, makeHello, PROTOCOL_VERSION } from '@wandb-daemon/protocol';
import { TempDaemon } from '../test-utils/temp-daemon.js';

/** Opens a raw socket, optionally says hello, sends `bytes`, and collects decoded replies until close. */
function rawSession(path: string, bytes: Buffer[], hello = true, waitMs = 3_000): Promise<{ messages: any[]; closedByDaemon: boolean }> {
  return new Promise((resolve) => {
    const socket: Socket = connect(path);
    const reader = new FrameReader();
    const messages: any[] = [];
    let closedByDaemon = false;
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('connect', () => {
      if (hello) socket.write(encodeFrame(makeHello(process.pid)));
      for (const chunk of bytes) socket.write(chunk);
    });
    socket.on('data', (chunk) => {
      for (const frame of reader.push(chunk)) messages.push(decodeBody(frame));
    });
    socket.on('end', () => (closedByDaemon = true));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ messages, closedByDaemon });
    });
  });
}

function header(length: number): Buffer {
  const h = Buffer.alloc(5);
  h[0] = FRAME_MAGIC;
  h.writeUInt32LE(length, 1);
  return h;
}

describe('hostile peers', () => {
  const daemon = new TempDaemon();
  let socketPath = '';
  before(async () => {
    socketPath = (await daemon.start()).socketPath;
  });
  after(() => daemon.dispose());

  it('closes a connection that sends garbage, with BAD_FRAME', async () => {
    const { messages, closedByDaemon } = await rawSession(socketPath, [Buffer.from('GET / HTTP/1.1\r\n\r\n')]);
    assert.equal(closedByDaemon, true);
    assert.equal(messages.at(-1).code, 'BAD_FRAME');
  });

  it('closes a connection that announces an oversized frame without reading it', async () => {
    const { messages, closedByDaemon } = await rawSession(socketPath, [header(0xffff_fff0)]);
    assert.equal(closedByDaemon, true);
    assert.equal(messages.at(-1).code, 'BAD_FRAME');
    assert.match(messages.at(-1).message, /exceeds/);
  });

  it('closes a connection whose frame body is not msgpack', async () => {
    // A fixarray announcing two elements that holds one: truncated msgpack.
    const { messages, closedByDaemon } = await rawSession(socketPath, [Buffer.concat([header(2), Buffer.from([0x92, 0x01])])]);
    assert.equal(closedByDaemon, true);
    assert.equal(messages.at(-1).code, 'BAD_FRAME');
  });

  it('refuses messages before the handshake', async () => {
    const { messages, closedByDaemon } = await rawSession(socketPath, [encodeFrame({ t: 'status', id: 1 })], false);
    assert.equal(closedByDaemon, true);
    assert.equal(messages[0].code, 'HANDSHAKE_REQUIRED');
  });

  it('refuses another protocol version naming both versions', async () => {
    const hello = { ...makeHello(process.pid), protocol: PROTOCOL_VERSION + 98, version: '9.9.9' };
    const { messages, closedByDaemon } = await rawSession(socketPath, [encodeFrame(hello)], false);
    assert.equal(closedByDaemon, true);
    assert.equal(messages[0].code, 'VERSION_MISMATCH');
    assert.match(messages[0].message, new RegExp(`protocol ${PROTOCOL_VERSION + 98} \\(package 9\\.9\\.9\\)`));
    assert.match(messages[0].message, new RegExp(`protocol ${PROTOCOL_VERSION} \\(package`));
    assert.match(messages[0].message, /wandb-daemon stop/);
  });

  it('answers invalid messages with a stable code and keeps the connection', async () => {
    const client = await daemon.client();
    client.writeRaw(encodeFrame({ t: 'history', run: 1, seq: -1, step: 0, ts: 0, runtime: 0, data: {} }));
    client.writeRaw(encodeFrame({ t: 'no-such-type' }));
    await assert.rejects(client.request({ t: 'run.start', run: { runId: 'has space' }, resume: 'allow' } as never), { code: 'BAD_MESSAGE' });
    const { run } = await client.startRun({ runId: 'survivor' });
    client.log(run, 0, { ok: 1 });
    client.record(9_999, { t: 'history', step: 0, ts: 0, runtime: 0, data: {} });
    const done = await client.finish(run);
    assert.equal(done.rows, 1);
    assert.deepEqual(client.notices.map((n) => n.code), ['BAD_MESSAGE', 'UNKNOWN_TYPE', 'RUN_NOT_ATTACHED']);
    assert.match(client.notices[0]!.message, /seq/);
    await client.close();
  });

  it('stays up for other clients while peers send garbage, half frames and random bytes', async () => {
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'bystander' });
    const attacks: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i += 1) {
      const kind = i % 4;
      const bytes =
        kind === 0 ? [randomBytes(1 + (i * 37) % 4096)]
        : kind === 1 ? [header(1000), randomBytes(10)] // half a frame, then hang up
        : kind === 2 ? [Buffer.concat([header(64), randomBytes(64)])] // a frame of random msgpack
        : [encodeFrame({ t: 'history', run, seq: 1, step: 0, ts: 0, runtime: 0, data: {} })]; // someone else's run
      attacks.push(rawSession(socketPath, bytes, i % 3 !== 0, 500));
      client.log(run, i, { i });
    }
    await Promise.all(attacks);
    const done = await client.finish(run);
    assert.equal(done.rows, 60);
    const status = await client.status();
    assert.equal(status.pid, daemon.pid);
    await client.close();
  });
});
