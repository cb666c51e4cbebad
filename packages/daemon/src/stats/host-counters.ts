/**
 * Reads the machine-wide counters system metrics are computed from: CPU time per core, memory,
 * network and disk I/O totals, and the usage of the watched disk path. Linux /proc when there is one;
 * elsewhere what Node's `os` offers (CPU and memory), and no network or disk I/O.
 */
import { readFileSync, statfsSync, statSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseCpuTimes, parseDiskstats, parseMeminfo, parseNetDev, type CpuTimes, type DiskCounters, type MemoryInfo, type NetCounters } from './proc-parsers.js';

/** Space used on the file system of a path. */
export interface DiskUsage {
  path: string;
  usedBytes: number;
  /** Used of what an unprivileged user can have (used + available), as `df` and W&B report it. */
  usedPercent: number;
}

/** One reading of the machine's counters; a null part could not be read. */
export interface HostCounters {
  /** 'proc' when read from Linux /proc: then a process without /proc/<pid> is gone. */
  source: 'proc' | 'os';
  cpu: CpuTimes | null;
  memory: MemoryInfo | null;
  network: NetCounters | null;
  /** I/O of the devices that back the watched path. */
  disks: Map<string, DiskCounters> | null;
  diskUsage: DiskUsage | null;
}

/** Where to read from; tests point `procRoot` at fixture files. */
export interface HostReaderOptions {
  procRoot?: string;
  /** The path whose disk is watched (W&B's default `/`). */
  diskPath?: string;
}

/** Reads host counters; resolves the watched path's block devices once, at the first reading. */
export class HostReader {
  readonly procRoot: string;
  readonly diskPath: string;
  private devices: Set<string> | null = null;

  constructor(options: HostReaderOptions = {}) {
    this.procRoot = options.procRoot ?? '/proc';
    this.diskPath = options.diskPath ?? '/';
  }

  read(): HostCounters {
    const stat = this.readProc('stat');
    const meminfo = this.readProc('meminfo');
    const netDev = this.readProc('net/dev');
    const diskstats = this.readProc('diskstats');
    return {
      source: stat === null ? 'os' : 'proc',
      cpu: stat === null ? osCpuTimes() : parseCpuTimes(stat),
      memory: meminfo === null ? osMemory() : parseMeminfo(meminfo),
      network: netDev === null ? null : parseNetDev(netDev),
      disks: diskstats === null ? null : this.watchedDisks(parseDiskstats(diskstats)),
      diskUsage: diskUsage(this.diskPath),
    };
  }

  private readProc(name: string): string | null {
    try {
      return readFileSync(join(this.procRoot, name), 'utf8');
    } catch {
      return null;
    }
  }

  private watchedDisks(all: Map<string, DiskCounters>): Map<string, DiskCounters> {
    this.devices ??= devicesBacking(this.diskPath, all);
    const watched = new Map<string, DiskCounters>();
    for (const name of this.devices) {
      const counters = all.get(name);
      if (counters) watched.set(name, counters);
    }
    return watched;
  }
}

/** Loop, RAM and compressed-RAM devices are no disks. */
const PSEUDO_DEVICE = /^(loop|ram|zram)/;

/**
 * The block device a path lives on (by its st_dev), as W&B watches the devices behind its disk paths.
 * When that device has no I/O counters (an overlay or tmpfs root, e.g. in a container), every real
 * device is watched instead, as W&B does.
 */
export function devicesBacking(path: string, all: Map<string, DiskCounters>): Set<string> {
  const dev = deviceNumber(path);
  if (dev) {
    for (const [name, c] of all) if (c.major === dev.major && c.minor === dev.minor) return new Set([name]);
  }
  return new Set([...all.keys()].filter((name) => !PSEUDO_DEVICE.test(name)));
}

/** Major and minor of st_dev, decoded as glibc's gnu_dev_major/minor do. */
function deviceNumber(path: string): { major: number; minor: number } | null {
  let dev: bigint;
  try {
    dev = statSync(path, { bigint: true }).dev;
  } catch {
    return null;
  }
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}

function diskUsage(path: string): DiskUsage | null {
  try {
    const s = statfsSync(path);
    const usedBytes = (s.blocks - s.bfree) * s.bsize;
    const usable = usedBytes + s.bavail * s.bsize;
    return usable > 0 ? { path, usedBytes, usedPercent: (usedBytes / usable) * 100 } : null;
  } catch {
    return null;
  }
}

/** CPU times from `os.cpus()` (milliseconds rather than ticks: only ratios are used). */
function osCpuTimes(): CpuTimes | null {
  const list = cpus();
  if (list.length === 0) return null;
  const all = { busy: 0, total: 0 };
  const cores = new Map<number, { busy: number; total: number }>();
  list.forEach(({ times }, i) => {
    const busy = times.user + times.nice + times.sys + times.irq;
    const total = busy + times.idle;
    cores.set(i, { busy, total });
    all.busy += busy;
    all.total += total;
  });
  return { all, cores };
}

/** `os.freemem()` is what the OS reports as available (on macOS it leaves out reclaimable caches). */
function osMemory(): MemoryInfo | null {
  const totalBytes = totalmem();
  return totalBytes > 0 ? { totalBytes, availableBytes: freemem() } : null;
}
