/**
 * The worker thread of an embedded daemon (embedded.ts): takes the start lock, starts the daemon and
 * reports `{ ok }` to the host; on `'stop'` it stops the daemon, frees the lock and tells the host
 * through the shared flag, which the host may be blocked on.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { daemonPaths } from './lifecycle/paths.js';
import { ensurePrivateDir } from '@wandb-daemon/storage-kit/private-fs';
import { acquireStartLock } from './lifecycle/start-lock.js';

const { home, stopped } = workerData as { home: string; stopped: Int32Array };
const port = parentPort!;
const paths = daemonPaths(home);
ensurePrivateDir(paths.home);
const lock = acquireStartLock(paths.lock, paths.lockBreak, { embedded: true });

if (!lock.acquired) {
  port.postMessage({ ok: false, message: `another daemon (pid ${lock.holder?.pid ?? 'unknown'}) holds the start lock of ${paths.home}; attach to it instead` });
  port.close();
} else {
  // Heavy modules only once the lock is ours, as main.ts does.
  const { createLogger, rotateLog } = await import('./log.js');
  rotateLog(paths.log);
  const log = createLogger(paths.log);
  try {
    const { startDaemon } = await import('./daemon.js');
    const daemon = await startDaemon({ paths, log, embedded: true });
    log.info({ hostArgv: process.argv.slice(1) }, 'daemon embedded in its host process');
    const done = (): void => {
      lock.release();
      Atomics.store(stopped, 0, 1);
      Atomics.notify(stopped, 0);
      port.close();
    };
    // It may also stop by itself (idle timeout); the lock goes with it.
    void daemon.stopped.then(done);
    port.on('message', (message: unknown) => {
      if (message === 'stop') void daemon.stop('stopped by its host process');
    });
    port.postMessage({ ok: true });
  } catch (error) {
    log.fatal({ err: error }, 'embedded daemon failed to start');
    lock.release();
    port.postMessage({ ok: false, message: (error as Error).message });
    port.close();
  }
}
