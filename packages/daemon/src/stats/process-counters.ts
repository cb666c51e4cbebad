/**
 * Reads the counters of the process that writes a run (its pid from the run's row): CPU time, resident
 * memory, threads. From /proc/<pid>/stat and /proc/<pid>/status on Linux; elsewhere only the daemon's
 * own process (an embedded daemon shares it with the writer) can be measured, through `process`.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isProcessAlive } from '../lifecycle/process-alive.js';
import { parsePidStat } from '../lifecycle/proc-stat.js';
import type { HostCounters } from './host-counters.js';
import { parsePidStatus } from './proc-parsers.js';

/** One reading of a process. A CPU percentage is Δcpu / Δcapacity between two readings. */
export interface ProcessCounters {
  /** With the pid, names one process (a reused pid has another identity). */
  identity: string;
  /** CPU time used so far, in the unit of `capacity`; null when unknown. */
  cpu: number | null;
  /** CPU time all cores could have given so far (same unit); null when unknown. */
  capacity: number | null;
  rssBytes: number | null;
  threads: number | null;
}

/**
 * Reads a process; null when it has exited (or is a zombie, exited and not yet reaped). On Linux
 * `capacity` is the all-cores total of /proc/stat read with `host`: both are in clock ticks, so the
 * ratio needs no tick rate.
 */
export function readProcessCounters(pid: number, host: HostCounters, procRoot = '/proc'): ProcessCounters | null {
  if (host.source === 'os') return readWithoutProc(pid);
  const stat = readText(join(procRoot, String(pid), 'stat'));
  const parsed = stat === null ? null : parsePidStat(stat);
  if (!parsed || parsed.state === 'Z' || parsed.state === 'X') return null;
  const status = readText(join(procRoot, String(pid), 'status'));
  const { rssBytes, threads } = status === null ? { rssBytes: null, threads: null } : parsePidStatus(status);
  return {
    identity: parsed.startTime,
    cpu: parsed.cpuTicks,
    capacity: host.cpu?.all.total ?? null,
    rssBytes,
    threads: threads ?? (Number.isFinite(parsed.threads) ? parsed.threads : null),
  };
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Without /proc: the daemon's own process through `process`, another live one with nothing known. */
function readWithoutProc(pid: number): ProcessCounters | null {
  if (pid !== process.pid) return isProcessAlive(pid) ? { identity: '', cpu: null, capacity: null, rssBytes: null, threads: null } : null;
  const usage = process.cpuUsage();
  return {
    identity: '',
    cpu: usage.user + usage.system,
    capacity: performance.now() * 1000 * availableParallelism(),
    rssBytes: process.memoryUsage.rss(),
    threads: null,
  };
}
