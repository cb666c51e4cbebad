/** A typed value the page has no viewer for (plotly, bokeh, molecule...): its JSON at the step. */
import type { MediaPanelProps } from './contract.js';
import { frameState, MediaFrame } from './media-frame.js';
import { useSteppedValue } from './use-stepped-value.js';

/** The fallback panel: the logged JSON, pretty-printed. */
export function OtherPanel(props: MediaPanelProps) {
  const { entry } = props;
  const shown = useSteppedValue(props);
  const state = frameState(shown.loading, shown.value !== undefined, shown.error);
  return (
    <MediaFrame mediaKey={entry.key} type={entry.type} source={entry.source} state={state} error={shown.error} slider={shown.slider} attrs={shown.attrs}>
      {shown.value !== undefined ? <pre class="media-json">{JSON.stringify(shown.value, null, 2)}</pre> : null}
    </MediaFrame>
  );
}
