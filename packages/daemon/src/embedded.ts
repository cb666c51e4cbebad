/**
 * The daemon inside a user's process: the client's `settings.fallback` when no daemon process can be
 * started. It runs on a worker thread of its host, serving the same home, store, socket and start lock
 * as a standalone daemon, so other processes attach to it as to any daemon. On its own thread it keeps
 * committing while the host's thread blocks (a synchronous finish at `process.exit()`, backpressure in
 * `log()`); the worker is unref'd, so it never keeps its host alive.
 */
import { Worker } from 'node:worker_threads';
import { daemonPaths, resolveHome, type DaemonPaths } from './lifecycle/paths.js';

/** A daemon running on a worker thread of this process. */
export interface EmbeddedDaemon {
  paths: DaemonPaths;
  /** Stops it like SIGTERM stops a standalone daemon, and frees the home for a successor. */
  stop(): Promise<void>;
  /**
   * The same from an `exit` listener, where nothing asynchronous runs any more: the host's thread
   * waits (at most `timeoutMs`) while the worker stops. Call it after the host's own clean-up that
   * still needs the daemon (the client finishes its runs first).
   */
  stopBlocking(timeoutMs?: number): void;
}

export interface EmbeddedDaemonOptions {
  home?: string;
  /** Stop at the host's exit by itself (default true); false when the host calls `stopBlocking` in its own exit handler. */
  stopAtExit?: boolean;
}

interface WorkerReport {
  ok: boolean;
  message?: string;
}

const DEFAULT_STOP_TIMEOUT_MS = 3_000;

/**
 * Starts a daemon on a worker thread. Throws when another live daemon holds the home's start lock (the
 * message names its pid): the caller should attach to that one instead.
 */
export async function startEmbeddedDaemon(options: EmbeddedDaemonOptions = {}): Promise<EmbeddedDaemon> {
  const paths = daemonPaths(options.home ?? resolveHome());
  const stopped = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./embedded-worker.js', import.meta.url), { workerData: { home: paths.home, stopped } });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const report = await new Promise<WorkerReport>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    void exited.then(() => reject(new Error('the embedded daemon exited during its start')));
  });
  if (!report.ok) {
    await exited;
    throw new Error(report.message);
  }
  worker.unref();
  const stopBlocking = (timeoutMs = DEFAULT_STOP_TIMEOUT_MS): void => {
    if (Atomics.load(stopped, 0) === 1) return;
    worker.postMessage('stop');
    Atomics.wait(stopped, 0, 0, timeoutMs);
  };
  const onExit = (): void => stopBlocking();
  if (options.stopAtExit !== false) process.on('exit', onExit);
  return {
    paths,
    stopBlocking,
    stop: async () => {
      process.removeListener('exit', onExit);
      worker.ref(); // the host must live until the daemon has stopped
      worker.postMessage('stop');
      await exited;
    },
  };
}
