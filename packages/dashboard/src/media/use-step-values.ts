/**
 * The values of one media key over the run's steps (`history/values`), refetched when the run's
 * history version moves: at most once per LIVE_REFETCH_MS (the last change always fetched, as the
 * charts do), one request at a time, the reply replacing the list only when it arrives (so the
 * slider never empties while a live run grows).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchHistoryValues, type RunPath, type StepValue } from '../api.js';
import { LIVE_REFETCH_MS } from '../charts/series-loader.js';
import { errorMessage, handleUnauthorized } from '../ui/api-errors.js';
import { throttleTask } from '../ui/throttle.js';

/** A key's values as last fetched. */
export interface StepValues {
  values: readonly StepValue[];
  /** Values the run holds for the key (more than `values` when the server spread a sample). */
  total: number;
  /** True until the first reply. */
  loading: boolean;
  error: string | null;
}

const EMPTY: readonly StepValue[] = [];

/**
 * Up to `limit` values of `key` spread over the run (null key: nothing fetched). `run` must keep its
 * identity; `version` is the run's history version (ChartRun.version).
 */
export function useStepValues(run: RunPath, key: string | null, version: number, limit: number): StepValues {
  const [state, setState] = useState<StepValues>({ values: EMPTY, total: 0, loading: key !== null, error: null });
  const poke = useRef<(() => void) | null>(null);

  useEffect(() => {
    if (key === null) return;
    let alive = true;
    const controller = new AbortController();
    // One request at a time; the run growing during one fetches once more after it.
    const refetch = throttleTask(async () => {
      try {
        const reply = await fetchHistoryValues(run, { key, limit }, controller.signal);
        if (alive) setState({ values: reply.values, total: reply.total, loading: false, error: null });
      } catch (e) {
        if (alive && !handleUnauthorized(e)) setState((s) => ({ ...s, loading: false, error: errorMessage(e) }));
      }
    }, LIVE_REFETCH_MS);
    setState((s) => (s.loading && s.values === EMPTY && s.error === null ? s : { values: EMPTY, total: 0, loading: true, error: null }));
    refetch.call();
    poke.current = () => refetch.call();
    return () => {
      alive = false;
      poke.current = null;
      controller.abort();
      refetch.cancel();
    };
  }, [run, key, limit]);

  const seen = useRef(version);
  useEffect(() => {
    if (version === seen.current) return;
    seen.current = version;
    poke.current?.();
  }, [version]);

  return state;
}
