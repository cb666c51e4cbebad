/**
 * Unit tests of system metrics sampling without a daemon:
 * - the /proc parsers, on fixture text as the kernel writes it (src/stats/proc-parsers.ts);
 * - the metric computation and W&B's names (src/stats/system-metrics.ts);
 * - reading a whole fixture /proc tree (src/stats/host-counters.ts, process-counters.ts);
 * - the interval and per-run opt-out settings (src/stats/stats-settings.ts).
 */
import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { devicesBacking, HostReader, type HostCounters } from '../src/stats/host-counters.js';
import { parseCpuTimes, parseDiskstats, parseMeminfo, parseNetDev, parsePidStat, parsePidStatus, type DiskCounters } from '../src/stats/proc-parsers.js';
import { readProcessCounters, type ProcessCounters } from '../src/stats/process-counters.js';
import { DEFAULT_STATS_INTERVAL_SECONDS, statsDisabledBySettings, statsIntervalMs } from '../src/stats/stats-settings.js';
import { hostMetrics, processMetrics, sinceStartMetrics } from '../src/stats/system-metrics.js';
import { tempDirs } from '../test-utils/temp-dirs.js';

const freshDir = tempDirs('wandb-daemon-stats-unit-');

// comm with a space and a parenthesis: fields are counted from the last ')'.
const PID_STAT = '4242 (python (train)) S 1 4242 4242 0 -1 4194560 9000 0 0 0 1250 310 0 0 20 0 12 0 987654 3000000000 50000 18446744073709551615 1 1 0 0 0 0 0 16781312 2 0 0 0 17 1 0 0 0 0 0\n';
const PID_STATUS = 'Name:\tpython\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t 3000000 kB\nVmRSS:\t  204800 kB\nThreads:\t12\n';
const PROC_STAT = [
  'cpu  1000 0 500 8000 500 0 0 0 0 0',
  'cpu0 600 0 200 3900 300 0 0 0 0 0',
  'cpu2 400 0 300 4100 200 0 0 0 0 0',
  'intr 123 0 0',
  'ctxt 456',
  'btime 1700000000',
].join('\n');
const MEMINFO = 'MemTotal:       16000000 kB\nMemFree:         2000000 kB\nMemAvailable:    4000000 kB\nBuffers:          100000 kB\nCached:          1000000 kB\n';
const NET_DEV = [
  'Inter-|   Receive                                                |  Transmit',
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
  '    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0',
  '  eth0:  500000     400    0    0    0     0          0         0    20000     300    0    0    0     0       0          0',
].join('\n');
const DISKSTATS = [
  '   7       0 loop0 10 0 80 0 0 0 0 0 0 0 0 0 0 0 0 0 0',
  // Majors no real machine uses, so that the fixture never matches the device of a real path.
  '3259       0 nvme0n1 1000 10 20480 300 500 20 10240 900 0 1000 1200 0 0 0 0 0 0',
  '3259       1 nvme0n1p1 900 10 2048 300 400 20 4096 900 0 1000 1200 0 0 0 0 0 0',
  ' 253       0 zram0 5 0 40 0 5 0 40 0 0 0 0 0 0 0 0 0 0',
].join('\n');

describe('/proc parsers', () => {
  it('parses /proc/<pid>/stat after the last parenthesis', () => {
    assert.deepEqual(parsePidStat(PID_STAT), { state: 'S', cpuTicks: 1560, threads: 12, startTime: '987654' });
    assert.equal(parsePidStat('garbage'), null);
    assert.equal(parsePidStat('1 (x) S 1 2'), null);
  });

  it('parses VmRSS and Threads of /proc/<pid>/status; a kernel thread has no VmRSS', () => {
    assert.deepEqual(parsePidStatus(PID_STATUS), { rssBytes: 204800 * 1024, threads: 12 });
    assert.deepEqual(parsePidStatus('Name:\tkthreadd\nThreads:\t1\n'), { rssBytes: null, threads: 1 });
  });

  it('parses /proc/stat: all cores and each core by its number (offline cores have no line)', () => {
    const times = parseCpuTimes(PROC_STAT)!;
    assert.deepEqual(times.all, { busy: 1500, total: 10000 });
    assert.deepEqual([...times.cores.keys()], [0, 2]);
    assert.deepEqual(times.cores.get(2), { busy: 700, total: 5000 });
    assert.equal(parseCpuTimes('intr 1 2 3'), null);
    // guest and guest_nice (columns 9, 10) are already in user and nice: not added again.
    assert.deepEqual(parseCpuTimes('cpu  10 0 10 80 0 0 0 0 7 7')!.all, { busy: 20, total: 100 });
  });

  it('parses /proc/meminfo, falling back to free + buffers + cached without MemAvailable', () => {
    assert.deepEqual(parseMeminfo(MEMINFO), { totalBytes: 16_000_000 * 1024, availableBytes: 4_000_000 * 1024 });
    assert.deepEqual(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 50 kB\n'), { totalBytes: 1000 * 1024, availableBytes: 160 * 1024 });
    assert.equal(parseMeminfo('MemFree: 100 kB\n'), null);
  });

  it('sums /proc/net/dev over every interface, loopback included', () => {
    assert.deepEqual(parseNetDev(NET_DEV), { recvBytes: 501_000, sentBytes: 21_000 });
    assert.equal(parseNetDev('Inter-|   Receive\n face |bytes\n'), null);
  });

  it('parses /proc/diskstats in 512-byte sectors', () => {
    const disks = parseDiskstats(DISKSTATS);
    assert.deepEqual(disks.get('nvme0n1'), { major: 3259, minor: 0, readBytes: 20480 * 512, writeBytes: 10240 * 512 });
    assert.deepEqual([...disks.keys()], ['loop0', 'nvme0n1', 'nvme0n1p1', 'zram0']);
  });
});

describe('system metrics', () => {
  const host = (cpu: string, mem = MEMINFO): HostCounters => ({
    source: 'proc',
    cpu: parseCpuTimes(cpu),
    memory: parseMeminfo(mem),
    network: null,
    disks: null,
    diskUsage: { path: '/', usedBytes: 50 * 1024 ** 3, usedPercent: 25 },
  });
  const proc = (cpu: number, capacity: number, identity = '1'): ProcessCounters => ({ identity, cpu, capacity, rssBytes: 512 * 1024 * 1024, threads: 7 });

  it('names host metrics as wandb-core does, per core from the previous reading', () => {
    const before = host('cpu  0 0 0 0 0\ncpu0 0 0 0 0 0\ncpu1 0 0 0 0 0');
    const now = host('cpu  150 0 50 200 0\ncpu0 25 0 0 75 0\ncpu1 125 0 50 25 0');
    assert.deepEqual(hostMetrics(before, now), {
      'cpu.0.cpu_percent': 25,
      'cpu.1.cpu_percent': 87.5,
      memory_percent: 75,
      'proc.memory.availableMB': 4_000_000 / 1024,
      'disk./.usagePercent': 25,
      'disk./.usageGB': 50,
    });
    assert.equal(hostMetrics(null, now)['cpu.0.cpu_percent'], undefined, 'no rate without an earlier reading');
  });

  it('process CPU is normalized by all cores, and only against a reading of the same process', () => {
    const memory = parseMeminfo(MEMINFO);
    const metrics = processMetrics(proc(100, 1000), proc(250, 1600), memory);
    assert.deepEqual(metrics, {
      cpu: 25,
      'proc.cpu.threads': 7,
      'proc.memory.rssMB': 512,
      'proc.memory.percent': ((512 * 1024 * 1024) / (16_000_000 * 1024)) * 100,
    });
    assert.equal(processMetrics(undefined, proc(250, 1600), memory).cpu, undefined);
    assert.equal(processMetrics(proc(100, 1000, 'old'), proc(250, 1600, 'new'), memory).cpu, undefined, 'a reused pid');
    assert.equal(processMetrics(proc(100, 1000), proc(100, 1000), memory).cpu, undefined, 'no time passed');
  });

  it('network and disk I/O count from the run\'s baseline', () => {
    const disks = (read: number, written: number) => new Map<string, DiskCounters>([['sda', { major: 8, minor: 0, readBytes: read, writeBytes: written }]]);
    const baseline: HostCounters = { ...host('cpu 0 0 0 0'), network: { sentBytes: 100, recvBytes: 1000 }, disks: disks(1024 ** 2, 0) };
    const now: HostCounters = { ...host('cpu 0 0 0 0'), network: { sentBytes: 600, recvBytes: 4000 }, disks: disks(3 * 1024 ** 2, 5 * 1024 ** 2) };
    assert.deepEqual(sinceStartMetrics(baseline, now), { 'network.sent': 500, 'network.recv': 3000, 'disk.sda.in': 2, 'disk.sda.out': 5 });
    assert.deepEqual(sinceStartMetrics({ ...baseline, network: null, disks: null }, now), {});
  });
});

describe('reading a /proc tree', () => {
  function fixtureProc(): string {
    const root = freshDir();
    mkdirSync(join(root, 'net'));
    mkdirSync(join(root, '4242'));
    writeFileSync(join(root, 'stat'), PROC_STAT);
    writeFileSync(join(root, 'meminfo'), MEMINFO);
    writeFileSync(join(root, 'net', 'dev'), NET_DEV);
    writeFileSync(join(root, 'diskstats'), DISKSTATS);
    writeFileSync(join(root, '4242', 'stat'), PID_STAT);
    writeFileSync(join(root, '4242', 'status'), PID_STATUS);
    return root;
  }

  it('reads host and process counters from the files', () => {
    const procRoot = fixtureProc();
    const host = new HostReader({ procRoot, diskPath: procRoot }).read();
    assert.equal(host.source, 'proc');
    assert.deepEqual(host.cpu?.all, { busy: 1500, total: 10000 });
    assert.deepEqual(host.network, { recvBytes: 501_000, sentBytes: 21_000 });
    assert.ok(host.diskUsage && host.diskUsage.usedPercent >= 0 && host.diskUsage.usedPercent <= 100);
    // The fixture's devices do not back a real path: every real device is watched instead.
    assert.deepEqual([...host.disks!.keys()], ['nvme0n1', 'nvme0n1p1']);
    assert.deepEqual(readProcessCounters(4242, host, procRoot), { identity: '987654', cpu: 1560, capacity: 10000, rssBytes: 204800 * 1024, threads: 12 });
    assert.equal(readProcessCounters(4243, host, procRoot), null, 'no /proc/<pid>: exited');
    writeFileSync(join(procRoot, '4242', 'stat'), PID_STAT.replace(') S ', ') Z '));
    assert.equal(readProcessCounters(4242, host, procRoot), null, 'a zombie has exited');
  });

  it('without /proc, CPU and memory come from os, and only the daemon\'s own process is measured', () => {
    const empty = freshDir();
    const host = new HostReader({ procRoot: empty }).read();
    assert.equal(host.source, 'os');
    assert.ok(host.cpu && host.cpu.cores.size > 0);
    assert.ok(host.memory && host.memory.totalBytes > 0);
    assert.equal(host.network, null);
    const self = readProcessCounters(process.pid, host, empty)!;
    assert.ok(self.rssBytes! > 0 && self.cpu! > 0 && self.capacity! > 0);
  });

  it('watches the device a path lives on when diskstats lists it, else every real device', () => {
    const dir = freshDir();
    const dev = statSync(dir, { bigint: true }).dev;
    const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
    const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
    const all = new Map<string, DiskCounters>([
      ['loop0', { major: 7, minor: 0, readBytes: 0, writeBytes: 0 }],
      ['backing', { major, minor, readBytes: 0, writeBytes: 0 }],
      ['other', { major: major + 1, minor, readBytes: 0, writeBytes: 0 }],
    ]);
    assert.deepEqual([...devicesBacking(dir, all)], ['backing']);
    assert.deepEqual([...devicesBacking('/nonexistent/path', all)], ['backing', 'other']);
  });
});

describe('stats settings', () => {
  it('reads WANDB_DAEMON_STATS_INTERVAL in seconds: default 15, fractions, 0 = off', () => {
    assert.equal(statsIntervalMs({}), DEFAULT_STATS_INTERVAL_SECONDS * 1000);
    assert.equal(statsIntervalMs({ WANDB_DAEMON_STATS_INTERVAL: '0.2' }), 200);
    assert.equal(statsIntervalMs({ WANDB_DAEMON_STATS_INTERVAL: '0' }), 0);
    assert.throws(() => statsIntervalMs({ WANDB_DAEMON_STATS_INTERVAL: 'often' }), /WANDB_DAEMON_STATS_INTERVAL must be a number of seconds >= 0, got "often"/);
    assert.throws(() => statsIntervalMs({ WANDB_DAEMON_STATS_INTERVAL: '-1' }), /WANDB_DAEMON_STATS_INTERVAL/);
  });

  it('a run opts out with xDisableStats, disableStats or _disableStats', () => {
    assert.equal(statsDisabledBySettings('{"xDisableStats":true}'), true);
    assert.equal(statsDisabledBySettings('{"disableStats":true}'), true);
    assert.equal(statsDisabledBySettings('{"_disableStats":true}'), true, 'W&B\'s older _disable_stats, camelCased by the client');
    assert.equal(statsDisabledBySettings('{"disableStats":false,"xDisableStats":"yes"}'), false);
    assert.equal(statsDisabledBySettings('{}'), false);
    assert.equal(statsDisabledBySettings('not json'), false);
  });
});

describe('sampler timing', () => {
  it('a run attached just before an interval tick is not sampled a moment later (no CPU time to rate), but at its first sample', async () => {
    const { EventEmitter } = await import('node:events');
    const { SystemSampler } = await import('../src/stats/system-sampler.js');
    const registry = new EventEmitter();
    const pushed: { samples: { run: number }[] }[] = [];
    const deps = {
      registry,
      runs: { get: () => ({ pid: process.pid, settings: '{}' }) },
      queue: { push: (item: { samples: { run: number }[] }) => pushed.push(item) },
      log: { warn: () => undefined },
    };
    const sampler = new SystemSampler(deps as never, 200);
    sampler.start();
    try {
      // Attached 10 ms before the tick at 200 ms: that tick and the one at 400 ms come too soon after
      // the attach and after the first sample (one interval after the attach, at 390 ms).
      await new Promise((resolve) => setTimeout(resolve, 190));
      registry.emit('attached', { active: { pk: 7 } });
      await new Promise((resolve) => setTimeout(resolve, 250));
      const samples = pushed.flatMap((item) => item.samples).filter((s) => s.run === 7);
      assert.equal(samples.length, 1, 'one sample, not one a few milliseconds after the attach and another after the first');
      assert.equal(typeof (samples[0] as unknown as { metrics: Record<string, unknown> }).metrics.cpu, 'number', 'the sample rates CPU use');
    } finally {
      sampler.stop();
    }
  });
});
