/**
 * The process's one connection to the daemon, shared by all its runs.
 *
 * Records arrive already encoded and go into a FIFO; a flush (at most once per event-loop turn, or at
 * once when a batch is full) writes them as batch frames straight to the socket's file descriptor.
 * Writing ourselves rather than through `socket.write` means we always know which bytes the kernel
 * has, so the same queue can be drained synchronously when the process is exiting and the event loop
 * will not run again. Every record stays in its run's replay buffer until the daemon acknowledges it;
 * when the daemon goes away, the link reconnects (starting a daemon if needed), reattaches each run and
 * resends what was not acknowledged. The daemon drops records whose seq it already stored.
 */
import type { Socket } from 'node:net';
import {
  checkDaemonMessage,
  decodeBody,
  encodeBatchFrame,
  encodeBody,
  encodeFrame,
  FrameReader,
  MAX_BATCH_PAYLOAD_BYTES,
  MAX_BATCH_RECORDS,
  ProtocolError,
  type DaemonMessage,
  type FinishReply,
  type Remote,
  type RunInfo,
  type RunStartReply,
  type ResumePolicy,
} from '@wandb-daemon/protocol/lite';
import { ensureDaemon, type DaemonConnection } from '@wandb-daemon/daemon/ensure';
import { readSome, sleepSync, socketFd, socketFdOrNull, writeSome } from './sync-io.js';

/** A handshaken connection and the home of the daemon behind it. */
export interface ReachedDaemon {
  connection: DaemonConnection;
  home: string;
}

export interface LinkOptions {
  /** How long starting or reaching a daemon may take. */
  timeoutMs: number;
  /** Bytes of unacknowledged records past which `send` blocks until the daemon catches up. */
  maxBufferedBytes: number;
  /** Program name for the daemon's log. */
  program?: string;
  /** How to reach a daemon (default: `ensureDaemon`, in the home `WANDB_DAEMON_HOME` names); the in-process fallback replaces it. */
  connect?: () => Promise<ReachedDaemon>;
}

/** A run as the link tracks it: its daemon handle and what the daemon has not acknowledged yet. */
export class LinkRun {
  /** Encoded records not yet acknowledged, in seq order, from `head`. */
  readonly seqs: number[] = [];
  readonly records: Buffer[] = [];
  head = 0;
  acked = 0;
  finished = false;

  constructor(
    readonly info: RunInfo,
    public key: number,
    /** Where the run syncs, sent again on every reattach: a daemon that lost the run must learn it anew. */
    readonly remote: Remote | null,
  ) {}
}

type RequestBody =
  | { t: 'run.start'; run: RunInfo; resume: ResumePolicy; remote: Remote | null }
  | { t: 'finish'; run: number; seq: number; exitCode: number };

interface PendingRequest {
  body: RequestBody;
  /** Set when the reply arrives, so that synchronous waits can read the outcome. */
  outcome?: 'ok' | 'error';
  /** The run a finish belongs to, so that a resend after a reconnect uses its current handle. */
  run?: LinkRun;
  /** Reattach requests are sent on the new connection only. */
  reattach?: boolean;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

/** An encoded record (batched with its neighbours) or a whole frame (requests). */
type OutItem = Buffer | { frame: Buffer };

interface Connection {
  socket: Socket;
  fd: number;
  reader: FrameReader;
  daemonPid: number;
  home: string;
}

/** The daemon stopped answering and the link is giving up on a blocking wait. */
export class LinkTimeoutError extends Error {
  override name = 'LinkTimeoutError';
}

const BATCH_TARGET_BYTES = 1024 * 1024;
const RECONNECT_BACKOFF_MS = [50, 100, 250, 500, 1_000, 2_000, 5_000];

export class DaemonLink {
  private conn: Connection | null = null;
  private reconnecting: Promise<void> | null = null;
  private readonly out: OutItem[] = [];
  private outHead = 0;
  /** Tail of a frame the kernel did not take in full; written before anything else. */
  private partial: Buffer | null = null;
  private flushScheduled = false;
  /** The kernel buffer was full at the last write: wait for the daemon to read before trying again. */
  private writeBlocked = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private bufferedBytes = 0;
  private nextRequestId = 1;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly runs = new Map<number, LinkRun>();
  private readonly scratch = Buffer.allocUnsafe(64 * 1024);
  /** Called with daemon notices about refused records and with reconnect events, for the user's console. */
  onWarning: (message: string) => void = () => {};

  private constructor(private readonly options: LinkOptions) {}

  /** Connects (starting a daemon if none runs) and handshakes. */
  static async open(options: LinkOptions): Promise<DaemonLink> {
    const link = new DaemonLink(options);
    link.adopt(await link.reach());
    return link;
  }

  get daemonPid(): number | null {
    return this.conn?.daemonPid ?? null;
  }

  /** The daemon's home: where the data is. */
  get daemonHome(): string | null {
    return this.conn?.home ?? null;
  }

  /** Starts (or resumes) a run and returns its handle and the daemon's reply. `remote` null: the run stays local. */
  async startRun(info: RunInfo, resume: ResumePolicy, remote: Remote | null): Promise<{ run: LinkRun; reply: RunStartReply }> {
    const reply = (await this.request({ t: 'run.start', run: info, resume, remote })) as RunStartReply;
    const run = new LinkRun(info, reply.run, remote);
    run.acked = reply.lastSeq;
    this.runs.set(reply.run, run);
    return { run, reply };
  }

  /**
   * Queues one encoded record. Never waits, except past `maxBufferedBytes`: then it blocks until the
   * daemon has acknowledged enough to be under half the limit (throws when the daemon is unreachable).
   */
  send(run: LinkRun, seq: number, bytes: Buffer): void {
    run.seqs.push(seq);
    run.records.push(bytes);
    this.bufferedBytes += bytes.length;
    if (this.conn && !this.reconnecting) {
      this.out.push(bytes);
      if (this.out.length - this.outHead >= MAX_BATCH_RECORDS) this.flush();
      else this.scheduleFlush();
    } else {
      // Queued in the replay buffer; the reconnect resends it after reattaching the run.
      void this.reconnect();
    }
    if (this.bufferedBytes > this.options.maxBufferedBytes) this.applyBackpressure();
  }

  /** Sends the finish request after the run's records; resolves once the daemon has it on disk. */
  finish(run: LinkRun, seq: number, exitCode: number): Promise<FinishReply> {
    return this.request({ t: 'finish', run: run.key, seq, exitCode }, run) as Promise<FinishReply>;
  }

  /**
   * Finishes runs without the event loop (the process is exiting): writes every queued byte and the
   * finish requests, then reads until the daemon has replied to each (and to finishes already in
   * flight) or `deadline` passes. Returns the runs whose finish was confirmed.
   */
  finishSync(items: { run: LinkRun; seq: number; exitCode: number }[], deadline: number): Set<LinkRun> {
    // Promise callbacks cannot run inside a synchronous wait: watch the requests' outcomes instead.
    const requests = items.map(({ run, seq, exitCode }) => {
      const request = this.enqueue({ t: 'finish', run: run.key, seq, exitCode }, run);
      request.promise.catch(() => {});
      return request.pending;
    });
    const finishesInFlight = () => [...this.pending.values()].some((p) => p.body.t === 'finish');
    this.waitSync(() => !finishesInFlight(), deadline);
    return new Set(requests.flatMap((p) => (p.outcome === 'ok' && p.run ? [p.run] : [])));
  }

  /** What the daemon never acknowledged for `run`, as `[seq, record]`, for the exit courier. */
  undelivered(run: LinkRun): [number, Buffer][] {
    const out: [number, Buffer][] = [];
    for (let i = run.head; i < run.seqs.length; i += 1) out.push([run.seqs[i]!, run.records[i]!]);
    return out;
  }

  /** The finish request in flight for `run`, if any. */
  pendingFinish(run: LinkRun): { seq: number; exitCode: number } | undefined {
    for (const p of this.pending.values()) if (p.body.t === 'finish' && p.run === run) return { seq: p.body.seq, exitCode: p.body.exitCode };
    return undefined;
  }

  // ---- requests and replies

  private request(body: RequestBody, run?: LinkRun): Promise<unknown> {
    return this.enqueue(body, run).promise;
  }

  /** Registers a request awaiting its reply; the caller queues its frame. */
  private register(body: RequestBody, extra: Pick<PendingRequest, 'run' | 'reattach'>): { id: number; promise: Promise<unknown>; pending: PendingRequest } {
    let pending!: PendingRequest;
    const promise = new Promise<unknown>((resolve, reject) => {
      pending = { body, resolve, reject, ...extra };
    });
    const id = this.nextRequestId++;
    this.pending.set(id, pending);
    this.updateRef();
    return { id, promise, pending };
  }

  /** Registers a request and queues its frame (or leaves it to the reconnect, which resends it). */
  private enqueue(body: RequestBody, run?: LinkRun): { promise: Promise<unknown>; pending: PendingRequest } {
    const { id, promise, pending } = this.register(body, run ? { run } : {});
    if (this.conn && !this.reconnecting) {
      this.out.push({ frame: this.requestFrame(id) });
      this.flush();
    } else {
      void this.reconnect();
    }
    return { promise, pending };
  }

  private requestFrame(id: number): Buffer {
    const p = this.pending.get(id)!;
    const body = p.body.t === 'finish' && p.run ? { ...p.body, run: p.run.key } : p.body;
    return encodeFrame({ ...body, id });
  }

  private onMessage(message: DaemonMessage): void {
    switch (message.t) {
      case 'ack':
        for (const { run, seq } of message.acks) {
          const linkRun = this.runs.get(run);
          if (linkRun) this.release(linkRun, seq);
        }
        return;
      case 'reply': {
        const p = this.pending.get(message.id);
        if (!p) return;
        this.pending.delete(message.id);
        this.updateRef();
        p.outcome = message.ok ? 'ok' : 'error';
        if (message.ok && p.body.t === 'finish' && p.run) this.forget(p.run);
        if (message.ok) p.resolve(message.result);
        else p.reject(new ProtocolError(message.error.code, message.error.message));
        return;
      }
      case 'error':
        this.onWarning(`the daemon refused ${message.seq !== undefined ? `record ${message.seq}` : 'a message'}: ${message.message}`);
        return;
      case 'welcome':
        return;
    }
  }

  /** Drops acknowledged records from a run's replay buffer. */
  private release(run: LinkRun, seq: number): void {
    if (seq <= run.acked) return;
    run.acked = seq;
    let i = run.head;
    while (i < run.seqs.length && run.seqs[i]! <= seq) {
      this.bufferedBytes -= run.records[i]!.length;
      run.records[i] = EMPTY;
      i += 1;
    }
    run.head = i;
    if (run.head > 4096 && run.head * 2 > run.seqs.length) {
      run.seqs.splice(0, run.head);
      run.records.splice(0, run.head);
      run.head = 0;
    }
  }

  private forget(run: LinkRun): void {
    run.finished = true;
    this.release(run, Number.MAX_SAFE_INTEGER);
    this.runs.delete(run.key);
  }

  // ---- writing

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    }).unref();
  }

  /**
   * Writes queued frames until the queue is empty or the kernel buffer is full. While it is full, only
   * an incoming message (the daemon committed, so it has read) or a timer tries again: retrying on
   * every turn would burn the CPU on failed writes.
   */
  private flush(force = false): void {
    const conn = this.conn;
    if (!conn || (this.writeBlocked && !force)) return;
    this.writeBlocked = false;
    // libuv closes the descriptor before 'close' is emitted; never write to a number that may be reused.
    if (conn.socket.destroyed || socketFdOrNull(conn.socket) !== conn.fd) return;
    try {
      if (this.partial && !this.writeFrame(conn, this.partial)) return;
      while (this.outHead < this.out.length) {
        if (!this.writeFrame(conn, this.nextFrame())) return;
      }
      this.out.length = 0;
      this.outHead = 0;
    } catch (error) {
      // EPIPE, ECONNRESET: the close handler reconnects and resends from the replay buffers.
      this.onWarning(`writing to the daemon failed: ${(error as Error).message}`);
      conn.socket.destroy();
    }
  }

  /** Takes the next frame off the queue: consecutive records become one batch. */
  private nextFrame(): Buffer {
    const first = this.out[this.outHead]!;
    if (!Buffer.isBuffer(first)) {
      this.outHead += 1;
      return first.frame;
    }
    const records: Buffer[] = [];
    let bytes = 0;
    while (this.outHead < this.out.length && records.length < MAX_BATCH_RECORDS) {
      const item = this.out[this.outHead]!;
      if (!Buffer.isBuffer(item)) break;
      if (records.length > 0 && bytes + item.length > Math.min(BATCH_TARGET_BYTES, MAX_BATCH_PAYLOAD_BYTES)) break;
      records.push(item);
      bytes += item.length;
      this.outHead += 1;
    }
    return encodeBatchFrame(records);
  }

  /** Writes one frame; false when the kernel took only part of it (the rest waits in `partial`). */
  private writeFrame(conn: Connection, frame: Buffer): boolean {
    const written = writeSome(conn.fd, frame);
    if (written === frame.length) {
      this.partial = null;
      return true;
    }
    this.partial = frame.subarray(written);
    this.writeBlocked = true;
    this.scheduleRetry();
    return false;
  }

  /** The kernel buffer is full: try again when the daemon answers, or after a few milliseconds. */
  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.flush(true);
    }, 5);
    if (this.pending.size === 0) this.retryTimer.unref();
  }

  // ---- synchronous waits

  /** Reads whatever the daemon sent, without the event loop. */
  private pumpSync(conn: Connection): void {
    for (;;) {
      if (conn.socket.destroyed || socketFdOrNull(conn.socket) !== conn.fd) return;
      let n: number;
      try {
        n = readSome(conn.fd, this.scratch);
      } catch {
        n = -1; // ECONNRESET and the like: the connection is gone
      }
      if (n === 0) return;
      if (n < 0) {
        conn.socket.destroy();
        return;
      }
      this.onChunk(conn, Buffer.from(this.scratch.subarray(0, n)));
    }
  }

  /** Flushes and reads until `done()` holds; false when the connection is lost or the deadline passes. */
  private waitSync(done: () => boolean, deadline: number): boolean {
    for (;;) {
      const conn = this.conn;
      if (!conn || this.reconnecting || conn.socket.destroyed) return done();
      this.flush(true);
      this.pumpSync(conn);
      if (done()) return true;
      if (this.conn !== conn || Date.now() >= deadline) return done();
      sleepSync(1);
    }
  }

  private applyBackpressure(): void {
    const limit = this.options.maxBufferedBytes;
    if (!this.conn || this.reconnecting) {
      throw new LinkTimeoutError(
        `log() refused: ${mib(this.bufferedBytes)} of records are not yet acknowledged (limit ${mib(limit)}) and the daemon is unreachable; it is being reconnected`,
      );
    }
    let lastProgress = Date.now();
    let lastBytes = this.bufferedBytes;
    const ok = this.waitSync(() => {
      if (this.bufferedBytes < lastBytes) {
        lastBytes = this.bufferedBytes;
        lastProgress = Date.now();
      }
      return this.bufferedBytes <= limit / 2 || Date.now() - lastProgress > 60_000;
    }, Number.POSITIVE_INFINITY);
    if (!ok || this.bufferedBytes > limit / 2) {
      throw new LinkTimeoutError(`log() refused: the daemon acknowledged nothing for 60 s with ${mib(this.bufferedBytes)} outstanding (limit ${mib(limit)})`);
    }
  }

  // ---- connection lifecycle

  private async reach(): Promise<ReachedDaemon> {
    if (this.options.connect) return this.options.connect();
    const { connection, paths } = await ensureDaemon({
      timeoutMs: this.options.timeoutMs,
      ...(this.options.program !== undefined ? { program: this.options.program } : {}),
    });
    return { connection, home: paths.home };
  }

  private adopt({ connection, home }: ReachedDaemon): Connection {
    const { socket, reader, pending } = connection;
    const conn: Connection = { socket, fd: socketFd(socket), reader, daemonPid: connection.welcome.pid, home };
    this.conn = conn;
    socket.on('data', (chunk: Buffer) => this.onChunk(conn, chunk));
    socket.on('error', () => {});
    socket.on('end', () => socket.destroy()); // the daemon went away: stop writing at once
    socket.on('close', () => this.onClose(conn));
    for (const frame of pending) this.onFrame(conn, frame);
    this.updateRef();
    return conn;
  }

  private onChunk(conn: Connection, chunk: Buffer): void {
    for (const frame of conn.reader.push(chunk)) this.onFrame(conn, frame);
    if (this.writeBlocked) this.flush(true);
    if (conn.reader.error) {
      this.onWarning(`the daemon sent a bad frame (${conn.reader.error.message}); reconnecting`);
      conn.socket.destroy();
    }
  }

  private onFrame(conn: Connection, frame: Buffer): void {
    let message: DaemonMessage;
    try {
      message = checkDaemonMessage(decodeBody(frame));
    } catch (error) {
      this.onWarning(`${(error as Error).message}; reconnecting`);
      conn.socket.destroy();
      return;
    }
    this.onMessage(message);
  }

  private onClose(conn: Connection): void {
    if (this.conn !== conn) return;
    this.conn = null;
    this.partial = null;
    this.writeBlocked = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.out.length = 0; // everything in it is in a replay buffer or a pending request
    this.outHead = 0;
    this.dropReattachRequests();
    if (this.runs.size === 0 && this.pending.size === 0) return; // nothing to deliver: reconnect lazily
    void this.reconnect();
  }

  /** Reconnects until it succeeds, then reattaches every open run and resends what is unacknowledged. */
  private reconnect(): Promise<void> {
    this.reconnecting ??= this.reconnectLoop().finally(() => {
      this.reconnecting = null;
      this.updateRef();
      this.flush();
    });
    this.updateRef();
    return this.reconnecting;
  }

  private async reconnectLoop(): Promise<void> {
    const since = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      try {
        const conn = this.adopt(await this.reach());
        await this.reattach(conn);
        this.onWarning(`reconnected to the daemon (pid ${conn.daemonPid})`);
        return;
      } catch (error) {
        this.conn?.socket.destroy();
        this.conn = null;
        this.dropReattachRequests();
        if (attempt === 0 || attempt % 10 === 9) this.onWarning(`reconnecting to the daemon: ${(error as Error).message}`);
        // Callers waiting on a reply (finish, init) get the error once the timeout has passed; the
        // records stay buffered and the link keeps trying, without keeping the process alive.
        if (Date.now() - since > this.options.timeoutMs) this.rejectPending(error as Error);
        const delay = RECONNECT_BACKOFF_MS[Math.min(attempt, RECONNECT_BACKOFF_MS.length - 1)]!;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          if (this.pending.size === 0) timer.unref();
        });
      }
    }
  }

  private dropReattachRequests(): void {
    for (const [id, p] of this.pending) {
      if (!p.reattach) continue;
      this.pending.delete(id);
      p.outcome = 'error';
      p.reject(new Error('the connection closed during reattach'));
    }
  }

  private rejectPending(error: Error): void {
    for (const p of this.pending.values()) {
      p.outcome = 'error';
      p.reject(error);
    }
    this.pending.clear();
    this.updateRef();
  }

  /** On a fresh connection: reattach runs, then queue their unacknowledged records and the open requests. */
  private async reattach(conn: Connection): Promise<void> {
    const runs = [...this.runs.values()].filter((run) => !run.finished);
    this.out.length = 0;
    this.outHead = 0;
    // While reconnecting, only these frames are queued: records and requests wait in their buffers.
    const requests = runs.map((run) => this.reattachRequest(run));
    this.flush(true);
    const replies = await Promise.all(requests);
    if (this.conn !== conn) throw new Error('the connection closed during reattach');
    for (const [i, run] of runs.entries()) {
      const reply = replies[i]!;
      if (reply.run !== run.key) this.rekey(run, reply.run);
      this.release(run, reply.lastSeq);
      for (let j = run.head; j < run.seqs.length; j += 1) this.out.push(run.records[j]!);
    }
    // Requests in flight when the old connection died go after the records they follow.
    for (const [id, p] of this.pending) if (!p.reattach) this.out.push({ frame: this.requestFrame(id) });
  }

  private reattachRequest(run: LinkRun): Promise<RunStartReply> {
    const { id, promise } = this.register({ t: 'run.start', run: run.info, resume: 'reattach', remote: run.remote }, { reattach: true });
    this.out.push({ frame: this.requestFrame(id) });
    return promise as Promise<RunStartReply>;
  }

  /** The daemon gave the run a new handle (its store lost the run): rewrite the queued records. */
  private rekey(run: LinkRun, key: number): void {
    this.runs.delete(run.key);
    run.key = key;
    this.runs.set(key, run);
    for (let i = run.head; i < run.records.length; i += 1) {
      const record = decodeBody(run.records[i]!) as Record<string, unknown>;
      run.records[i] = encodeBody({ ...record, run: key });
    }
  }

  /** The socket keeps the process alive only while a request awaits its reply. */
  private updateRef(): void {
    const busy = this.pending.size > 0;
    if (this.conn) {
      if (busy) this.conn.socket.ref();
      else this.conn.socket.unref();
    }
  }
}

const EMPTY = Buffer.alloc(0);

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
