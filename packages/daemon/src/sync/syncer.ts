/**
 * The sync stage of the pipeline (ingest → SQLite writer → syncer). It never holds run data in
 * memory: each turn of a run re-reads what is due from SQLite. At most one request per run is in
 * flight, and at most `concurrency` runs are served at once, taken round-robin so that one large
 * backlog does not starve the others.
 */
import type Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import { RunSyncer } from './run-syncer.js';
import type { SyncSettings } from './sync-settings.js';
import { SyncSelection } from './sync-selection.js';
import { SyncStore } from './sync-store.js';

/** How often the syncer looks for due work when nothing woke it. */
const TICK_MS = 100;

/** Owns the run syncers; `stop()` abandons in-flight requests within a short bound. */
export class Syncer {
  readonly store: SyncStore;
  /** Which runs a `sync` request names. */
  readonly selection: SyncSelection;
  private readonly runs = new Map<number, RunSyncer>();
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private wakeScheduled = false;
  private cursor = 0;

  constructor(
    db: Database.Database,
    private readonly log: Logger,
    readonly settings: SyncSettings,
  ) {
    this.store = new SyncStore(db, log);
    this.selection = new SyncSelection(db);
  }

  /** Aborted when the syncer stops (also bounds the server queries of run.start). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts ticking. */
  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    this.wake();
  }

  /** Looks for due work on the next turn of the event loop (after a run starts, finishes or is assigned a remote). */
  wake(): void {
    if (this.wakeScheduled || this.controller.signal.aborted) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.tick();
    });
  }

  /**
   * Makes a run's next turn happen now (its state changed: a fatal error was reset, it was resumed or
   * given another remote). A request in flight from before a reset is abandoned: its answer would be
   * dropped, and the new generation need not wait up to a timeout for it.
   */
  poke(pk: number): void {
    this.runs.get(pk)?.abandonIfStale(this.store.epochOf(pk));
    this.wake();
  }

  /** Runs with deliverable work (the liveness probe: the daemon does not idle-exit while > 0). */
  backlog(): number {
    return this.controller.signal.aborted ? 0 : this.store.backlog();
  }

  private tick(): void {
    if (this.controller.signal.aborted) return;
    let active: number[];
    try {
      active = this.store.activeRuns();
    } catch (error) {
      this.log.error({ err: error }, 'sync: cannot read the runs to sync');
      return;
    }
    this.forgetInactive(new Set(active));
    // Round-robin: start after the run that was served last.
    const start = active.findIndex((pk) => pk > this.cursor);
    const ordered = start <= 0 ? active : [...active.slice(start), ...active.slice(0, start)];
    const now = Date.now();
    for (const pk of ordered) {
      if (this.inFlight.size >= this.settings.concurrency) break;
      if (this.inFlight.has(pk)) continue;
      const run = this.runs.get(pk) ?? this.create(pk);
      if (run.nextAt > now) continue;
      this.cursor = pk;
      this.inFlight.set(pk, this.runTurn(run));
    }
  }

  private create(pk: number): RunSyncer {
    const run = new RunSyncer(pk, { store: this.store, settings: this.settings, log: this.log, signal: this.controller.signal });
    this.runs.set(pk, run);
    return run;
  }

  private async runTurn(run: RunSyncer): Promise<void> {
    try {
      await run.turn();
    } finally {
      this.inFlight.delete(run.pk);
      this.wake();
    }
  }

  /** Drops syncers of runs that are done, fatal or without remote (not while a turn runs). */
  private forgetInactive(active: ReadonlySet<number>): void {
    for (const pk of this.runs.keys()) if (!active.has(pk) && !this.inFlight.has(pk)) this.runs.delete(pk);
  }

  /**
   * Stops: aborts in-flight requests and waits at most `boundMs` for their turns to settle. After the
   * abort no turn writes to the database (each checks the signal after every await), so the caller
   * may close it even if a turn is still unwinding. Abandoned requests are resent at the next start.
   */
  async stop(boundMs = 2_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.controller.abort();
    let timeout: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timeout = setTimeout(resolve, boundMs)));
    await Promise.race([Promise.allSettled([...this.inFlight.values()]), bound]);
    clearTimeout(timeout);
  }
}
