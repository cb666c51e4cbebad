/**
 * Is a process still there, and is it a daemon? Used to judge locks, discovery files and runs left
 * behind by processes that may have died.
 */
import { readFileSync } from 'node:fs';
import { parsePidStat, type PidStat } from './proc-stat.js';

/** Marker every daemon command line contains (the spawned entry's flag, or the CLI's bin name). */
const DAEMON_COMMAND_MARKER = 'wandb-daemon';

/**
 * True when a process with this pid runs. Signal 0 probes without signalling; a zombie (exited, not yet
 * reaped by its parent) counts as gone.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** /proc/<pid>/stat parsed; null when there is no /proc (macOS) or no such process. */
function procStat(pid: number): PidStat | null {
  try {
    return parsePidStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

function isZombie(pid: number): boolean {
  return procStat(pid)?.state === 'Z'; // no /proc (macOS): trust kill(pid, 0)
}

/**
 * When the process started, in clock ticks since boot (field 22 of /proc/<pid>/stat); null when
 * unknown. A pid and its start time name one process: a reused pid has another start time.
 */
export function processStartTime(pid: number): string | null {
  return procStat(pid)?.startTime ?? null;
}

/** False when a live pid runs something other than a daemon (its pid was reused). */
export function looksLikeDaemon(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(DAEMON_COMMAND_MARKER);
  } catch {
    return true; // no /proc or no access: trust the live pid
  }
}
