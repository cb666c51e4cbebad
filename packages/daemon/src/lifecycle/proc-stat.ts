/**
 * /proc/<pid>/stat (proc(5)), parsed: the process's state, CPU time, threads and start time. Here rather
 * than in stats/ so that process-alive.ts, which the client loads through `@wandb-daemon/daemon/ensure`,
 * needs nothing of the stats layer.
 */

/** What /proc/<pid>/stat says about a process. */
export interface PidStat {
  /** One letter: R, S, D, Z, ... */
  state: string;
  /** User plus system CPU time, in clock ticks (fields 14 and 15). */
  cpuTicks: number;
  /** Field 20. */
  threads: number;
  /** When the process started, in ticks since boot (field 22): with the pid, names one process. */
  startTime: string;
}

/** Parses /proc/<pid>/stat. comm may hold spaces and parentheses, so the fields start after the last ')'. */
export function parsePidStat(text: string): PidStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text.slice(close + 2).trim().split(/\s+/); // fields[0] is field 3 (state)
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const threads = Number(fields[17]);
  const startTime = fields[19];
  if (!fields[0] || !Number.isFinite(utime) || !Number.isFinite(stime) || startTime === undefined) return null;
  return { state: fields[0], cpuTicks: utime + stime, threads, startTime };
}
