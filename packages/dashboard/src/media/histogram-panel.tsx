/**
 * A histogram key: every logged step as a heatmap over steps, and the latest histogram as bars (a
 * summary-only histogram: the bars alone).
 */
import { useMemo } from 'preact/hooks';
import type { MediaPanelProps } from './contract.js';
import { buildHeatmap, parseHistogram } from './heatmap.js';
import { HeatmapCanvas } from './heatmap-canvas.js';
import { HistogramBars } from './histogram-bars.js';
import { frameState, MediaFrame } from './media-frame.js';
import { useStepValues } from './use-step-values.js';

/** Steps (heatmap columns) fetched at most, spread evenly over the run. */
const HEATMAP_LIMIT = 200;

/** The histogram panel (`histogram`). */
export function HistogramPanel({ run, entry, version }: MediaPanelProps) {
  const inHistory = entry.source === 'history';
  const values = useStepValues(run, inHistory ? entry.key : null, version, HEATMAP_LIMIT);
  const map = useMemo(() => (inHistory ? buildHeatmap(values.values) : null), [inHistory, values.values]);
  const latest = useMemo(() => {
    if (!inHistory) return { step: undefined, hist: parseHistogram(entry.summaryValue) };
    for (let i = values.values.length - 1; i >= 0; i--) {
      const hist = parseHistogram(values.values[i]!.value);
      if (hist) return { step: values.values[i]!.step, hist };
    }
    return { step: undefined, hist: null };
  }, [inHistory, values.values, entry.summaryValue]);
  const state = frameState(inHistory && values.loading, latest.hist !== null, values.error);
  const attrs = {
    'data-heatmap-steps': map?.steps.length ?? 0,
    'data-heatmap-bins': map?.rows ?? 0,
    'data-latest-step': latest.step,
    'data-step-total': inHistory ? values.total : undefined,
  };
  return (
    <MediaFrame mediaKey={entry.key} type={entry.type} source={entry.source} state={state} error={values.error} attrs={attrs}>
      {map && map.steps.length > 1 ? <HeatmapCanvas map={map} /> : null}
      {latest.hist ? (
        <>
          <p class="media-meta muted">{latest.step === undefined ? 'Summary' : `Step ${latest.step}`}</p>
          <HistogramBars hist={latest.hist} />
        </>
      ) : null}
    </MediaFrame>
  );
}
