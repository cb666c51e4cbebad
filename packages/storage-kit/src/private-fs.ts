/**
 * Owner-only files and directories. The daemon's home holds API keys, tokens and run data, and the
 * server's data dir holds key hashes, the upload-signing secret and every run's data: every directory
 * is 0700 and every file 0600, created that way rather than chmod-ed afterwards.
 * Node built-ins only: the client's process loads this (through the daemon's `ensure`).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

/** Mode of every private directory. */
export const PRIVATE_DIR_MODE = 0o700;
/** Mode of every private file. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (and parents) as 0700, or tightens an existing one we own. Refuses a directory owned by
 * another user or a symlink, because a socket, token or secret there could be read or replaced by them.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) throw new Error(`${dir} exists and is not a directory`);
  const uid = typeof process.getuid === 'function' ? process.getuid() : stat.uid;
  if (stat.uid !== uid) throw new Error(`${dir} belongs to uid ${stat.uid}, not to this user (uid ${uid}); refusing to use it`);
  if ((stat.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Writes a whole file atomically (tmp + fsync + rename) with mode 0600. */
export function writeFileAtomic(path: string, content: string): void {
  // pid + random: two writers of one path (threads of one process included) never share a tmp file.
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * A 32-byte secret kept in `path` as hex (0600): read when the file holds one, else generated and
 * written atomically. Kept across restarts, so tokens signed or handed out before stay valid.
 */
export function loadOrCreateSecret(path: string): Buffer {
  try {
    const text = readFileSync(path, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(text)) return Buffer.from(text, 'hex');
  } catch {
    // first start
  }
  const secret = randomBytes(32);
  writeFileAtomic(path, `${secret.toString('hex')}\n`);
  return secret;
}
