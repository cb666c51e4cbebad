/**
 * Turns counter readings into W&B's system metrics, named as wandb-core records them for a run
 * (core/internal/monitor/system.go; the events line adds the `system.` prefix):
 *
 *   cpu                       the process's CPU percent, normalized by the number of cores (0–100)
 *   proc.cpu.threads          the process's threads
 *   proc.memory.rssMB         the process's resident memory, MB
 *   proc.memory.percent       that, in percent of the machine's memory
 *   memory_percent            the machine's memory in use, percent
 *   proc.memory.availableMB   the machine's available memory, MB
 *   cpu.<i>.cpu_percent       each core's utilization, percent (the Python SDK's per-core key)
 *   disk.<path>.usagePercent  used space of the watched path's file system, percent
 *   disk.<path>.usageGB       used space, GB
 *   disk.<device>.in / .out   MB read from / written to the path's device since the run attached
 *   network.sent / .recv      bytes sent / received on all interfaces since the run attached
 *
 * Rates need two readings; a metric whose reading is missing is left out, never written as 0.
 */
import type { HostCounters } from './host-counters.js';
import type { CpuTicks, MemoryInfo } from './proc-parsers.js';
import type { ProcessCounters } from './process-counters.js';

/** Metric name (without `system.`) → value. */
export type Metrics = Record<string, number>;

const MB = 1024 * 1024;
const GB = 1024 * MB;

const percent = (part: number, whole: number): number => Math.min(100, Math.max(0, (part / whole) * 100));

/** Per-core CPU since the previous host reading, memory and disk usage now. */
export function hostMetrics(previous: HostCounters | null, current: HostCounters): Metrics {
  const metrics: Metrics = {};
  if (previous?.cpu && current.cpu) {
    for (const [core, now] of current.cpu.cores) {
      const busy = utilization(previous.cpu.cores.get(core), now);
      if (busy !== null) metrics[`cpu.${core}.cpu_percent`] = busy;
    }
  }
  if (current.memory) {
    const { totalBytes, availableBytes } = current.memory;
    metrics.memory_percent = percent(totalBytes - availableBytes, totalBytes);
    metrics['proc.memory.availableMB'] = availableBytes / MB;
  }
  if (current.diskUsage) {
    metrics[`disk.${current.diskUsage.path}.usagePercent`] = current.diskUsage.usedPercent;
    metrics[`disk.${current.diskUsage.path}.usageGB`] = current.diskUsage.usedBytes / GB;
  }
  return metrics;
}

/** Busy percent of a core between two readings; null without a usable earlier one. */
function utilization(before: CpuTicks | undefined, after: CpuTicks): number | null {
  if (!before) return null;
  const total = after.total - before.total;
  return total > 0 ? percent(after.busy - before.busy, total) : null;
}

/** The process's CPU since its previous reading (same process only), memory and threads now. */
export function processMetrics(previous: ProcessCounters | undefined, current: ProcessCounters, memory: MemoryInfo | null): Metrics {
  const metrics: Metrics = {};
  const cpu = processCpuPercent(previous, current);
  if (cpu !== null) metrics.cpu = cpu;
  if (current.threads !== null) metrics['proc.cpu.threads'] = current.threads;
  if (current.rssBytes !== null) {
    metrics['proc.memory.rssMB'] = current.rssBytes / MB;
    if (memory) metrics['proc.memory.percent'] = percent(current.rssBytes, memory.totalBytes);
  }
  return metrics;
}

function processCpuPercent(previous: ProcessCounters | undefined, current: ProcessCounters): number | null {
  if (!previous || previous.identity !== current.identity) return null;
  if (previous.cpu === null || current.cpu === null || previous.capacity === null || current.capacity === null) return null;
  const capacity = current.capacity - previous.capacity;
  return capacity > 0 ? percent(current.cpu - previous.cpu, capacity) : null;
}

/** Network and disk traffic since `baseline` (the reading taken when the run attached). */
export function sinceStartMetrics(baseline: HostCounters, current: HostCounters): Metrics {
  const metrics: Metrics = {};
  if (baseline.network && current.network) {
    metrics['network.sent'] = Math.max(0, current.network.sentBytes - baseline.network.sentBytes);
    metrics['network.recv'] = Math.max(0, current.network.recvBytes - baseline.network.recvBytes);
  }
  for (const [device, now] of current.disks ?? []) {
    const before = baseline.disks?.get(device);
    if (!before) continue;
    metrics[`disk.${device}.in`] = Math.max(0, now.readBytes - before.readBytes) / MB;
    metrics[`disk.${device}.out`] = Math.max(0, now.writeBytes - before.writeBytes) / MB;
  }
  return metrics;
}
