/**
 * The live socket (`/api/v1/live`): the server pushes a `run` message whenever a watched run (or any
 * run of a watched project) changes, so pages refetch what they show within a second of the data
 * reaching the server. The key goes in the first message, never in the URL. The socket reconnects
 * with backoff and re-sends its watches.
 *
 * Protocol (JSON text frames):
 *   → {"type":"auth","key":K}          ← {"type":"ready"} | {"type":"error","message"} then close 4401
 *   → {"type":"watch","id":N,"entity","project","run"?}   (no run: every run of the project)
 *   → {"type":"unwatch","id":N}
 *   ← {"type":"run","entity","project","run","state","historyLineCount","eventsLineCount","logLineCount","updatedAt"}
 */
import type { RunState } from './api.js';
import { storedKey } from './session.js';

/** What the server says about a run that changed. */
export interface RunChange {
  entity: string;
  project: string;
  run: string;
  state: RunState;
  historyLineCount: number;
  eventsLineCount: number;
  logLineCount: number;
  updatedAt: string;
}

export interface WatchTarget {
  entity: string;
  project: string;
  /** Absent: every run of the project. */
  run?: string;
}

type Listener = (change: RunChange) => void;

interface Watch {
  id: number;
  target: WatchTarget;
  listener: Listener;
}

const matches = (t: WatchTarget, c: RunChange) => t.entity === c.entity && t.project === c.project && (t.run === undefined || t.run === c.run);

class LiveSocket {
  private socket: WebSocket | null = null;
  private ready = false;
  private readonly watches = new Map<number, Watch>();
  private nextId = 1;
  private retryMs = 250;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set after the server refused the key: no reconnecting until the next watch. */
  private refused = false;

  watch(target: WatchTarget, listener: Listener): () => void {
    const id = this.nextId++;
    this.watches.set(id, { id, target, listener });
    this.refused = false;
    if (this.ready) this.send({ type: 'watch', id, ...target });
    else this.connect();
    return () => {
      this.watches.delete(id);
      if (this.ready) this.send({ type: 'unwatch', id });
    };
  }

  private send(message: object): void {
    this.socket?.send(JSON.stringify(message));
  }

  private connect(): void {
    if (this.socket || this.retryTimer || this.refused) return;
    const key = storedKey();
    if (!key) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', key }));
    socket.onmessage = (event) => {
      let message: { type?: string } & Partial<RunChange>;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      if (message.type === 'ready') {
        this.ready = true;
        this.retryMs = 250;
        for (const w of this.watches.values()) this.send({ type: 'watch', id: w.id, ...w.target });
      } else if (message.type === 'run') {
        const change = message as RunChange;
        for (const w of [...this.watches.values()]) if (matches(w.target, change)) w.listener(change);
      } else if (message.type === 'error' && !('id' in message)) {
        // An error without a watch id is about the socket (key refused): the server closes it.
        // One with an id refuses only that watch.
        this.refused = true;
      }
    };
    socket.onclose = () => {
      this.socket = null;
      this.ready = false;
      if (this.refused || this.watches.size === 0) return;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.connect();
      }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    };
  }
}

const live = new LiveSocket();

/** Calls `listener` on every change of the target until the returned function is called. */
export const watchLive = (target: WatchTarget, listener: Listener): (() => void) => live.watch(target, listener);
