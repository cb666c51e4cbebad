/**
 * The daemon inside the user's own process: the client's `settings.fallback` when no daemon process
 * can be started. It serves the same home, store, socket and start lock as a standalone daemon, so other
 * processes attach to it as to any daemon. It is a guest in its host: no handle it owns keeps the host
 * alive, and it installs nothing process-wide that changes the host's behaviour (no signal or
 * uncaught-exception handlers, never `process.exit`); only an `exit` listener that frees the home.
 */
import type { RunningDaemon } from './daemon.js';
import { daemonPaths, resolveHome, type DaemonPaths } from './lifecycle/paths.js';
import { ensurePrivateDir } from './lifecycle/private-fs.js';
import { acquireStartLock } from './lifecycle/start-lock.js';

/** A daemon running in this process. */
export interface EmbeddedDaemon {
  paths: DaemonPaths;
  /** Stops it like SIGTERM stops a standalone daemon, and frees the home for a successor. */
  stop(reason?: string): Promise<void>;
}

/**
 * Starts a daemon in this process. Throws when another live daemon holds the home's start lock (the
 * message names its pid): the caller should attach to that one instead.
 */
export async function startEmbeddedDaemon(options: { home?: string } = {}): Promise<EmbeddedDaemon> {
  const paths = daemonPaths(options.home ?? resolveHome());
  ensurePrivateDir(paths.home);
  const lock = acquireStartLock(paths.lock, paths.lockBreak, { embedded: true });
  if (!lock.acquired) {
    throw new Error(`another daemon (pid ${lock.holder?.pid ?? 'unknown'}) holds the start lock of ${paths.home}; attach to it instead`);
  }
  let daemon: RunningDaemon | null = null;
  // 'exit' runs no more I/O, so clean-up there is synchronous. Listening from the moment the lock is
  // ours closes the window in which the host exits mid-start and leaves a lock naming a live-looking pid.
  const onExit = (): void => {
    try {
      daemon?.stopSync('host process exiting');
    } catch {
      // best effort: freeing the lock below matters more
    }
    lock.release();
  };
  process.on('exit', onExit);
  const release = (): void => {
    process.removeListener('exit', onExit);
    lock.release();
  };
  try {
    daemon = await startInProcess(paths);
  } catch (error) {
    release();
    throw error;
  }
  const running = daemon;
  // It may also stop by itself (idle timeout); the lock goes with it.
  void running.stopped.then(release);
  return {
    paths,
    stop: async (reason = 'stopped by its host process') => {
      // Every handle of the daemon is unref'd: a host with nothing else left to do would exit in the
      // middle of the drain, and code awaiting this stop would never run.
      const keepAlive = setInterval(() => undefined, 1_000);
      try {
        await running.stop(reason);
      } finally {
        clearInterval(keepAlive);
        release();
      }
    },
  };
}

/** Loads the heavy modules only once the lock is ours, then starts the daemon with every handle unref'd. */
async function startInProcess(paths: DaemonPaths): Promise<RunningDaemon> {
  const { createLogger, rotateLog } = await import('./log.js');
  rotateLog(paths.log);
  const log = createLogger(paths.log);
  try {
    const { startDaemon } = await import('./daemon.js');
    const daemon = await startDaemon({ paths, log, embedded: true });
    log.info({ hostArgv: process.argv.slice(1) }, 'daemon embedded in its host process');
    return daemon;
  } catch (error) {
    log.fatal({ err: error }, 'embedded daemon failed to start');
    throw error;
  }
}
