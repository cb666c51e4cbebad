/**
 * A history key against an x axis for one or more runs, fetched from the server's M4 endpoint: at
 * least one bucket per pixel column of the plot, the whole run when not zoomed, the zoom window when zoomed
 * (M4 recomputed for it, so zooming shows more detail). A live run is refetched when the page bumps
 * its `version`, on the same uPlot instance; other runs of the chart are not fetched again. With
 * smoothing on, the server smooths every raw point and the chart draws its smoothed line.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fetchSeries, type SeriesReply } from '../api.js';
import type { ChartRun, HistoryChartProps } from './contract.js';
import { bucketsForWidth, hasNumericValues, type PlotSeries } from './series-data.js';
import { clampSmoothing } from './smoothing.js';
import { requestKey, SeriesLoader, slotOf, type LoadRequest, type LoadResult } from './series-loader.js';
import { UPlotChart, useZoomWindow, type ChartState } from './uplot-chart.js';
import type { ZoomWindow } from './zoom-sync.js';

/** Wait this long after the last width change before refetching for the new width. */
const RESIZE_DEBOUNCE_MS = 250;
/** Wait this long after the last smoothing change before refetching (the slider is dragged). */
const SMOOTHING_DEBOUNCE_MS = 200;

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

/** `value`, following its changes after they stop for `ms` (a change to or from 0 at once). */
function useDebounced(value: number, ms: number): number {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (value === settled) return;
    // Turning smoothing on or off changes what is drawn at once: no reason to wait.
    if (value === 0 || settled === 0) {
      setSettled(value);
      return;
    }
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, settled, ms]);
  return settled;
}

/** The request of each run for the current key, width, window and smoothing (null until the width is known). */
function useRequests(runs: ChartRun[], yKey: string, xKey: string, buckets: number | null, zoom: ZoomWindow | null, smoothing: number) {
  return useMemo(() => {
    if (buckets === null) return null;
    const query = { key: yKey, x: xKey, buckets, ...(zoom ? { min: zoom.min, max: zoom.max } : {}), ...(smoothing > 0 ? { smoothing } : {}) };
    return runs.map((run) => ({ slot: slotOf(run.path), request: { path: run.path, query } }));
  }, [runs, yKey, xKey, buckets, zoom, smoothing]);
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
  const { yKey, xKey, settings, syncGroup } = props;
  // Pages may pass a new array each render: only a real change of the runs refetches. Versions are
  // read apart, so a version bump refetches only the slots whose version moved.
  const runsKey = JSON.stringify(props.runs.map((r) => [r.path.entity, r.path.project, r.path.run, r.label, r.color]));
  const runs = useMemo(() => props.runs, [runsKey]);
  const versions = new Map(props.runs.map((r) => [slotOf(r.path), r.version]));
  const versionsKey = JSON.stringify([...versions]);
  const zoom = useZoomWindow(syncGroup);
  const [buckets, onPlotWidth] = useBuckets();
  const smoothing = useDebounced(clampSmoothing(settings.smoothing), SMOOTHING_DEBOUNCE_MS);
  const requests = useRequests(runs, yKey, xKey, buckets, zoom, smoothing);
  const { loader, results, setResults } = useLoader();

  useLayoutEffect(() => {
    if (!requests) return;
    const slots = new Set(requests.map((r) => r.slot));
    loader.retain(slots);
    for (const r of requests) loader.want(r.slot, r.request, versions.get(r.slot) ?? 0);
    setResults((prev) => ([...prev.keys()].every((s) => slots.has(s)) ? prev : new Map([...prev].filter(([s]) => slots.has(s)))));
  }, [requests, versionsKey]);

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
      // The server's smoothed line when it sent one (for the weight asked last, until the reply for
      // the new weight comes); else the points are smoothed in the drawing code.
      const smoothed = reply?.smoothed ?? null;
      series.push({ label: run.label, color: run.color, run: run.path, points: reply?.points ?? [], smoothed, rawCount: reply?.rawCount ?? 0, aggregated: reply?.aggregated ?? false });
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
      zoom={zoom}
      state={view.state}
      error={view.error}
      onPlotWidth={onPlotWidth}
    />
  );
}
