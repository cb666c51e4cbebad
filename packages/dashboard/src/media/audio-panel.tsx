/** Audio at a step: one `audio-file`, or every clip of an `audio` list, each with its caption. */
import type { MediaPanelProps } from './contract.js';
import { MediaFrame } from './media-frame.js';
import { RunFileMedia } from './run-file-media.js';
import { useSteppedItems } from './use-stepped-value.js';

/** The audio panel (`audio-file`, `audio`). */
export function AudioPanel(props: MediaPanelProps) {
  const { run, entry, version } = props;
  const { shown, items, state, attrs } = useSteppedItems(props);
  return (
    <MediaFrame mediaKey={entry.key} type={entry.type} source={entry.source} state={state} error={shown.error} slider={shown.slider} attrs={attrs}>
      <ul class="audio-list">
        {items.map((item, i) => (
          <li key={`${i}:${item.path}`}>
            <RunFileMedia run={run} path={item.path} as="audio" class="media-audio" retry={version} />
            {item.caption ? <span class="media-caption">{item.caption}</span> : null}
          </li>
        ))}
      </ul>
    </MediaFrame>
  );
}
