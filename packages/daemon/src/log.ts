/**
 * The daemon log: JSON lines (pino) in `daemon.log`, 0600. Written synchronously because the lines
 * that matter most are the ones just before a crash. Anything that looks like a credential is redacted.
 */
import { pino, type Logger as PinoLogger } from 'pino';
import { PRIVATE_FILE_MODE } from './lifecycle/private-fs.js';

export type Logger = PinoLogger;

export const REDACTED_PATHS = ['apiKey', 'api_key', 'key', 'token', 'password', 'authorization', '*.apiKey', '*.api_key', '*.token', '*.authorization', 'headers.authorization', 'req.headers.authorization'];

/** A logger writing to `path`, or to stderr when `path` is null (foreground runs). */
export function createLogger(path: string | null, level = process.env.WANDB_DAEMON_LOG_LEVEL ?? 'info'): Logger {
  const destination = path ? pino.destination({ dest: path, sync: true, mode: PRIVATE_FILE_MODE, append: true }) : pino.destination({ fd: 2, sync: true });
  return pino({ level, base: { pid: process.pid }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
