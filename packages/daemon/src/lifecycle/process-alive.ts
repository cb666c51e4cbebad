/**
 * Is a process still there, and is it a daemon? Used to judge locks, discovery files and runs left
 * behind by processes that may have died.
 */
import { readFileSync } from 'node:fs';

/** Marker every daemon command line contains (the spawned entry's flag, or the CLI's bin name). */
export const DAEMON_COMMAND_MARKER = 'wandb-daemon';

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

function isZombie(pid: number): boolean {
  try {
    // "pid (comm) S ...": comm may hold spaces and parentheses; the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const end = stat.lastIndexOf(')');
    return stat.slice(end + 2, end + 3) === 'Z';
  } catch {
    return false; // no /proc (macOS): trust kill(pid, 0)
  }
}

/**
 * When the process started, in clock ticks since boot (field 22 of Linux /proc/<pid>/stat); null when
 * unknown (no /proc, or no such process). A pid and its start time name one process: a reused pid has
 * another start time.
 */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after "(comm) " start with field 3 (state), so field 22 is at index 19.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
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
