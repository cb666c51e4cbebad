/**
 * Pure parsers of the Linux /proc files system metrics are read from (proc(5)). Each takes the file's
 * text and returns plain numbers, or null when the text is not what the kernel writes, so that fixture
 * text tests them and a missing field costs one metric, never the sample.
 */

// Parsed in lifecycle/ (process-alive.ts needs it and is loaded by the client, without stats/); re-exported here.
export { parsePidStat, type PidStat } from '../lifecycle/proc-stat.js';

/** What /proc/<pid>/status adds: resident memory in bytes and the thread count (null when absent). */
export interface PidStatus {
  rssBytes: number | null;
  threads: number | null;
}

/** Parses /proc/<pid>/status (`VmRSS:  1234 kB`, `Threads:  7`); a kernel thread has no VmRSS. */
export function parsePidStatus(text: string): PidStatus {
  const rssKb = field(text, 'VmRSS');
  return { rssBytes: rssKb === null ? null : rssKb * 1024, threads: field(text, 'Threads') };
}

/** The first number of a `Name:  value [unit]` line. */
function field(text: string, name: string): number | null {
  const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}

/** CPU time of a core (or of all cores), in clock ticks. */
export interface CpuTicks {
  /** Everything but idle and iowait. */
  busy: number;
  total: number;
}

/** The `cpu` lines of /proc/stat: all cores together, and each core by its number. */
export interface CpuTimes {
  all: CpuTicks;
  cores: Map<number, CpuTicks>;
}

/**
 * Parses /proc/stat. The columns are user nice system idle iowait irq softirq steal guest guest_nice;
 * guest time is already counted in user and nice, so the total stops at steal. Offline cores have no
 * line, so a core is named by the number in its line, not by its position.
 */
export function parseCpuTimes(text: string): CpuTimes | null {
  let all: CpuTicks | null = null;
  const cores = new Map<number, CpuTicks>();
  for (const line of text.split('\n')) {
    const match = /^cpu(\d*)\s+(.*)$/.exec(line);
    if (!match) continue;
    const columns = match[2]!.trim().split(/\s+/).slice(0, 8).map(Number);
    if (columns.length < 4 || columns.some((n) => !Number.isFinite(n))) continue;
    const total = columns.reduce((sum, n) => sum + n, 0);
    const ticks = { busy: total - columns[3]! - (columns[4] ?? 0), total };
    if (match[1] === '') all = ticks;
    else cores.set(Number(match[1]), ticks);
  }
  return all ? { all, cores } : null;
}

/** System memory, in bytes. */
export interface MemoryInfo {
  totalBytes: number;
  availableBytes: number;
}

/** Parses /proc/meminfo. Kernels before 3.14 have no MemAvailable: free + buffers + cached, as psutil does. */
export function parseMeminfo(text: string): MemoryInfo | null {
  const total = field(text, 'MemTotal');
  if (total === null || total <= 0) return null;
  const available = field(text, 'MemAvailable') ?? (field(text, 'MemFree') ?? 0) + (field(text, 'Buffers') ?? 0) + (field(text, 'Cached') ?? 0);
  return { totalBytes: total * 1024, availableBytes: available * 1024 };
}

/** Network traffic of all interfaces together, in bytes. */
export interface NetCounters {
  sentBytes: number;
  recvBytes: number;
}

/**
 * Parses /proc/net/dev: `iface: rx_bytes rx_packets ... (8 receive columns) tx_bytes ...`. Every
 * interface counts, loopback included, as W&B's `network.sent`/`network.recv` do (gopsutil's totals).
 */
export function parseNetDev(text: string): NetCounters | null {
  let sentBytes = 0;
  let recvBytes = 0;
  let interfaces = 0;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const columns = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (columns.length < 9 || !Number.isFinite(columns[0]) || !Number.isFinite(columns[8])) continue;
    recvBytes += columns[0]!;
    sentBytes += columns[8]!;
    interfaces += 1;
  }
  return interfaces > 0 ? { sentBytes, recvBytes } : null;
}

/** I/O of one block device since boot. */
export interface DiskCounters {
  major: number;
  minor: number;
  readBytes: number;
  writeBytes: number;
}

/** Sectors in /proc/diskstats are always 512 bytes, whatever the device's sector size. */
const SECTOR_BYTES = 512;

/** Parses /proc/diskstats: `major minor name reads merged sectors_read ms writes merged sectors_written ...`. */
export function parseDiskstats(text: string): Map<string, DiskCounters> {
  const devices = new Map<string, DiskCounters>();
  for (const line of text.split('\n')) {
    const columns = line.trim().split(/\s+/);
    if (columns.length < 10) continue;
    const [major, minor, sectorsRead, sectorsWritten] = [columns[0], columns[1], columns[5], columns[9]].map(Number) as [number, number, number, number];
    if (![major, minor, sectorsRead, sectorsWritten].every(Number.isFinite)) continue;
    devices.set(columns[2]!, { major, minor, readBytes: sectorsRead * SECTOR_BYTES, writeBytes: sectorsWritten * SECTOR_BYTES });
  }
  return devices;
}
