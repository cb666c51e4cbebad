/**
 * The daemon's entry script. `ensureDaemon()` spawns it by path; `wandb-daemon start --foreground`
 * calls `runDaemonProcess` directly. It takes the start lock before importing anything heavy, so that
 * the candidates that lose a start race exit within milliseconds.
 */
import { pathToFileURL } from 'node:url';
import { daemonPaths, resolveHome } from './lifecycle/paths.js';
import { ensurePrivateDir } from '@wandb-daemon/storage-kit/private-fs';
import { acquireStartLock } from './lifecycle/start-lock.js';

/** Runs a daemon in this process until it stops; resolves with the process exit code. */
export async function runDaemonProcess(options: { foreground: boolean }): Promise<number> {
  const paths = daemonPaths(resolveHome());
  ensurePrivateDir(paths.home);
  const lock = acquireStartLock(paths.lock, paths.lockBreak);
  if (!lock.acquired) {
    if (options.foreground) process.stderr.write(`wandb-daemon: another daemon (pid ${lock.holder?.pid ?? 'unknown'}) is running in ${paths.home}\n`);
    return options.foreground ? 1 : 0;
  }
  const { createLogger, rotateLog } = await import('./log.js');
  if (!options.foreground) rotateLog(paths.log);
  const log = createLogger(options.foreground ? null : paths.log);
  // The daemon never dies of one bad callback: record it and keep serving the other clients.
  process.on('uncaughtException', (error) => log.error({ err: error }, 'uncaught exception'));
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  try {
    const { startDaemon } = await import('./daemon.js');
    const daemon = await startDaemon({ paths, log });
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void daemon.stop(signal));
    await daemon.stopped;
    return 0;
  } catch (error) {
    log.fatal({ err: error }, 'daemon failed to start');
    if (options.foreground) process.stderr.write(`wandb-daemon: ${(error as Error).message}\n`);
    return 1;
  } finally {
    lock.release();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runDaemonProcess({ foreground: process.argv.includes('--foreground') }).then((code) => process.exit(code));
}
