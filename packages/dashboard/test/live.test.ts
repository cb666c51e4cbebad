/** The live socket client against a fake socket: resyncs, shared watches, refused watches and keys, close codes. */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { LiveSocket, type LiveTransport, type RunChange } from '../src/live.js';

class FakeSocket implements LiveTransport {
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
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
  /** Closed by the server or the network (1006: dropped). */
  close(code = 1006): void {
    this.onclose?.({ code });
  }
  /** The watch messages sent so far, as [id, run]. */
  watches(): [unknown, unknown][] {
    return this.sent.filter((m) => m.type === 'watch').map((m) => [m.id, m.run]);
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const warnings: string[] = [];
  const live = new LiveSocket({
    key: () => 'k',
    open: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    retryMs: 1,
    warn: (message) => warnings.push(message),
  });
  return { live, sockets, warnings };
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
    sockets[0]!.close();
    await wait(20);
    assert.equal(sockets.length, 2, 'reconnected');
    sockets[1]!.connect();
    assert.deepEqual(sockets[1]!.sent.map((m) => [m.type, m.id]), [['auth', undefined], ['watch', 1], ['watch', 2]]);
    assert.deepEqual(a, [null, null]);
    assert.deepEqual(b, [null]);
  });

  it('an error with a watch id refuses only that watch: the socket stays, a reconnect does not ask again', async () => {
    const { live, sockets, warnings } = setup();
    const ok: (RunChange | null)[] = [];
    live.watch({ entity: 'e', project: 'p', run: 'a' }, (c) => ok.push(c));
    const denied: (RunChange | null)[] = [];
    const unwatchDenied = live.watch({ entity: 'e', project: 'p', run: 'b' }, (c) => denied.push(c));
    const socket = sockets[0]!;
    socket.connect();
    socket.receive({ type: 'error', id: 2, message: 'at most 1 watches per socket' });
    socket.receive({ type: 'run', ...change('a') });
    socket.receive({ type: 'run', ...change('b') });
    assert.deepEqual(ok, [null, change('a')], 'the socket still delivers');
    assert.deepEqual(denied, [null], 'nothing after the refusal');
    assert.equal(warnings.length, 1);
    unwatchDenied();
    assert.equal(socket.sent.filter((m) => m.type === 'unwatch').length, 0, 'nothing to unwatch');
    socket.close();
    await wait(20);
    sockets[1]!.connect();
    assert.deepEqual(sockets[1]!.watches(), [[1, 'a']]);
    assert.deepEqual(denied, [null], 'no resync for a refused watch');
  });

  it('close 4401 means the key was refused: no reconnecting until the next watch', async () => {
    const { live, sockets } = setup();
    live.watch({ entity: 'e', project: 'p' }, () => undefined);
    sockets[0]!.onopen?.();
    sockets[0]!.receive({ type: 'error', message: 'invalid API key' });
    sockets[0]!.close(4401);
    await wait(20);
    assert.equal(sockets.length, 1);
    live.watch({ entity: 'e', project: 'p', run: 'x' }, () => undefined);
    assert.equal(sockets.length, 2);
  });

  it('close 4429 (too many sockets for the user) is temporary: it reconnects with backoff up to 10 s', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const sockets: FakeSocket[] = [];
      const live = new LiveSocket({ key: () => 'k', open: () => (sockets.push(new FakeSocket()), sockets.at(-1)!), retryMs: 1000 });
      const seen: (RunChange | null)[] = [];
      live.watch({ entity: 'e', project: 'p', run: 'a' }, (c) => seen.push(c));
      const refuse = () => {
        const socket = sockets.at(-1)!;
        socket.onopen?.();
        socket.receive({ type: 'error', message: 'at most 20 live sockets per user' });
        socket.close(4429);
      };
      const delays: number[] = [];
      for (let attempt = 0; attempt < 6; attempt++) {
        const count = sockets.length;
        refuse();
        let waited = 0;
        while (sockets.length === count && waited < 60_000) {
          mock.timers.tick(250);
          waited += 250;
        }
        assert.equal(sockets.length, count + 1, `reconnected after refusal ${attempt + 1}`);
        delays.push(waited);
      }
      assert.deepEqual(delays, [1000, 2000, 4000, 8000, 10_000, 10_000]);
      sockets.at(-1)!.connect();
      assert.deepEqual(sockets.at(-1)!.watches(), [[1, 'a']]);
      assert.deepEqual(seen, [null]);
    } finally {
      mock.timers.reset();
    }
  });

  it('resyncs a watch when the server acknowledges it, also one added while the socket is ready', async () => {
    const { live, sockets } = setup();
    const a: (RunChange | null)[] = [];
    live.watch({ entity: 'e', project: 'p', run: 'a' }, (c) => a.push(c));
    const socket = sockets[0]!;
    socket.connect();
    socket.receive({ type: 'watching', id: 1 });
    const b: (RunChange | null)[] = [];
    live.watch({ entity: 'e', project: 'p', run: 'b' }, (c) => b.push(c));
    assert.deepEqual(socket.watches(), [[1, 'a'], [2, 'b']]);
    assert.deepEqual(b, [], 'not before the watch is registered');
    socket.receive({ type: 'watching', id: 2 });
    assert.deepEqual(b, [null], 'the acknowledgement of a watch added while ready resyncs it');
    // A server that acknowledges: after a reconnect, the acknowledgement (not `ready`) resyncs.
    const before = a.length;
    socket.close();
    await wait(20);
    sockets[1]!.connect();
    assert.equal(a.length, before, 'no resync before the watch is registered again');
    sockets[1]!.receive({ type: 'watching', id: 1 });
    assert.deepEqual(a.slice(before), [null]);
    assert.deepEqual(b, [null]);
    sockets[1]!.receive({ type: 'watching', id: 2 });
    assert.deepEqual(b, [null, null]);
  });

  it('listeners of the same target share one server watch, unwatched when the last one leaves', () => {
    const { live, sockets } = setup();
    const seen: [string, RunChange | null][] = [];
    const details = live.watch({ entity: 'e', project: 'p', run: 'a' }, (c) => seen.push(['details', c]));
    const system = live.watch({ entity: 'e', project: 'p', run: 'a' }, (c) => seen.push(['system', c]));
    const socket = sockets[0]!;
    socket.connect();
    socket.receive({ type: 'watching', id: 1 });
    const console_ = live.watch({ entity: 'e', project: 'p', run: 'a' }, (c) => seen.push(['console', c]));
    const project = live.watch({ entity: 'e', project: 'p' }, () => undefined);
    assert.deepEqual(socket.watches(), [[1, 'a'], [2, undefined]], 'one watch for the run, one for the project');
    seen.length = 0;
    socket.receive({ type: 'run', ...change('a') });
    assert.deepEqual(seen, [['details', change('a')], ['system', change('a')], ['console', change('a')]]);
    details();
    system();
    assert.deepEqual(socket.sent.filter((m) => m.type === 'unwatch'), [], 'a listener is left');
    console_();
    assert.deepEqual(socket.sent.filter((m) => m.type === 'unwatch'), [{ type: 'unwatch', id: 1 }]);
    console_();
    assert.equal(socket.sent.filter((m) => m.type === 'unwatch').length, 1, 'leaving twice unwatches once');
    live.watch({ entity: 'e', project: 'p', run: 'a' }, () => undefined);
    assert.deepEqual(socket.watches().at(-1), [3, 'a'], 'a new listener after the last left watches again');
    project();
  });

  it('an error for a shared watch is reported once and drops it for every listener', () => {
    const { live, sockets, warnings } = setup();
    const seen: (RunChange | null)[] = [];
    const one = live.watch({ entity: 'e', project: 'p', run: 'a' }, (c) => seen.push(c));
    const two = live.watch({ entity: 'e', project: 'p', run: 'a' }, (c) => seen.push(c));
    const socket = sockets[0]!;
    socket.connect();
    seen.length = 0;
    socket.receive({ type: 'error', id: 1, message: 'permission denied' });
    socket.receive({ type: 'error', id: 1, message: 'permission denied' });
    socket.receive({ type: 'run', ...change('a') });
    assert.deepEqual(seen, []);
    assert.equal(warnings.length, 1);
    one();
    two();
    assert.equal(socket.sent.filter((m) => m.type === 'unwatch').length, 0, 'nothing to unwatch');
    live.watch({ entity: 'e', project: 'p', run: 'a' }, () => undefined);
    assert.deepEqual(socket.watches(), [[1, 'a'], [2, 'a']], 'a later listener asks again');
  });
});
