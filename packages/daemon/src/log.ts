/**
 * The daemon log: JSON lines (pino) in `daemon.log`, 0600. Written synchronously because the lines
 * that matter most are the ones just before a crash. Anything that looks like a credential is redacted.
 */
import { renameSync, statSync } from 'node:fs';
import { pino, type Logger as PinoLogger } from 'pino';
import { PRIVATE_FILE_MODE } from '@wandb-daemon/storage-kit/private-fs';

export type Logger = PinoLogger;

export const REDACTED_PATHS = ['apiKey', 'api_key', 'key', 'token', 'password', 'authorization', '*.apiKey', '*.api_key', '*.token', '*.authorization', 'headers.authorization', 'req.headers.authorization'];

/** A logger writing to `path`, or to stderr when `path` is null (foreground runs). */
export function createLogger(path: string | null, level = process.env.WANDB_DAEMON_LOG_LEVEL ?? 'info'): Logger {
  const destination = path ? pino.destination({ dest: path, sync: true, mode: PRIVATE_FILE_MODE, append: true }) : pino.destination({ fd: 2, sync: true });
  return pino({ level, base: { pid: process.pid }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}

/** A log larger than this at start-up is moved to `daemon.log.1` (replacing the previous one). */
export const MAX_LOG_BYTES = 10 * 1024 * 1024;

/** Keeps the log bounded across a long-lived home: at most the current file and one older. */
export function rotateLog(path: string, maxBytes = MAX_LOG_BYTES): void {
  try {
    if (statSync(path).size > maxBytes) renameSync(path, `${path}.1`);
  } catch {
    // no log yet
  }
}
