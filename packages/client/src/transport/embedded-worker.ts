/**
 * Worker-thread entry of the in-process fallback daemon. Running it on its own thread (not the user's)
 * keeps the synchronous paths working: at `process.exit()` or under backpressure the user's thread
 * blocks waiting for the daemon, which keeps committing here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startEmbeddedDaemon } from '@wandb-daemon/daemon/embedded';

const { home, stopped } = workerData as { home?: string; stopped: Int32Array };
const port = parentPort!;

try {
  const daemon = await startEmbeddedDaemon(home !== undefined ? { home } : {});
  // The daemon's own handles never keep their host alive; on this thread they must, until told to stop.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  port.on('message', (message: unknown) => {
    if (message !== 'stop') return;
    void daemon.stop('host process exiting').finally(() => {
      clearInterval(keepAlive);
      Atomics.store(stopped, 0, 1);
      Atomics.notify(stopped, 0);
      port.close();
    });
  });
  port.postMessage({ ok: true, socket: daemon.paths.socket, home: daemon.paths.home });
} catch (error) {
  port.postMessage({ ok: false, message: (error as Error).message });
  port.close();
}
