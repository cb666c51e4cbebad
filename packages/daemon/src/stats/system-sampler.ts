/**
 * System metrics, sampled by the daemon so that the user's process stays light. Every running run
 * (attached in the registry) whose row names its writer's pid is sampled every interval, the first
 * time shortly after it attaches; each sample becomes one events line per run, written by the commit
 * queue (the single writer) like any record, so the run's counters, group commit and crash recovery
 * apply unchanged. Several runs of one process share its process metrics; each gets its own line.
 */
import type { CommitQueue, DaemonSample } from '../ingest/commit-queue.js';
import type { AttachedRun, RunRegistry } from '../ingest/run-registry.js';
import type { Logger } from '../log.js';
import type { RunStore } from '../store/run-store.js';
import { HostReader, type HostCounters } from './host-counters.js';
import { readProcessCounters, type ProcessCounters } from './process-counters.js';
import { FIRST_SAMPLE_MAX_DELAY_MS, statsDisabledBySettings } from './stats-settings.js';
import { hostMetrics, processMetrics, sinceStartMetrics } from './system-metrics.js';

/** What the sampler uses of the daemon. */
export interface SamplerDeps {
  registry: RunRegistry;
  runs: RunStore;
  queue: CommitQueue;
  log: Logger;
}

interface WatchedRun {
  pk: number;
  pid: number;
  /** The writer process's identity when the run attached (null: unknown); another one is not measured. */
  identity: string | null;
  /** The host reading taken when the run attached: network and disk I/O count from it. */
  baseline: HostCounters;
  firstSample: NodeJS.Timeout | null;
  /** performance.now() of this run's last reading: its last sample, or its attach (the baseline). */
  sampledAt: number;
}

/** Samples the registry's running runs; `start()` and `stop()` bracket the daemon's life. */
export class SystemSampler {
  private readonly watched = new Map<number, WatchedRun>();
  /** The previous reading of each watched pid, for its CPU rate. */
  private readonly processes = new Map<number, ProcessCounters>();
  private lastHost: HostCounters | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly onAttached = (attached: AttachedRun): void => this.guard(() => this.watch(attached.active.pk));
  private readonly onDetached = (pk: number): void => this.unwatch(pk);

  /** `intervalMs` 0 makes `start()` a no-op (sampling off). */
  constructor(
    private readonly deps: SamplerDeps,
    private readonly intervalMs: number,
    private readonly reader = new HostReader(),
  ) {}

  /** Follows the registry and starts the interval timer. */
  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.lastHost = this.reader.read();
    this.deps.registry.on('attached', this.onAttached);
    this.deps.registry.on('detached', this.onDetached);
    this.timer = setInterval(() => this.guard(() => this.sample([...this.watched.values()])), this.intervalMs);
    this.timer.unref();
  }

  /** Stops sampling; nothing is queued afterwards (call before the queue's last flush). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.deps.registry.off('attached', this.onAttached);
    this.deps.registry.off('detached', this.onDetached);
    for (const pk of [...this.watched.keys()]) this.unwatch(pk);
  }

  /** Sampling must never take the daemon down: a failure is logged and the next tick tries again. */
  private guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.deps.log.warn({ err: error }, 'system metrics sampling failed');
    }
  }

  /** A run (re)attached: watch it unless it opted out or names no pid; a reattach by the same pid keeps its baseline. */
  private watch(pk: number): void {
    const row = this.deps.runs.get(pk);
    if (!row || row.pid === null || statsDisabledBySettings(row.settings)) return this.unwatch(pk);
    if (this.watched.get(pk)?.pid === row.pid) return;
    this.unwatch(pk);
    const baseline = this.reader.read();
    const process = readProcessCounters(row.pid, baseline, this.reader.procRoot);
    if (process && !this.processes.has(row.pid)) this.processes.set(row.pid, process);
    const run: WatchedRun = { pk, pid: row.pid, identity: process?.identity ?? null, baseline, firstSample: null, sampledAt: performance.now() };
    run.firstSample = setTimeout(() => this.guard(() => this.sample([run])), Math.min(FIRST_SAMPLE_MAX_DELAY_MS, this.intervalMs));
    run.firstSample.unref();
    this.watched.set(pk, run);
  }

  private unwatch(pk: number): void {
    const run = this.watched.get(pk);
    if (!run) return;
    if (run.firstSample) clearTimeout(run.firstSample);
    this.watched.delete(pk);
    if (![...this.watched.values()].some((other) => other.pid === run.pid)) this.processes.delete(run.pid);
  }

  /** One reading of the host and of each process, one events line per run. */
  private sample(all: WatchedRun[]): void {
    // A tick can land just after a run attached (or just after its first sample): a reading a
    // moment after the previous one has no CPU time elapsed to rate, so such a run waits.
    const now = performance.now();
    const runs = all.filter((run) => now - run.sampledAt >= this.intervalMs / 2);
    if (runs.length === 0) return;
    const host = this.reader.read();
    const ts = Date.now() / 1000;
    const shared = hostMetrics(this.lastHost, host);
    this.lastHost = host;
    const samples: DaemonSample[] = [];
    for (const [pid, group] of byPid(runs)) {
      const process = readProcessCounters(pid, host, this.reader.procRoot);
      // Exited: its run is finished or marked crashed by the ingest when the writer's socket closes.
      if (!process) continue;
      const perProcess = processMetrics(this.processes.get(pid), process, host.memory);
      this.processes.set(pid, process);
      for (const run of group) {
        if (run.firstSample) clearTimeout(run.firstSample);
        run.firstSample = null;
        run.sampledAt = now;
        if (run.identity !== null && run.identity !== process.identity) continue; // the pid was reused
        samples.push({ run: run.pk, ts, metrics: { ...perProcess, ...shared, ...sinceStartMetrics(run.baseline, host) } });
      }
    }
    if (samples.length > 0) this.deps.queue.push({ kind: 'samples', samples });
  }
}

function byPid(runs: WatchedRun[]): Map<number, WatchedRun[]> {
  const groups = new Map<number, WatchedRun[]>();
  for (const run of runs) {
    const group = groups.get(run.pid);
    if (group) group.push(run);
    else groups.set(run.pid, [run]);
  }
  return groups;
}
