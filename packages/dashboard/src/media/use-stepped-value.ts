/**
 * The value a media panel shows: for a history key, the value at the slider's step (following the
 * latest step until the user picks another, see step-follow.ts); for a summary-only key, the
 * summary value.
 */
import { useMemo, useState } from 'preact/hooks';
import type { StepValue } from '../api.js';
import type { MediaAttrs, MediaPanelProps } from './contract.js';
import { frameState, type MediaState } from './media-frame.js';
import { fileItem, mediaItems, type MediaItem } from './media-types.js';
import { useRunFile, type Loaded } from './run-files.js';
import type { StepSliderProps } from './step-slider.js';
import { indexForPin, pinForIndex } from './step-follow.js';
import { useStepValues } from './use-step-values.js';

/** Steps a slider offers at most (the server spreads them evenly over the run). */
const SLIDER_LIMIT = 500;

/** The shown value, the slider (history keys with values) and the frame's step attributes. */
export interface SteppedValue {
  /** The value shown (undefined while loading or when nothing is logged). */
  value: unknown;
  step: number | null;
  slider: StepSliderProps | null;
  loading: boolean;
  error: string | null;
  attrs: MediaAttrs;
}

/** The value of the panel's key at the slider's step, or its summary value. */
export function useSteppedValue({ run, entry, version }: MediaPanelProps): SteppedValue {
  const inHistory = entry.source === 'history';
  const values = useStepValues(run, inHistory ? entry.key : null, version, SLIDER_LIMIT);
  const [pin, setPin] = useState<number | null>(null);
  const steps = useMemo(() => values.values.map((v) => v.step), [values.values]);
  if (!inHistory) return { value: entry.summaryValue, step: null, slider: null, loading: false, error: null, attrs: {} };
  const index = indexForPin(steps, pin);
  const shown: StepValue | undefined = values.values[index];
  const following = pin === null;
  return {
    value: shown?.value,
    step: shown?.step ?? null,
    slider: shown ? { steps, index, following, onPick: (i) => setPin(pinForIndex(steps, i)) } : null,
    loading: values.loading,
    error: values.error,
    attrs: { 'data-step': shown?.step, 'data-step-count': steps.length, 'data-step-total': values.total, 'data-following': following },
  };
}

/** The file items of the shown value (images, clips), the panel's state and its paths/captions attributes. */
export interface SteppedItems {
  shown: SteppedValue;
  items: MediaItem[];
  state: MediaState;
  attrs: MediaAttrs;
}

/** For panels that list files (image, video, audio): the shown value's items with the shared attributes. */
export function useSteppedItems(props: MediaPanelProps): SteppedItems {
  const shown = useSteppedValue(props);
  const items = mediaItems(shown.value);
  const state = frameState(shown.loading, items.length > 0, shown.error);
  const attrs = { ...shown.attrs, 'data-paths': JSON.stringify(items.map((i) => i.path)), 'data-captions': JSON.stringify(items.map((i) => i.caption ?? '')) };
  return { shown, items, state, attrs };
}

/** The run file of the shown value read with `read`, the panel's state and attributes (`data-path` added). */
export interface SteppedFile<T> {
  shown: SteppedValue;
  path: string | null;
  file: Loaded<T>;
  error: string | null;
  state: MediaState;
  attrs: MediaAttrs;
}

/** For panels that show the one file a value names (table, model graph); `read` must keep its identity (see useRunFile). */
export function useSteppedFile<T>(props: MediaPanelProps, read: (blob: Blob) => Promise<T> | T): SteppedFile<T> {
  const shown = useSteppedValue(props);
  const path = fileItem(shown.value)?.path ?? null;
  const file = useRunFile(props.run, path, read, props.version);
  const error = shown.error ?? (file.state === 'error' ? file.error : null);
  const state = frameState(shown.loading || (path !== null && file.state === 'loading'), file.state === 'ready', error);
  return { shown, path, file, error, state, attrs: { ...shown.attrs, 'data-path': path ?? undefined } };
}
