/** A server on loopback port 0 in a fresh temporary data dir, removed on close. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerOptions } from '../src/server.js';

/** A running temporary server. */
export interface TempServer {
  url: string;
  /** The admin's key (a fresh data dir always creates the admin). */
  adminKey: string;
  dataDir: string;
  createUser(name: string): { key: string; entity: string };
  /** Stops the server and deletes its data dir. */
  close(): Promise<void>;
}

/** Starts a server with its own temp data dir; options as startServer's, minus dataDir/host/port. */
export async function startTempServer(opts: Omit<ServerOptions, 'dataDir' | 'host' | 'port'> = {}): Promise<TempServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wandb-server-'));
  try {
    const server = await startServer({ ...opts, dataDir, host: '127.0.0.1', port: 0 });
    return {
      url: server.url,
      adminKey: server.adminKey!,
      dataDir,
      createUser: server.createUser,
      close: async () => {
        try {
          await server.close();
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
