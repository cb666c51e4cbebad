/**
 * One live socket: waits for the auth message, then keeps the page's watches and sends a `run`
 * message when a watched run changes, at most one per run per `coalesceMs` (the latest state always
 * goes out). Watches are checked against the key's entities like every read. Keys are never logged.
 * A ping goes out every `pingIntervalMs`; a peer whose pong has not come back by the next ping is
 * cut off (a sleeping laptop or a changed network leaves a half-open socket that would otherwise
 * hold its user's slot forever), and its slot and watches go back as for any close.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { memberEntity } from '../graphql/context.js';
import type { RunRecord, ServerStore, Viewer } from '../store/server-store.js';
import { Coalescer } from './coalescer.js';
import { LIVE_CLOSE, parseClientMessage, runMessage, type ServerMessage, type WatchTarget } from './live-protocol.js';
import { projectTopic, type RunChanges } from './run-changes.js';
import type { UserSlots } from './user-slots.js';

/** Limits of a live socket. */
export interface LiveLimits {
  /** Milliseconds the first message (auth) may take. */
  authTimeoutMs: number;
  /** At most one `run` message per run per this many milliseconds. */
  coalesceMs: number;
  /** Watches one socket may hold. */
  maxWatches: number;
  /** Live sockets one user may have open at once (counted from auth until closed). */
  maxSocketsPerUser: number;
  /** Milliseconds between pings; a socket whose pong has not come by the next ping is terminated. */
  pingIntervalMs: number;
}

/**
 * Default limits: auth within 10 s, a run at most every 100 ms, 200 watches a socket (the dashboard
 * uses about 3 per run shown), 20 sockets a user (a few tabs each) and a ping every 30 s (a dead
 * peer is gone within a minute; browsers answer pings themselves).
 */
export const DEFAULT_LIVE_LIMITS: LiveLimits = { authTimeoutMs: 10_000, coalesceMs: 100, maxWatches: 200, maxSocketsPerUser: 20, pingIntervalMs: 30_000 };

/** Bytes a socket may have waiting to be sent before its peer counts as gone (it stopped reading). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** A watched project: its bus subscription, whole-project watches and watched runs. */
interface ProjectWatch {
  unsubscribe: () => void;
  whole: number;
  runs: Map<string, number>;
}

const projectKey = (t: WatchTarget) => projectTopic(t.entity, t.project);

/** The server side of one live socket. */
export class LiveSession {
  private viewer: Viewer | null = null;
  private readonly watches = new Map<number, WatchTarget>();
  private readonly projects = new Map<string, ProjectWatch>();
  private readonly coalescer: Coalescer<number, RunRecord>;
  private readonly authTimer: ReturnType<typeof setTimeout>;
  private readonly pingTimer: ReturnType<typeof setInterval>;
  /** Whether the peer answered the last ping (or none went out yet). */
  private ponged = true;
  private closing = false;
  /** The user whose slot this socket holds, until it closes. */
  private slotOwner: number | null = null;

  constructor(
    private readonly socket: WebSocket,
    private readonly store: ServerStore,
    private readonly changes: RunChanges,
    private readonly limits: LiveLimits,
    private readonly slots: UserSlots,
    private readonly log: FastifyBaseLogger,
  ) {
    this.coalescer = new Coalescer(limits.coalesceMs, (run) => this.send(runMessage(run)));
    this.authTimer = setTimeout(() => this.close(LIVE_CLOSE.authTimeout, 'no auth message in time'), limits.authTimeoutMs);
    this.pingTimer = setInterval(() => this.ping(), limits.pingIntervalMs);
    this.pingTimer.unref();
    socket.on('pong', () => (this.ponged = true));
    socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    socket.on('close', () => this.dispose());
  }

  /** Terminates the socket when the last ping went unanswered, else sends another. */
  private ping(): void {
    if (!this.ponged) {
      this.log.debug('live socket: no pong since the last ping, terminating');
      // Emits 'close' (1006), which disposes of the session.
      this.socket.terminate();
      return;
    }
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.ponged = false;
    this.socket.ping();
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.closing) return;
    try {
      const message = isBinary ? null : parseClientMessage(data.toString());
      if (message === null) return this.refuse(LIVE_CLOSE.protocolError, 'malformed message: expected a JSON object with a "type" string');
      if (this.viewer === null) {
        if (message.type !== 'auth') return this.refuse(LIVE_CLOSE.unauthorized, 'the first message must be {"type":"auth","key":...}');
        const viewer = this.store.authenticate(message.key);
        if (viewer === null) return this.refuse(LIVE_CLOSE.unauthorized, 'invalid API key');
        clearTimeout(this.authTimer);
        if (!this.slots.acquire(viewer.userId)) return this.refuse(LIVE_CLOSE.tooManySockets, `at most ${this.slots.perUser} live sockets per user`);
        this.slotOwner = viewer.userId;
        this.viewer = viewer;
        return this.send({ type: 'ready' });
      }
      switch (message.type) {
        case 'auth':
          return this.send({ type: 'error', message: 'already authenticated' });
        case 'watch':
          return this.watch(message.id, message.target);
        case 'unwatch':
          return this.unwatch(message.id);
        case 'invalid':
          return this.send({ type: 'error', ...(message.id === undefined ? {} : { id: message.id }), message: message.message });
      }
    } catch (error) {
      this.log.error({ err: error }, 'live socket: handling a message failed');
      this.close(1011, 'internal error');
    }
  }

  private watch(id: number, target: WatchTarget): void {
    if (!memberEntity(this.viewer!, target.entity)) return this.send({ type: 'error', id, message: `permission denied: not a member of entity ${target.entity}` });
    this.unwatch(id);
    if (this.watches.size >= this.limits.maxWatches) return this.send({ type: 'error', id, message: `at most ${this.limits.maxWatches} watches per socket` });
    this.watches.set(id, target);
    const key = projectKey(target);
    let project = this.projects.get(key);
    if (!project) {
      const unsubscribe = this.changes.subscribe(target.entity, target.project, (run) => this.onChange(key, run));
      this.projects.set(key, (project = { unsubscribe, whole: 0, runs: new Map() }));
    }
    if (target.run === undefined) project.whole += 1;
    else project.runs.set(target.run, (project.runs.get(target.run) ?? 0) + 1);
    // Only now: a page refetches on this, and every change from here on is pushed.
    this.send({ type: 'watching', id });
  }

  private unwatch(id: number): void {
    const target = this.watches.get(id);
    if (!target) return;
    this.watches.delete(id);
    const key = projectKey(target);
    const project = this.projects.get(key)!;
    if (target.run === undefined) project.whole -= 1;
    else {
      const left = project.runs.get(target.run)! - 1;
      if (left > 0) project.runs.set(target.run, left);
      else project.runs.delete(target.run);
    }
    if (project.whole === 0 && project.runs.size === 0) {
      project.unsubscribe();
      this.projects.delete(key);
    }
  }

  private onChange(key: string, run: RunRecord): void {
    const project = this.projects.get(key);
    if (project && (project.whole > 0 || project.runs.has(run.name))) this.coalescer.push(run.id, run);
  }

  private send(message: ServerMessage): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.terminate();
      return;
    }
    this.socket.send(JSON.stringify(message));
  }

  /** Sends an error, then closes with `code`. */
  private refuse(code: number, message: string): void {
    this.send({ type: 'error', message });
    this.close(code, message);
  }

  private close(code: number, reason: string): void {
    this.closing = true;
    // A close reason is at most 123 bytes.
    this.socket.close(code, reason.slice(0, 120));
  }

  private dispose(): void {
    this.closing = true;
    clearTimeout(this.authTimer);
    clearInterval(this.pingTimer);
    // 'close' comes once per socket, and no frame is handled after it: the slot goes back exactly once.
    if (this.slotOwner !== null) this.slots.release(this.slotOwner);
    this.slotOwner = null;
    this.coalescer.clear();
    for (const project of this.projects.values()) project.unsubscribe();
    this.projects.clear();
    this.watches.clear();
  }
}
