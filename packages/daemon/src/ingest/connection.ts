/**
 * One client connection: framing, the handshake, validation at the edge, and dispatch. A frame that
 * cannot be decoded closes this connection only; a message that decodes but is invalid gets an error
 * with a stable code and the connection stays open.
 */
import type { Socket } from 'node:net';
import {
  decodeBody,
  encodeFrame,
  FrameReader,
  handshakeMismatch,
  parseClientMessage,
  parseHello,
  PACKAGE_VERSION,
  PROTOCOL_VERSION,
  ProtocolError,
  type ClientMessage,
  type Hello,
  type WireError,
} from '@wandb-daemon/protocol';
import type { Logger } from '../log.js';
import type { QueueConnection } from './commit-queue.js';

/** Routes a validated message; implemented by the dispatcher. */
export type MessageSink = (conn: ClientConnection, message: ClientMessage) => void;

/** Bytes of outgoing replies a peer may leave unread before we stop serving it. */
const MAX_UNREAD_OUTPUT_BYTES = 64 * 1024 * 1024;

export class ClientConnection implements QueueConnection {
  readonly ownedRuns = new Set<number>();
  hello: Hello | null = null;
  private readonly reader = new FrameReader();
  private ended = false;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly sink: MessageSink,
    private readonly log: Logger,
    private readonly httpPort: () => number | null,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => log.debug({ conn: id, err: error.message }, 'socket error'));
  }

  get closed(): boolean {
    return this.ended || this.socket.destroyed;
  }

  /** Stops reading and closes the socket after pending writes. */
  close(): void {
    this.ended = true;
    this.socket.end();
  }

  /** Closes at once, dropping unsent output. */
  destroy(): void {
    this.ended = true;
    this.socket.destroy();
  }

  onClose(listener: () => void): void {
    this.socket.once('close', listener);
  }

  private onData(chunk: Buffer): void {
    if (this.ended) return;
    const frames = this.reader.push(chunk);
    for (const frame of frames) {
      if (this.ended) return;
      this.onFrame(frame);
    }
    if (this.reader.error) this.abort({ code: 'BAD_FRAME', message: this.reader.error.message });
  }

  private onFrame(frame: Buffer): void {
    let value: unknown;
    try {
      value = decodeBody(frame);
    } catch (error) {
      return this.abort((error as ProtocolError).toWire());
    }
    if (this.hello === null) return this.onHello(value);
    let message: ClientMessage;
    try {
      message = parseClientMessage(value);
    } catch (error) {
      return this.rejectMessage(value, error as ProtocolError);
    }
    this.sink(this, message);
  }

  private onHello(value: unknown): void {
    try {
      const hello = parseHello(value);
      const mismatch = handshakeMismatch(hello);
      if (mismatch) return this.abort({ code: 'VERSION_MISMATCH', message: mismatch });
      this.hello = hello;
      this.log.debug({ conn: this.id, clientPid: hello.pid, clientVersion: hello.version }, 'client connected');
      this.send({ t: 'welcome', protocol: PROTOCOL_VERSION, version: PACKAGE_VERSION, pid: process.pid, httpPort: this.httpPort() });
    } catch (error) {
      this.abort((error as ProtocolError).toWire());
    }
  }

  /** An invalid message: answer with its code; requests get an error reply, records a notice. */
  private rejectMessage(value: unknown, error: ProtocolError): void {
    const fields = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    const id = typeof fields.id === 'number' ? fields.id : undefined;
    this.log.debug({ conn: this.id, code: error.code, reason: error.message }, 'invalid message');
    if (id !== undefined) return this.replyError(id, error.toWire());
    const run = typeof fields.run === 'number' ? fields.run : undefined;
    const seq = typeof fields.seq === 'number' ? fields.seq : undefined;
    this.sendNotice(error.toWire(), { run, seq });
  }

  /** A stream we cannot trust any more: say why, then close this connection only. */
  private abort(error: WireError): void {
    this.log.warn({ conn: this.id, code: error.code, reason: error.message }, 'closing connection');
    this.send({ t: 'error', ...error });
    this.close();
    // A hostile peer may never read; do not wait for it to drain.
    setTimeout(() => this.socket.destroy(), 1_000).unref();
  }

  private send(message: unknown): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    if (this.socket.writableLength > MAX_UNREAD_OUTPUT_BYTES) {
      this.log.warn({ conn: this.id }, 'client does not read its replies; disconnecting');
      this.socket.destroy();
      return;
    }
    this.socket.write(encodeFrame(message));
  }

  sendAcks(acks: { run: number; seq: number }[]): void {
    if (acks.length > 0) this.send({ t: 'ack', acks });
  }

  sendNotice(error: WireError, about: { run?: number | undefined; seq?: number | undefined } = {}): void {
    const notice: Record<string, unknown> = { t: 'error', code: error.code, message: error.message };
    if (about.run !== undefined) notice.run = about.run;
    if (about.seq !== undefined) notice.seq = about.seq;
    this.send(notice);
  }

  reply(id: number, result: unknown): void {
    this.send({ t: 'reply', id, ok: true, result });
  }

  replyError(id: number, error: WireError): void {
    this.send({ t: 'reply', id, ok: false, error });
  }
}
