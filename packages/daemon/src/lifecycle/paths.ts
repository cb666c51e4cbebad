/**
 * Where the daemon keeps its files. Everything lives in one owner-only home directory; the socket moves
 * to a short private directory only when the home path would overflow a Unix socket address.
 */
import { createHash } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Linux allows 108 bytes in sun_path, macOS 104; keep a margin for the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 100;

/** Every path the daemon uses, derived from its home. */
export interface DaemonPaths {
  home: string;
  socket: string;
  /** Set when the socket could not live in `home`: the private directory that holds it instead. */
  socketDir: string | null;
  database: string;
  log: string;
  discovery: string;
  lock: string;
  lockBreak: string;
  httpToken: string;
}

/** The home directory: `WANDB_DAEMON_HOME`, else `~/.wandb-daemon`. */
export function resolveHome(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.WANDB_DAEMON_HOME;
  return resolve(configured && configured.length > 0 ? configured : join(homedir(), '.wandb-daemon'));
}

/** Derives all paths from a home directory. Pure: creates nothing. */
export function daemonPaths(home: string): DaemonPaths {
  const preferred = join(home, 'daemon.sock');
  const fits = Buffer.byteLength(preferred) <= MAX_SOCKET_PATH_BYTES;
  // A home-specific short directory, so that two homes never share a socket.
  const digest = createHash('sha256').update(home).digest('hex').slice(0, 12);
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const socketDir = fits ? null : join(shortTmp(), `wandb-daemon-${uid}-${digest}`);
  return {
    home,
    socket: socketDir ? join(socketDir, 'd.sock') : preferred,
    socketDir,
    database: join(home, 'store.sqlite'),
    log: join(home, 'daemon.log'),
    discovery: join(home, 'daemon.json'),
    lock: join(home, 'daemon.lock'),
    lockBreak: join(home, 'daemon.lock.break'),
    httpToken: join(home, 'http-token'),
  };
}

function shortTmp(): string {
  const tmp = tmpdir();
  return Buffer.byteLength(tmp) <= 40 ? tmp : '/tmp';
}
