/**
 * A history key against an x axis for one or more runs, fetched from the server's M4 endpoint: one
 * bucket per pixel column of the plot, the whole run when not zoomed, the zoom window when zoomed
 * (M4 recomputed for it, so zooming shows more detail). A live run is refetched when the page bumps
 * `liveVersion`, on the same uPlot instance.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fetchSeries, type SeriesReply } from '../api.js';
import type { ChartRun, HistoryChartProps } from './contract.js';
import { bucketsForWidth, hasNumericValues, type PlotSeries } from './series-data.js';
import { requestKey, SeriesLoader, slotOf, type LoadRequest, type LoadResult } from './series-loader.js';
import { UPlotChart, useZoomWindow, type ChartState } from './uplot-chart.js';
import type { ZoomWindow } from './zoom-sync.js';

/** Wait this long after the last width change before refetching for the new width. */
const RESIZE_DEBOUNCE_MS = 250;

/** A run's latest outcome and its latest good reply (kept through a failed refetch). */
interface RunResult {
  last: LoadResult;
  good: { request: LoadRequest; reply: SeriesReply } | null;
}

/** Buckets for the plot width: the first width at once, later changes debounced. */
function useBuckets(): [number | null, (px: number) => void] {
  const [buckets, setBuckets] = useState<number | null>(null);
  const current = useRef<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const onPlotWidth = useCallback((px: number) => {
    const next = bucketsForWidth(px);
    clearTimeout(timer.current);
    if (next === null || next === current.current) return;
    const apply = () => {
      current.current = next;
      setBuckets(next);
    };
    if (current.current === null) apply();
    else timer.current = setTimeout(apply, RESIZE_DEBOUNCE_MS);
  }, []);
  return [buckets, onPlotWidth];
}

/** The request of each run for the current key, width and window (null until the width is known). */
function useRequests(runs: ChartRun[], yKey: string, xKey: string, buckets: number | null, zoom: ZoomWindow | null) {
  return useMemo(() => {
    if (buckets === null) return null;
    const query = { key: yKey, x: xKey, buckets, ...(zoom ? { min: zoom.min, max: zoom.max } : {}) };
    return runs.map((run) => ({ slot: slotOf(run.path), request: { path: run.path, query } }));
  }, [runs, yKey, xKey, buckets, zoom]);
}

/** The results of the chart's fetches, one per run slot, and the loader that produces them. */
function useLoader() {
  const [results, setResults] = useState<ReadonlyMap<string, RunResult>>(new Map());
  const loader = useRef<SeriesLoader | null>(null);
  if (loader.current === null) {
    loader.current = new SeriesLoader(fetchSeries, (slot, result) =>
      setResults((prev) => {
        const good = result.reply ? { request: result.request, reply: result.reply } : (prev.get(slot)?.good ?? null);
        return new Map(prev).set(slot, { last: result, good });
      }),
    );
  }
  useEffect(() => () => loader.current?.dispose(), []);
  return { loader: loader.current, results, setResults };
}

/** A chart of `yKey` against `xKey` for each of `runs` (see the contract). */
export function HistoryChart(props: HistoryChartProps) {
  const { yKey, xKey, settings, syncGroup, liveVersion } = props;
  // Pages may pass a new array each render: only a real change of the runs refetches.
  const runsKey = JSON.stringify(props.runs.map((r) => [r.path.entity, r.path.project, r.path.run, r.label, r.color]));
  const runs = useMemo(() => props.runs, [runsKey]);
  const zoom = useZoomWindow(syncGroup);
  const [buckets, onPlotWidth] = useBuckets();
  const requests = useRequests(runs, yKey, xKey, buckets, zoom);
  const { loader, results, setResults } = useLoader();

  useLayoutEffect(() => {
    if (!requests) return;
    const slots = new Set(requests.map((r) => r.slot));
    loader.retain(slots);
    for (const r of requests) loader.want(r.slot, r.request, liveVersion);
    setResults((prev) => ([...prev.keys()].every((s) => slots.has(s)) ? prev : new Map([...prev].filter(([s]) => slots.has(s)))));
  }, [requests, liveVersion]);

  const view = useMemo(() => {
    const series: PlotSeries[] = [];
    const errors: { label: string; message: string }[] = [];
    let pending = requests === null;
    runs.forEach((run, i) => {
      const want = requests?.[i];
      const result = want ? results.get(want.slot) : undefined;
      if (!result || !want || result.last.key !== requestKey(want.request)) pending = true;
      else if (result.last.error) errors.push({ label: run.label, message: result.last.error.message });
      const good = result?.good;
      const reply = good && good.request.query.key === yKey && good.request.query.x === xKey ? good.reply : null;
      series.push({ label: run.label, color: run.color, run: run.path, points: reply?.points ?? [], rawCount: reply?.rawCount ?? 0, aggregated: reply?.aggregated ?? false });
    });
    let state: ChartState = 'ready';
    if (runs.length > 0 && pending) state = 'loading';
    else if (runs.length > 0 && errors.length === runs.length) state = 'error';
    else if (!hasNumericValues(series)) state = 'empty';
    const first = errors[0];
    const error = !first ? null : runs.length === 1 ? first.message : `${errors.length} of ${runs.length} runs failed (${first.label}: ${first.message})`;
    return { series, state, error };
  }, [runs, requests, results, yKey, xKey]);

  return (
    <UPlotChart
      chartKey={yKey}
      title={yKey}
      xKey={xKey}
      series={view.series}
      settings={settings}
      syncGroup={syncGroup}
      state={view.state}
      error={view.error}
      onPlotWidth={onPlotWidth}
    />
  );
}
