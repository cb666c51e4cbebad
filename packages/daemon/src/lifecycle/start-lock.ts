/**
 * The single-instance lock. A daemon creates `daemon.lock` with O_EXCL before it opens anything and
 * holds it for its whole life; whoever fails to create it is not the daemon.
 *
 * Staleness rules for an existing lock (the only case in which anyone but its holder removes it):
 * 1. it names a pid that no longer exists → stale;
 * 2. it names a live pid whose command line (Linux /proc) is not a wandb-daemon → stale (pid reuse);
 *    a lock taken by a daemon embedded in a user's process (embedded.ts), whose command line is the
 *    user's program, records its holder's start time instead: a live pid that started at another
 *    time → stale (pid reuse); without a recorded start time (no /proc), a live pid holds it;
 * 3. its content is unreadable and it is older than UNREADABLE_GRACE_MS → stale (its creator died
 *    between create and write); younger than that, it is held (the creator is writing it);
 * 4. otherwise it is held.
 * A stale lock is removed only under a second O_EXCL lock (`daemon.lock.break`, itself stale after
 * BREAK_LOCK_STALE_MS), re-checked inside it. This closes the race in which two processes both judge
 * the lock stale, one removes it and creates a fresh one, and the other then removes the fresh one.
 */
import { closeSync, constants, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { PRIVATE_FILE_MODE } from '@wandb-daemon/storage-kit/private-fs';
import { isProcessAlive, looksLikeDaemon, processStartTime } from './process-alive.js';

export const UNREADABLE_GRACE_MS = 5_000;
export const BREAK_LOCK_STALE_MS = 10_000;

/** What a lock file records about its holder. */
export interface LockInfo {
  pid: number;
  createdAt: number;
  /** Set by a daemon embedded in a user's process: its holder carries no daemon command line. */
  embedded?: true;
  /** The embedded holder's `processStartTime`, when known. */
  startTime?: string;
}

export type LockResult = { acquired: true; release: () => void } | { acquired: false; holder: LockInfo | null };

/** Tries once (breaking a stale lock first) to take the lock for this process. */
export function acquireStartLock(lockPath: string, breakPath: string, options: { embedded?: boolean } = {}): LockResult {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (tryCreate(lockPath, options.embedded === true)) return { acquired: true, release: () => releaseLock(lockPath) };
    const holder = readLock(lockPath);
    if (!isLockStale(lockPath, holder)) return { acquired: false, holder };
    breakStaleLock(lockPath, breakPath);
  }
  return { acquired: false, holder: readLock(lockPath) };
}

/** Reads a lock file; null when missing or unreadable. */
export function readLock(lockPath: string): LockInfo | null {
  try {
    const parsed = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockInfo>;
    if (typeof parsed.pid !== 'number' || typeof parsed.createdAt !== 'number') return null;
    const info: LockInfo = { pid: parsed.pid, createdAt: parsed.createdAt };
    if (parsed.embedded === true) info.embedded = true;
    if (typeof parsed.startTime === 'string') info.startTime = parsed.startTime;
    return info;
  } catch {
    // missing or half-written: judged by the rules below
  }
  return null;
}

/** Applies the staleness rules above. A missing lock is not stale (there is nothing to break). */
export function isLockStale(lockPath: string, holder: LockInfo | null, now = Date.now()): boolean {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(lockPath).mtimeMs;
  } catch {
    return false;
  }
  if (holder === null) return now - mtimeMs > UNREADABLE_GRACE_MS;
  if (!isProcessAlive(holder.pid)) return true;
  if (holder.embedded) {
    const startTime = holder.startTime === undefined ? null : processStartTime(holder.pid);
    return startTime !== null && startTime !== holder.startTime;
  }
  return !looksLikeDaemon(holder.pid);
}

function tryCreate(path: string, embedded = false): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(ownLockInfo(embedded)));
  } finally {
    closeSync(fd);
  }
  return true;
}

function ownLockInfo(embedded: boolean): LockInfo {
  const info: LockInfo = { pid: process.pid, createdAt: Date.now() };
  if (!embedded) return info;
  info.embedded = true;
  const startTime = processStartTime(process.pid);
  if (startTime !== null) info.startTime = startTime;
  return info;
}

function breakStaleLock(lockPath: string, breakPath: string): void {
  if (!tryCreate(breakPath)) {
    const breaker = readLock(breakPath);
    const age = ageMs(breakPath);
    const breakerGone = breaker !== null ? !isProcessAlive(breaker.pid) : age > UNREADABLE_GRACE_MS;
    if (breakerGone || age > BREAK_LOCK_STALE_MS) unlinkQuietly(breakPath);
    return; // someone else is breaking it; the caller retries
  }
  try {
    if (isLockStale(lockPath, readLock(lockPath))) unlinkQuietly(lockPath);
  } finally {
    unlinkQuietly(breakPath);
  }
}

/** Removes the lock only if this process holds it. */
function releaseLock(lockPath: string): void {
  if (readLock(lockPath)?.pid === process.pid) unlinkQuietly(lockPath);
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
