/** Where CLI settings come from: flags first, then WANDB_SERVER_* environment, then defaults. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_CRASH_AFTER_SECONDS } from '../server.js';

/** The data dir: --data-dir, else WANDB_SERVER_DATA_DIR, else ~/.wandb-server. */
export function dataDirFrom(flag: string | undefined, env = process.env): string {
  return resolve(flag ?? env.WANDB_SERVER_DATA_DIR ?? join(homedir(), '.wandb-server'));
}

/** Seconds before a silent run is crashed: --crash-after, else WANDB_SERVER_CRASH_AFTER, else 300. */
export function crashAfterFrom(flag: string | undefined, env = process.env): number {
  const text = flag ?? env.WANDB_SERVER_CRASH_AFTER;
  if (text === undefined || text === '') return DEFAULT_CRASH_AFTER_SECONDS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`crash-after must be a positive number of seconds, not ${JSON.stringify(text)}`);
  return seconds;
}

/** A TCP port from a flag. */
export function portFrom(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, not ${JSON.stringify(text)}`);
  return port;
}

/** Largest upload in bytes: --max-upload-mib, else WANDB_SERVER_MAX_UPLOAD_MIB, else undefined (the default, 5 GiB). */
export function maxUploadBytesFrom(flag: string | undefined, env = process.env): number | undefined {
  const text = flag ?? env.WANDB_SERVER_MAX_UPLOAD_MIB;
  if (text === undefined || text === '') return undefined;
  const mib = Number(text);
  if (!Number.isFinite(mib) || mib <= 0) throw new Error(`max-upload-mib must be a positive number, not ${JSON.stringify(text)}`);
  return Math.floor(mib * 1024 * 1024);
}
