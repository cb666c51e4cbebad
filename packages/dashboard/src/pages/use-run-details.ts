/**
 * The details of one or more runs, kept fresh by the live socket: every change marks the run for a
 * detail refetch, at most twice a second, so new keys, state and summary appear without resetting
 * anything the user set. A run's history version moves only when its history grew (or it ended),
 * so charts refetch that run alone and heartbeats, console lines or files refetch no chart.
 */
import { useEffect, useState } from 'preact/hooks';
import { fetchRun, type RunDetail, type RunPath } from '../api.js';
import { watchLive } from '../live.js';
import { RunChangeTracker } from './run-change-tracker.js';
import { errorMessage, handleUnauthorized } from '../ui/api-errors.js';
import { throttle } from '../ui/throttle.js';

/** The runs' details and the history versions charts refetch on. */
export interface RunDetails {
  /** By position of the paths; null until loaded (or when it failed). */
  details: (RunDetail | null)[];
  errors: (string | null)[];
  /** By position of the paths: bumped when that run's history grew or may have been missed (ChartRun.version). */
  versions: number[];
}

/** `paths` must keep its identity while the runs stay the same (memoize it). */
export function useRunDetails(paths: readonly RunPath[]): RunDetails {
  const [details, setDetails] = useState<(RunDetail | null)[]>(() => paths.map(() => null));
  const [errors, setErrors] = useState<(string | null)[]>(() => paths.map(() => null));
  const [versions, setVersions] = useState<number[]>(() => paths.map(() => 0));

  useEffect(() => {
    let alive = true;
    const dirty = new Set<number>(paths.map((_, i) => i));
    const inFlight = new Set<number>();
    const update = <T,>(set: (f: (old: T[]) => T[]) => void, index: number, value: (old: T | undefined) => T) =>
      set((old) => {
        const next = old.length === paths.length ? [...old] : paths.map((_, i) => old[i] as T);
        next[index] = value(next[index]);
        return next;
      });
    const put = <T,>(set: (f: (old: T[]) => T[]) => void, index: number, value: T) => update(set, index, () => value);
    const load = async (index: number) => {
      inFlight.add(index);
      dirty.delete(index);
      try {
        const detail = await fetchRun(paths[index]!);
        if (!alive) return;
        put(setDetails, index, detail);
        put(setErrors, index, null);
      } catch (e) {
        if (alive && !handleUnauthorized(e)) put(setErrors, index, errorMessage(e));
      } finally {
        inFlight.delete(index);
        // A change during the fetch may be missing from its answer: fetch it again.
        if (alive && dirty.has(index)) refetch.call();
      }
    };
    const flush = () => {
      for (const index of [...dirty]) if (!inFlight.has(index)) void load(index);
    };
    const refetch = throttle(flush, 500);
    flush();
    const unwatch = paths.map((path, index) => {
      const tracker = new RunChangeTracker();
      return watchLive(path, (change) => {
        // Versions only grow (the chart loader fetches when a slot's version passes the one it has).
        if (tracker.next(change).history) update(setVersions, index, (v: number | undefined) => (v ?? 0) + 1);
        dirty.add(index);
        refetch.call();
      });
    });
    return () => {
      alive = false;
      refetch.cancel();
      for (const u of unwatch) u();
    };
  }, [paths]);

  return { details, errors, versions };
}
