/**
 * The live socket (`/api/v1/live`): the server pushes a `run` message whenever a watched run (or any
 * run of a watched project) changes, so pages refetch what they show within a second of the data
 * reaching the server. The key goes in the first message, never in the URL. The socket reconnects
 * with backoff and re-sends its watches.
 *
 * Protocol (JSON text frames):
 *   → {"type":"auth","key":K}          ← {"type":"ready"} | {"type":"error","message"} then a close:
 *                                         4401 the key was refused (no reconnecting with it);
 *                                         4429 too many live sockets for the user, or any other code:
 *                                         temporary, reconnect with backoff
 *   → {"type":"watch","id":N,"entity","project","run"?}   (no run: every run of the project)
 *   ← {"type":"watching","id":N}       the watch is registered: changes from now on are pushed
 *   → {"type":"unwatch","id":N}
 *   ← {"type":"run","entity","project","run","state","historyLineCount","eventsLineCount","logLineCount","updatedAt"}
 *   ← {"type":"error","id":N,"message"}  that watch was refused; the socket stays
 *   ← {"type":"error","message"}         a bad request (or, before a close, the auth refused); the socket stays
 *
 * The server sends changes only while a watch is registered and the socket is up, so changes made
 * before the watch reached the server, or while the socket was down, are never pushed. When the
 * server acknowledges a watch (`watching`; the first time and after each reconnect) each of its
 * listeners therefore gets `null`, "you may have missed changes": it refetches everything it shows.
 * Until a server has been seen to acknowledge (an older one does not), every listener also gets
 * `null` after each `ready`.
 *
 * Listeners of the same target (entity, project, run) share one server watch (a socket holds a
 * limited number): it is sent with the first listener and unwatched when the last one leaves.
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

/** One registration of a listener (the same function may be registered twice). */
interface Subscriber {
  listener: LiveListener;
}

/** One server-side watch, shared by every listener of its target. */
interface Watch {
  id: number;
  key: string;
  target: WatchTarget;
  subscribers: Set<Subscriber>;
}

/** The socket the live client talks through (the browser's WebSocket, or a fake in tests). */
export interface LiveTransport {
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  /** `code`: the close code (4401 the key was refused). */
  onclose: ((event: { code: number }) => void) | null;
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
  /** Where a refused watch is reported (console.warn in the app). */
  warn?: (message: string) => void;
}

const MAX_RETRY_MS = 10_000;

/** The close code of a refused key: the only close after which the client does not reconnect. */
const CLOSE_KEY_REFUSED = 4401;

const targetKey = (t: WatchTarget) => JSON.stringify([t.entity, t.project, t.run ?? null]);
const matches = (t: WatchTarget, c: RunChange) => t.entity === c.entity && t.project === c.project && (t.run === undefined || t.run === c.run);

/** The page's one live socket, shared by every watch. */
export class LiveSocket {
  private socket: LiveTransport | null = null;
  private ready = false;
  /** Server watches by target key. */
  private readonly watches = new Map<string, Watch>();
  /** The same watches by id. */
  private readonly byId = new Map<number, Watch>();
  private nextId = 1;
  private readonly baseRetryMs: number;
  private retryMs: number;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set after the server refused the key (close 4401): no reconnecting until the next watch. */
  private refused = false;
  /** Set once the server has acknowledged a watch: from then on, resyncs follow acknowledgements only. */
  private serverAcks = false;

  constructor(private readonly env: LiveEnv) {
    this.baseRetryMs = env.retryMs ?? 250;
    this.retryMs = this.baseRetryMs;
  }

  /**
   * Calls `listener` on every change of the target (and null once the server has registered the
   * watch, after each (re)connect) until the returned function is called.
   */
  watch(target: WatchTarget, listener: LiveListener): () => void {
    const key = targetKey(target);
    const subscriber: Subscriber = { listener };
    let watch = this.watches.get(key);
    if (watch) watch.subscribers.add(subscriber);
    else {
      const { entity, project, run } = target;
      watch = { id: this.nextId++, key, target: run === undefined ? { entity, project } : { entity, project, run }, subscribers: new Set([subscriber]) };
      this.watches.set(key, watch);
      this.byId.set(watch.id, watch);
      if (this.ready) this.sendWatch(watch);
    }
    this.refused = false;
    if (!this.ready) this.connect();
    const mine = watch;
    return () => {
      // A watch the server refused is gone already (and a new one for the target is not this one).
      if (!mine.subscribers.delete(subscriber) || mine.subscribers.size > 0 || this.watches.get(key) !== mine) return;
      this.drop(mine);
      if (this.ready) this.send({ type: 'unwatch', id: mine.id });
    };
  }

  private drop(watch: Watch): void {
    this.watches.delete(watch.key);
    this.byId.delete(watch.id);
  }

  private sendWatch(watch: Watch): void {
    this.send({ type: 'watch', id: watch.id, ...watch.target });
  }

  private send(message: object): void {
    this.socket?.send(JSON.stringify(message));
  }

  /** Calls each listener of `watch` that is still registered when its turn comes. */
  private notify(watch: Watch, change: RunChange | null): void {
    for (const s of [...watch.subscribers]) if (this.byId.get(watch.id) === watch && watch.subscribers.has(s)) s.listener(change);
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
    socket.onclose = (event) => {
      if (this.socket === socket) this.onClose(event?.code);
    };
  }

  private onMessage(data: unknown): void {
    let message: { type?: unknown; id?: unknown; message?: unknown } & Partial<RunChange>;
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    if (message.type === 'ready') this.onReady();
    else if (message.type === 'watching') {
      this.serverAcks = true;
      const watch = typeof message.id === 'number' ? this.byId.get(message.id) : undefined;
      // The race this closes: changes between a page's first fetch (or the last message before a
      // disconnect) and the server registering the watch were never sent. Each listener refetches.
      if (watch) this.notify(watch, null);
    } else if (message.type === 'run') {
      const { entity, project, run, state, historyLineCount, eventsLineCount, logLineCount, updatedAt } = message as RunChange;
      const change: RunChange = { entity, project, run, state, historyLineCount, eventsLineCount, logLineCount, updatedAt };
      for (const w of [...this.watches.values()]) if (matches(w.target, change)) this.notify(w, change);
    } else if (message.type === 'error') {
      // With a watch id the server refused only that watch (no permission, too many): drop it for
      // every listener so a reconnect does not ask again; the socket stays. Without one it is a bad
      // request, or the auth was refused: the close code that follows tells which (see onClose).
      const watch = typeof message.id === 'number' ? this.byId.get(message.id) : undefined;
      if (watch) {
        this.drop(watch);
        (this.env.warn ?? console.warn)(`live: watch of ${watch.key} refused: ${String(message.message)}`);
      }
    }
  }

  private onReady(): void {
    this.ready = true;
    this.retryMs = this.baseRetryMs;
    const watches = [...this.watches.values()];
    for (const w of watches) this.sendWatch(w);
    // An older server does not acknowledge watches: resync on ready instead.
    if (!this.serverAcks) for (const w of watches) this.notify(w, null);
  }

  private onClose(code: number | undefined): void {
    this.socket = null;
    this.ready = false;
    // Only 4401 means the key was refused; anything else (4429 too many sockets for the user, a
    // server restart, a network drop) is temporary.
    if (code === CLOSE_KEY_REFUSED) this.refused = true;
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
