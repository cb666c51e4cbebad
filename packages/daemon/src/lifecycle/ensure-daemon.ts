/**
 * `ensureDaemon()`: attach to the running daemon or start one, in the user's process.
 *
 * It imports nothing of the daemon's internals (no SQLite, no fastify): it starts the daemon's entry
 * script by path. Many processes may call it at the same moment; each may spawn a candidate daemon,
 * but only the one that takes the O_EXCL start lock serves, the others exit at once, and every caller
 * ends up connected to the winner.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connectToDaemon, type DaemonConnection } from './connect.js';
import { readDiscovery, type Discovery } from './discovery.js';
import { daemonPaths, resolveHome, type DaemonPaths } from './paths.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '@wandb-daemon/storage-kit/private-fs';
import { isProcessAlive } from './process-alive.js';
import { readLock } from './start-lock.js';

/** Options of `ensureDaemon`. */
export interface EnsureDaemonOptions {
  /** Daemon home; default `WANDB_DAEMON_HOME` or `~/.wandb-daemon`. */
  home?: string;
  /** How long to wait for a spawned daemon to accept connections. */
  timeoutMs?: number;
  /** Extra environment for a spawned daemon (e.g. an idle timeout in tests). */
  env?: NodeJS.ProcessEnv;
  /** Whether a daemon may be spawned (false: attach only). */
  spawn?: boolean;
  /** Program name sent in the handshake, for the daemon's log. */
  program?: string;
}

/** A live, handshaken connection and what the discovery file said. */
export interface EnsuredDaemon {
  connection: DaemonConnection;
  discovery: Discovery;
  /** True when this call spawned the daemon that answered. */
  spawned: boolean;
  paths: DaemonPaths;
}

/** The daemon could not be reached or started; the message carries the tail of the daemon log. */
export class DaemonStartError extends Error {
  constructor(message: string, readonly logTail: string) {
    super(logTail ? `${message}\n--- last lines of the daemon log ---\n${logTail}` : message);
    this.name = 'DaemonStartError';
  }
}

export { connectToDaemon, type DaemonConnection } from './connect.js';

const ENTRY = fileURLToPath(new URL('../main.js', import.meta.url));
const MAX_SPAWNS = 3;

/** Attaches to the running daemon, or spawns one and waits until it accepts connections. */
export async function ensureDaemon(options: EnsureDaemonOptions = {}): Promise<EnsuredDaemon> {
  const paths = daemonPaths(options.home ?? resolveHome());
  const attached = await tryAttach(paths, options.program);
  if (attached) return { ...attached, spawned: false, paths };
  if (options.spawn === false) throw new DaemonStartError(`no daemon is running in ${paths.home}`, '');
  ensurePrivateDir(paths.home);
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const ours = new Set<number>();
  let childRunning = false;
  let failures = 0;
  let lastExit: string | null = null;
  for (let delay = 5; Date.now() < deadline; delay = Math.min(delay * 2, 100)) {
    if (!childRunning && !startInProgress(paths)) {
      // Each of our candidates failed on its own (not by losing the lock race): give up.
      if (failures >= MAX_SPAWNS) break;
      childRunning = true;
      const pid = spawnDaemon(paths, options.env, (why, failed) => {
        childRunning = false;
        lastExit = why;
        if (failed) failures += 1;
      });
      if (pid !== undefined) ours.add(pid);
    }
    await sleep(delay);
    const found = await tryAttach(paths, options.program);
    if (found) return { ...found, spawned: ours.has(found.discovery.pid), paths };
  }
  const why = lastExit ? `the daemon exited (${lastExit})` : 'it did not accept connections in time';
  throw new DaemonStartError(`could not start wandb-daemon in ${paths.home}: ${why}`, tailOfLog(paths.log));
}

/** One attempt to reach the daemon named by the discovery file. */
async function tryAttach(paths: DaemonPaths, program?: string): Promise<{ connection: DaemonConnection; discovery: Discovery } | null> {
  const discovery = readDiscovery(paths.discovery);
  if (!discovery || !isProcessAlive(discovery.pid)) return null;
  try {
    return { connection: await connectToDaemon(discovery.socketPath, 2_000, program), discovery };
  } catch (error) {
    if ((error as { code?: string }).code === 'VERSION_MISMATCH') throw error;
    return null;
  }
}

/** A live lock holder means a daemon is starting or running: wait for it rather than spawn another. */
function startInProgress(paths: DaemonPaths): boolean {
  const holder = readLock(paths.lock);
  return holder !== null && isProcessAlive(holder.pid);
}

function spawnDaemon(paths: DaemonPaths, env: NodeJS.ProcessEnv | undefined, onExit: (why: string, failed: boolean) => void): number | undefined {
  // Early failures (a missing module, a bad Node) print to stderr before the daemon's logger exists.
  const logFd = openSync(paths.log, 'a', PRIVATE_FILE_MODE);
  try {
    const child = spawn(process.execPath, [ENTRY, '--wandb-daemon'], {
      detached: true,
      stdio: ['ignore', 'ignore', logFd],
      env: { ...process.env, ...env, WANDB_DAEMON_HOME: paths.home },
    });
    // Exit code 0 means "another daemon holds the lock": not a failure.
    child.once('exit', (code, signal) => onExit(signal ? `signal ${signal}` : `exit code ${code}`, code !== 0));
    child.once('error', (error) => onExit(error.message, true));
    child.unref();
    return child.pid;
  } finally {
    closeSync(logFd);
  }
}

/** The last lines of the daemon log, for error messages. */
export function tailOfLog(logPath: string, lines = 20): string {
  try {
    return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
