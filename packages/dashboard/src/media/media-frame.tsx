/** The frame every media panel shares: the title row, the step slider, the state and the test hook. */
import type { ComponentChildren } from 'preact';
import '../charts/charts.css';
import './media.css';
import type { MediaAttrs } from './contract.js';
import { StepSlider, type StepSliderProps } from './step-slider.js';

/** A panel's `data-state`. */
export type MediaState = 'loading' | 'ready' | 'empty' | 'error';

/**
 * A panel's state, one rule for every panel: loading while its value (or the file it names) is on
 * its way, else ready when there is something to show, else error when something failed, else empty.
 */
export const frameState = (loading: boolean, ready: boolean, error: string | null | undefined): MediaState => (loading ? 'loading' : ready ? 'ready' : error ? 'error' : 'empty');

/** The panel's identity, state and content (see contract.ts for the attributes). */
export interface MediaFrameProps {
  mediaKey: string;
  type: string;
  source: 'history' | 'summary';
  state: MediaState;
  error?: string | null;
  slider?: StepSliderProps | null;
  /** Panel-specific data attributes (undefined ones are left out). */
  attrs?: MediaAttrs;
  children?: ComponentChildren;
}

const LABELS: Record<string, string> = {
  'image-file': 'image',
  'images/separated': 'images',
  'table-file': 'table',
  'video-file': 'video',
  'audio-file': 'audio',
  'html-file': 'html',
  'object3D-file': '3D object',
  'graph-file': 'model graph',
  'custom-chart': 'custom chart',
};

/** Only the attributes with a value (Preact would render `data-x="undefined"`). */
const defined = (attrs: MediaAttrs | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(attrs ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));

/** `div.media-panel` with its title, slider, content and message for the loading, empty and error states. */
export function MediaFrame({ mediaKey, type, source, state, error, slider, attrs, children }: MediaFrameProps) {
  return (
    <div class="media-panel" data-media-key={mediaKey} data-media-type={type} data-media-source={source} data-state={state} {...defined(attrs)}>
      <div class="media-head">
        <span class="media-title" title={mediaKey}>
          {mediaKey}
        </span>
        <span class="media-type">{LABELS[type] ?? type}</span>
        {source === 'summary' ? <span class="media-type">summary</span> : null}
      </div>
      {slider ? <StepSlider {...slider} /> : null}
      {error ? <p class="alert">{error}</p> : null}
      {state === 'loading' && !error ? <p class="media-note muted">Loading…</p> : null}
      {state === 'empty' ? <p class="media-note muted">Nothing to show.</p> : null}
      {children}
    </div>
  );
}
