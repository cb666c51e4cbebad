/** A live-socket client for tests: every message kept in order, waits for the next matching one or the close. */
import { WebSocket } from 'ws';

/** A message from the server (parsed JSON). */
export type LiveMessage = Record<string, unknown> & { type: string };

/** One WebSocket to /api/v1/live. */
export class LiveClient {
  readonly messages: LiveMessage[] = [];
  /** The close code and reason, once closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as LiveMessage);
      for (const wake of [...this.waiters]) wake();
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('error', () => {});
  }

  /** Opens a socket to `url` (the server's http URL). */
  static async open(url: string): Promise<LiveClient> {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/live`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new LiveClient(socket);
  }

  /** Opens a socket and authenticates with `key`; resolves after `ready`. */
  static async ready(url: string, key: string): Promise<LiveClient> {
    const client = await LiveClient.open(url);
    client.send({ type: 'auth', key });
    await client.next((m) => m.type === 'ready');
    return client;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message from index `from` on that matches, waiting up to `timeoutMs`. */
  next(match: (m: LiveMessage) => boolean, timeoutMs = 2000, from = 0): Promise<LiveMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.slice(from).find(match);
        if (!found) return false;
        done();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      const wake = () => void check();
      this.waiters.add(wake);
      check();
    });
  }

  /** The `run` messages so far. */
  runs(): LiveMessage[] {
    return this.messages.filter((m) => m.type === 'run');
  }

  close(): void {
    this.socket.close();
  }
}
