/** Listens on the Unix socket and turns each accepted socket into a ClientConnection. */
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { Logger } from '../log.js';
import { ClientConnection, type MessageSink } from './connection.js';

export class SocketServer {
  private readonly server: Server;
  private readonly connections = new Set<ClientConnection>();
  private nextId = 1;

  constructor(
    private readonly path: string,
    sink: MessageSink,
    private readonly log: Logger,
    httpPort: () => number | null,
    onDisconnect: (conn: ClientConnection) => void,
  ) {
    this.server = createServer((socket) => {
      const conn = new ClientConnection(this.nextId++, socket, sink, log, httpPort);
      this.connections.add(conn);
      conn.onClose(() => {
        this.connections.delete(conn);
        onDisconnect(conn);
      });
    });
  }

  /** Number of connected clients (handshake done or not). */
  get clients(): number {
    return this.connections.size;
  }

  /** Listens; the caller holds the start lock, so any socket file here is a stale leftover. */
  listen(): Promise<void> {
    try {
      unlinkSync(this.path);
    } catch {
      // none left behind
    }
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.path, () => {
        chmodSync(this.path, 0o600);
        this.server.removeListener('error', reject);
        this.server.on('error', (error) => this.log.error({ err: error }, 'socket server error'));
        resolve();
      });
    });
  }

  /** Stops accepting; existing connections are ended after their pending writes. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const conn of this.connections) conn.close();
    // A peer that never closes its end must not hold up shutdown.
    const forced = setTimeout(() => this.connections.forEach((conn) => conn.destroy()), 2_000);
    forced.unref();
    await closed;
    clearTimeout(forced);
    this.removeSocketFile();
  }

  private removeSocketFile(): void {
    try {
      unlinkSync(this.path);
    } catch {
      // already removed
    }
  }
}
