/**
 * A minimal protocol client for the daemon's tests and benchmarks: it speaks the wire protocol
 * directly (the real client library builds on the same pieces), tracks acks and replies, and can
 * send hand-made bytes for hostile-peer tests.
 */
import type { Socket } from 'node:net';
import {
  decodeBody,
  encodeFrame,
  parseDaemonMessage,
  ProtocolError,
  type Notice,
  type RecordMessage,
  type RequestReplies,
  type RequestType,
  type RunInfo,
  type RunStartReply,
  type FinishReply,
  type StatusReply,
  type ResumePolicy,
} from '@wandb-daemon/protocol';
import { connectToDaemon, type DaemonConnection } from '../src/lifecycle/connect.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** Distributes the payload type of a record over the union, minus the fields the client fills in. */
export type RecordBody = RecordMessage extends infer R ? (R extends RecordMessage ? Omit<R, 'run' | 'seq'> : never) : never;

export class RawClient {
  readonly socket: Socket;
  readonly notices: Notice[] = [];
  /** Highest acknowledged seq per run. */
  readonly acked = new Map<number, number>();
  private readonly pending = new Map<number, Pending>();
  private readonly ackWaiters: { run: number; seq: number; resolve: () => void }[] = [];
  private nextId = 1;
  private readonly seqs = new Map<number, number>();
  private buffer: unknown[] = [];
  private draining: Promise<void> | null = null;
  closed = false;

  private constructor(connection: DaemonConnection) {
    this.socket = connection.socket;
    for (const frame of connection.pending) this.onFrame(frame);
    this.socket.on('data', (chunk: Buffer) => {
      for (const frame of connection.reader.push(chunk)) this.onFrame(frame);
    });
    this.socket.on('close', () => {
      this.closed = true;
      for (const { reject } of this.pending.values()) reject(new Error('connection closed'));
      this.pending.clear();
    });
    this.socket.on('error', () => undefined);
  }

  static async connect(socketPath: string): Promise<RawClient> {
    return new RawClient(await connectToDaemon(socketPath));
  }

  static wrap(connection: DaemonConnection): RawClient {
    return new RawClient(connection);
  }

  private onFrame(frame: Buffer): void {
    const message = parseDaemonMessage(decodeBody(frame));
    if (message.t === 'reply') {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok) waiter?.resolve(message.result);
      else waiter?.reject(new ProtocolError(message.error.code, message.error.message));
    } else if (message.t === 'ack') {
      for (const { run, seq } of message.acks) this.acked.set(run, Math.max(seq, this.acked.get(run) ?? 0));
      for (let i = this.ackWaiters.length - 1; i >= 0; i -= 1) {
        const w = this.ackWaiters[i]!;
        if ((this.acked.get(w.run) ?? 0) >= w.seq) {
          this.ackWaiters.splice(i, 1);
          w.resolve();
        }
      }
    } else if (message.t === 'error') {
      this.notices.push(message);
    }
  }

  request<T extends RequestType>(message: { t: T } & Record<string, unknown>): Promise<RequestReplies[T]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(encodeFrame({ ...message, id }));
    });
  }

  async startRun(info: Partial<RunInfo> & { runId: string }, resume: ResumePolicy = 'overwrite', extra: Record<string, unknown> = {}): Promise<RunStartReply> {
    const run: RunInfo = {
      entity: null,
      project: 'test',
      name: null,
      group: null,
      jobType: null,
      tags: [],
      notes: null,
      config: {},
      host: 'localhost',
      program: 'raw-client',
      pid: process.pid,
      mode: 'offline',
      settings: {},
      startTime: Date.now() / 1000,
      ...info,
    };
    const reply = await this.request({ t: 'run.start', run, resume, ...extra });
    this.seqs.set(reply.run, reply.lastSeq);
    return reply;
  }

  /**
   * Queues a record without writing; `flush()` writes all queued frames at once. The seq is the next
   * one unless given (a replay resends old seqs).
   */
  record(run: number, body: RecordBody, seq = (this.seqs.get(run) ?? 0) + 1): number {
    this.seqs.set(run, Math.max(seq, this.seqs.get(run) ?? 0));
    this.enqueue({ ...body, run, seq });
    return seq;
  }

  private enqueue(record: unknown): void {
    this.buffer.push(record);
    if (this.buffer.length >= 1024) void this.flush();
  }

  /** Writes queued frames; resolves when the socket buffer drained (backpressure). */
  flush(): Promise<void> {
    if (this.buffer.length > 0) {
      const ok = this.socket.write(encodeFrame({ t: 'batch', records: this.buffer }));
      this.buffer = [];
      if (!ok && !this.draining) {
        this.draining = new Promise((resolve) => this.socket.once('drain', () => {
          this.draining = null;
          resolve();
        }));
      }
    }
    return this.draining ?? Promise.resolve();
  }

  /** Queues a history row; the record is built directly (this is the benchmarks' hot loop). */
  log(run: number, step: number, data: Record<string, unknown>): number {
    const seq = (this.seqs.get(run) ?? 0) + 1;
    this.seqs.set(run, seq);
    // Copy the data: records are encoded at flush time, and callers reuse their objects.
    this.enqueue({ t: 'history', run, seq, step, ts: Date.now() / 1000, runtime: 0, data: { ...data } });
    return seq;
  }

  lastSeq(run: number): number {
    return this.seqs.get(run) ?? 0;
  }

  waitForAck(run: number, seq: number): Promise<void> {
    if ((this.acked.get(run) ?? 0) >= seq) return Promise.resolve();
    return new Promise((resolve) => this.ackWaiters.push({ run, seq, resolve }));
  }

  async finish(run: number, exitCode = 0): Promise<FinishReply> {
    await this.flush();
    const seq = (this.seqs.get(run) ?? 0) + 1;
    this.seqs.set(run, seq);
    return this.request({ t: 'finish', run, seq, exitCode });
  }

  status(): Promise<StatusReply> {
    return this.request({ t: 'status' });
  }

  writeRaw(bytes: Buffer | Uint8Array): void {
    this.socket.write(bytes);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }
}
