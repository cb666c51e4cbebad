/**
 * Fetch scheduling for one chart: one slot per run, at most one request in flight per slot.
 *
 * - A new query (zoom window, width, key) aborts the slot's request in flight and starts the new
 *   one: the old reply is stale.
 * - A new data version with the same query (the live run grew) does not abort: the request in
 *   flight finishes and one more follows it, however many versions arrived meanwhile.
 * - Version-driven fetches of a slot start at most once per `minIntervalMs` (500 ms): a version
 *   arriving sooner waits for the end of the interval (the trailing fetch always happens), so a run
 *   logging fast costs two requests a second per chart, not one per message. A new query is not
 *   held back. The clock is monotonic (`performance.now()`), and a wait never exceeds the interval.
 * - Only the reply to the slot's current request is delivered, so an old reply (one that resolved
 *   just as it was aborted, or that raced a newer one) never overwrites a newer one.
 *
 * Pure (the fetch function is injected), for unit tests under Node.
 */
import type { RunPath, SeriesQuery, SeriesReply } from '../api.js';

/** Fetches one series; `fetchSeries` from the API module in the app. */
export type FetchSeries = (path: RunPath, query: SeriesQuery, signal: AbortSignal) => Promise<SeriesReply>;

/** What a slot was asked for. */
export interface LoadRequest {
  path: RunPath;
  query: SeriesQuery;
}

/** The outcome of a slot's request: `key` identifies the query (see requestKey). */
export type LoadResult = { key: string; request: LoadRequest } & ({ reply: SeriesReply; error?: undefined } | { reply?: undefined; error: Error });

/** Identifies a query: equal keys mean equal requests (the data version aside). */
export function requestKey(request: LoadRequest): string {
  const { path, query } = request;
  const smoothing = query.smoothing !== undefined && query.smoothing > 0 ? query.smoothing : null;
  return JSON.stringify([path.entity, path.project, path.run, query.key, query.x ?? '_step', query.buckets, query.min ?? null, query.max ?? null, query.rawLimit ?? null, smoothing]);
}

/** The slot name of a run. */
export const slotOf = (path: RunPath): string => JSON.stringify([path.entity, path.project, path.run]);

interface Wanted {
  key: string;
  request: LoadRequest;
  version: number;
}

interface InFlight {
  key: string;
  version: number;
  controller: AbortController;
}

interface Slot {
  wanted: Wanted;
  inFlight: InFlight | null;
  done: { key: string; version: number } | null;
  /** When the slot's last fetch started (clock time, monotonic in the app). */
  startedAt: number;
  /** The trailing fetch of a version change that came too soon after the last one. */
  timer: unknown;
}

/** Time and timers of the loader (the real ones in the app, a fake clock in tests). */
export interface LoaderClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: LoaderClock = {
  // Monotonic: a wall clock set back would hold a trailing fetch back by the jump.
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** At most one version-driven fetch per slot per this many milliseconds. */
export const LIVE_REFETCH_MS = 500;

/** Fetches of one chart, one slot per run (see the module comment). */
export class SeriesLoader {
  private readonly slots = new Map<string, Slot>();
  private disposed = false;

  constructor(
    private readonly fetchSeries: FetchSeries,
    private readonly onResult: (slot: string, result: LoadResult) => void,
    private readonly minIntervalMs = LIVE_REFETCH_MS,
    private readonly clock: LoaderClock = realClock,
  ) {}

  /** Asks slot `slot` for `request` at data version `version` (fetches only what is not had yet). */
  want(slot: string, request: LoadRequest, version: number): void {
    if (this.disposed) return;
    const wanted = { key: requestKey(request), request, version };
    const state = this.slots.get(slot);
    if (state) state.wanted = wanted;
    else this.slots.set(slot, { wanted, inFlight: null, done: null, startedAt: Number.NEGATIVE_INFINITY, timer: null });
    this.pump(slot);
  }

  /** Drops (and aborts) every slot not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const [name, slot] of this.slots) {
      if (keep.has(name)) continue;
      slot.inFlight?.controller.abort();
      this.cancelTimer(slot);
      this.slots.delete(name);
    }
  }

  /** True while any slot has a request in flight. */
  get busy(): boolean {
    return [...this.slots.values()].some((s) => s.inFlight !== null);
  }

  /** Aborts everything; no result is delivered afterwards. */
  dispose(): void {
    this.disposed = true;
    this.retain(new Set());
  }

  private pump(name: string): void {
    const slot = this.slots.get(name);
    if (!slot || this.disposed) return;
    const { wanted, inFlight, done } = slot;
    if (inFlight) {
      if (inFlight.key === wanted.key) return; // same query: pump again when it lands
      inFlight.controller.abort();
      slot.inFlight = null;
    } else if (done && done.key === wanted.key) {
      if (done.version >= wanted.version) return;
      // Only the version moved: wait out the slot's interval (the timer pumps again). A clock that
      // went back counts the interval from now, so the wait is never longer than one interval.
      const now = this.clock.now();
      if (slot.startedAt > now) slot.startedAt = now;
      const wait = slot.startedAt + this.minIntervalMs - now;
      if (wait > 0) {
        if (slot.timer === null) {
          slot.timer = this.clock.setTimeout(() => {
            slot.timer = null;
            this.pump(name);
          }, wait);
        }
        return;
      }
    }
    this.start(name, slot);
  }

  private cancelTimer(slot: Slot): void {
    if (slot.timer !== null) this.clock.clearTimeout(slot.timer);
    slot.timer = null;
  }

  private start(name: string, slot: Slot): void {
    const { key, request, version } = slot.wanted;
    const flight: InFlight = { key, version, controller: new AbortController() };
    this.cancelTimer(slot);
    slot.inFlight = flight;
    slot.startedAt = this.clock.now();
    const settle = (result: LoadResult) => {
      // The race this closes: an aborted request can still resolve (the reply was already read),
      // and a slot dropped by retain() can still settle. Only the slot's current request counts.
      if (this.disposed || this.slots.get(name) !== slot || slot.inFlight !== flight) return;
      slot.inFlight = null;
      slot.done = { key, version };
      this.onResult(name, result);
      this.pump(name);
    };
    let promise: Promise<SeriesReply>;
    try {
      promise = this.fetchSeries(request.path, request.query, flight.controller.signal);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (reply) => settle({ key, request, reply }),
      (error: unknown) => settle({ key, request, error: error instanceof Error ? error : new Error(String(error)) }),
    );
  }
}
