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

/** False when a live pid runs something other than a daemon (its pid was reused). */
export function looksLikeDaemon(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(DAEMON_COMMAND_MARKER);
  } catch {
    return true; // no /proc or no access: trust the live pid
  }
}
