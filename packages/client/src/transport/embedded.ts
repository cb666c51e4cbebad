/**
 * `settings.fallback`: when no daemon process can be started, the daemon runs in this process, on a
 * worker thread, serving the same home, store and socket. The worker never keeps the process alive; at
 * exit, after the runs are finished, it is asked to stop so that it frees the home for a successor.
 */
import { Worker } from 'node:worker_threads';
import { onExitAfterRuns } from '../exit-hooks.js';
import { sleepSync } from './sync-io.js';

const STOP_TIMEOUT_MS = 3_000;

export interface EmbeddedHandle {
  socket: string;
  home: string;
}

export function startEmbeddedWorker(home: string | undefined): Promise<EmbeddedHandle> {
  const stopped = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./embedded-worker.js', import.meta.url), { workerData: { home, stopped } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the in-process daemon exited during start (code ${code})`)));
    worker.once('message', (message: { ok: boolean; socket?: string; home?: string; message?: string }) => {
      if (!message.ok) return reject(new Error(message.message));
      worker.removeAllListeners('exit');
      worker.unref();
      onExitAfterRuns(() => {
        worker.postMessage('stop');
        const deadline = Date.now() + STOP_TIMEOUT_MS;
        while (Atomics.load(stopped, 0) === 0 && Date.now() < deadline) sleepSync(5);
      });
      resolve({ socket: message.socket!, home: message.home! });
    });
  });
}
