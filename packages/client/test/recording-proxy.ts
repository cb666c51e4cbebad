/**
 * A daemon home whose discovery file names a proxy instead of the daemon: clients pointed at it (by
 * WANDB_DAEMON_HOME) reach the real daemon through a socket that records every message they send,
 * so a test can see exactly what a client put on the wire (e.g. the `remote` of `run.start`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBody, FrameReader } from '@wandb-daemon/protocol/lite';
import type { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';

/** The proxy and its home; `start` it in front of a running daemon, `dispose` it after the test. */
export class RecordingProxy {
  /** Messages clients sent, decoded, in order (batches as `{t: 'batch', records}`). */
  readonly messages: Record<string, any>[] = [];
  /** Connections clients opened. */
  connections = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly home: string,
    private readonly server: Server,
  ) {}

  /** Starts a proxy in front of `daemon` (which must be running) in a new home. */
  static async start(daemon: TempDaemon): Promise<RecordingProxy> {
    const discovery = daemon.discovery;
    if (!discovery) throw new Error('the daemon is not running');
    const home = mkdtempSync(join(tmpdir(), 'wdc-proxy-'));
    const socketPath = join(home, 'proxy.sock');
    let proxy!: RecordingProxy;
    const server = createServer((client) => proxy.accept(client, discovery.socketPath));
    proxy = new RecordingProxy(home, server);
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    // This process is alive, so clients trust the record and attach instead of spawning a daemon.
    writeFileSync(join(home, 'daemon.json'), JSON.stringify({ ...discovery, pid: process.pid, socketPath, home }), { mode: 0o600 });
    return proxy;
  }

  /** The `run.start` requests clients sent. */
  get runStarts(): Record<string, any>[] {
    return this.messages.filter((m) => m.t === 'run.start');
  }

  /** Cuts every client connection, as a daemon that went away would. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async dispose(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.home, { recursive: true, force: true });
  }

  private accept(client: Socket, daemonSocket: string): void {
    this.connections += 1;
    const upstream = connect(daemonSocket);
    const reader = new FrameReader();
    this.sockets.add(client);
    client.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) this.messages.push(decodeBody(frame) as Record<string, any>);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const close = (): void => {
      this.sockets.delete(client);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('close', close);
      socket.on('error', close);
    }
  }
}
