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
 *   ← {"type":"error","id":N,"message"}  that watch was refused; the socket stays
 *
 * The server sends changes only while a watch is registered and the socket is up, so changes made
 * before the watch reached the server, or while the socket was down, are never pushed. After every
 * `ready` (the first and each reconnect) each listener therefore gets `null`, "you may have missed
 * changes": it refetches everything it shows.
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

/** Called with each change of a watched run, or with null: changes may have been missed, refetch. */
export type LiveListener = (change: RunChange | null) => void;

interface Watch {
  id: number;
  target: WatchTarget;
  listener: LiveListener;
}

/** The socket the live client talks through (the browser's WebSocket, or a fake in tests). */
export interface LiveTransport {
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: (() => void) | null;
  send(data: string): void;
}

/** What the live client needs from its environment. */
export interface LiveEnv {
  /** The key to authenticate with, or null (signed out: no socket). */
  key(): string | null;
  /** Opens a socket to the live endpoint. */
  open(): LiveTransport;
  /** Milliseconds before the first reconnect; doubled per failure up to 10 s. */
  retryMs?: number;
}

const MAX_RETRY_MS = 10_000;

const matches = (t: WatchTarget, c: RunChange) => t.entity === c.entity && t.project === c.project && (t.run === undefined || t.run === c.run);

/** The page's one live socket, shared by every watch. */
export class LiveSocket {
  private socket: LiveTransport | null = null;
  private ready = false;
  private readonly watches = new Map<number, Watch>();
  private nextId = 1;
  private readonly baseRetryMs: number;
  private retryMs: number;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set after the server refused the key: no reconnecting until the next watch. */
  private refused = false;

  constructor(private readonly env: LiveEnv) {
    this.baseRetryMs = env.retryMs ?? 250;
    this.retryMs = this.baseRetryMs;
  }

  /** Calls `listener` on every change of the target (and null after each (re)connect) until the returned function is called. */
  watch(target: WatchTarget, listener: LiveListener): () => void {
    const id = this.nextId++;
    this.watches.set(id, { id, target, listener });
    this.refused = false;
    if (this.ready) this.send({ type: 'watch', id, ...target });
    else this.connect();
    return () => {
      // A watch the server refused is gone already: nothing to unwatch.
      if (this.watches.delete(id) && this.ready) this.send({ type: 'unwatch', id });
    };
  }

  private send(message: object): void {
    this.socket?.send(JSON.stringify(message));
  }

  private connect(): void {
    if (this.socket || this.retryTimer || this.refused) return;
    const key = this.env.key();
    if (!key) return;
    const socket = this.env.open();
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', key }));
    socket.onmessage = (event) => {
      if (this.socket === socket) this.onMessage(event.data);
    };
    socket.onclose = () => {
      if (this.socket === socket) this.onClose();
    };
  }

  private onMessage(data: unknown): void {
    let message: { type?: unknown; id?: unknown } & Partial<RunChange>;
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (message.type === 'ready') this.onReady();
    else if (message.type === 'run') {
      const { entity, project, run, state, historyLineCount, eventsLineCount, logLineCount, updatedAt } = message as RunChange;
      const change: RunChange = { entity, project, run, state, historyLineCount, eventsLineCount, logLineCount, updatedAt };
      for (const w of [...this.watches.values()]) if (matches(w.target, change)) w.listener(change);
    } else if (message.type === 'error') {
      // With a watch id the server refused only that watch (no permission, too many): drop it so a
      // reconnect does not ask again; the socket stays. Without one the key was refused and the
      // server closes the socket: no reconnecting with the same key.
      if (typeof message.id === 'number') this.watches.delete(message.id);
      else this.refused = true;
    }
  }

  private onReady(): void {
    this.ready = true;
    this.retryMs = this.baseRetryMs;
    const watches = [...this.watches.values()];
    for (const w of watches) this.send({ type: 'watch', id: w.id, ...w.target });
    // The race this closes: changes between a page's first fetch (or the last message before a
    // disconnect) and the server registering the watch were never sent. Each listener refetches.
    for (const w of watches) if (this.watches.get(w.id) === w) w.listener(null);
  }

  private onClose(): void {
    this.socket = null;
    this.ready = false;
    if (this.refused || this.watches.size === 0) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }
}

function openBrowserSocket(): LiveTransport {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live`;
  return new WebSocket(url) as unknown as LiveTransport;
}

const live = new LiveSocket({ key: storedKey, open: openBrowserSocket });

/** Calls `listener` on every change of the target until the returned function is called (null: refetch everything). */
export const watchLive = (target: WatchTarget, listener: LiveListener): (() => void) => live.watch(target, listener);
