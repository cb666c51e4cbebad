/** The live socket client against a fake socket: resync after every ready, refused watches and keys. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveSocket, type LiveTransport, type RunChange } from '../src/live.js';

class FakeSocket implements LiveTransport {
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  readonly sent: Record<string, unknown>[] = [];
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  receive(message: object): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  /** Open, authenticate and get `ready`. */
  connect(): void {
    this.onopen?.();
    this.receive({ type: 'ready' });
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const live = new LiveSocket({
    key: () => 'k',
    open: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    retryMs: 1,
  });
  return { live, sockets };
}

const change = (run: string, historyLineCount = 1): RunChange => ({ entity: 'e', project: 'p', run, state: 'running', historyLineCount, eventsLineCount: 0, logLineCount: 0, updatedAt: '2024-01-01T00:00:00Z' });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LiveSocket', () => {
  it('sends the watches and tells every listener to refetch (null) after the first ready', () => {
    const { live, sockets } = setup();
    const seen: (RunChange | null)[] = [];
    live.watch({ entity: 'e', project: 'p', run: 'a' }, (c) => seen.push(c));
    assert.equal(sockets.length, 1);
    sockets[0]!.connect();
    assert.deepEqual(sockets[0]!.sent.map((m) => m.type), ['auth', 'watch']);
    assert.deepEqual(seen, [null]);
    sockets[0]!.receive({ type: 'run', ...change('a') });
    sockets[0]!.receive({ type: 'run', ...change('b') });
    assert.deepEqual(seen, [null, change('a')]);
  });

  it('after a reconnect re-sends the watches and resyncs every listener once', async () => {
    const { live, sockets } = setup();
    const a: (RunChange | null)[] = [];
    const b: (RunChange | null)[] = [];
    live.watch({ entity: 'e', project: 'p', run: 'a' }, (c) => a.push(c));
    sockets[0]!.connect();
    live.watch({ entity: 'e', project: 'p' }, (c) => b.push(c));
    assert.deepEqual(b, [], 'a watch added while ready is sent at once');
    sockets[0]!.onclose?.();
    await wait(20);
    assert.equal(sockets.length, 2, 'reconnected');
    sockets[1]!.connect();
    assert.deepEqual(sockets[1]!.sent.map((m) => [m.type, m.id]), [['auth', undefined], ['watch', 1], ['watch', 2]]);
    assert.deepEqual(a, [null, null]);
    assert.deepEqual(b, [null]);
  });

  it('an error with a watch id refuses only that watch: the socket stays, a reconnect does not ask again', async () => {
    const { live, sockets } = setup();
    const ok: (RunChange | null)[] = [];
    live.watch({ entity: 'e', project: 'p', run: 'a' }, (c) => ok.push(c));
    const denied: (RunChange | null)[] = [];
    const unwatchDenied = live.watch({ entity: 'e', project: 'p', run: 'a' }, (c) => denied.push(c));
    const socket = sockets[0]!;
    socket.connect();
    socket.receive({ type: 'error', id: 2, message: 'at most 1 watches per socket' });
    socket.receive({ type: 'run', ...change('a') });
    assert.deepEqual(ok, [null, change('a')], 'the socket still delivers');
    assert.deepEqual(denied, [null], 'nothing after the refusal');
    unwatchDenied();
    assert.equal(socket.sent.filter((m) => m.type === 'unwatch').length, 0, 'nothing to unwatch');
    socket.onclose?.();
    await wait(20);
    sockets[1]!.connect();
    assert.deepEqual(sockets[1]!.sent.filter((m) => m.type === 'watch').map((m) => m.id), [1]);
    assert.deepEqual(denied, [null], 'no resync for a refused watch');
  });

  it('an error without an id means the key was refused: no reconnecting until the next watch', async () => {
    const { live, sockets } = setup();
    live.watch({ entity: 'e', project: 'p' }, () => undefined);
    sockets[0]!.onopen?.();
    sockets[0]!.receive({ type: 'error', message: 'invalid API key' });
    sockets[0]!.onclose?.();
    await wait(20);
    assert.equal(sockets.length, 1);
    live.watch({ entity: 'e', project: 'p', run: 'x' }, () => undefined);
    assert.equal(sockets.length, 2);
  });
});
