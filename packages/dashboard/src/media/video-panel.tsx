/** A video at a step: `<video controls>` for mp4/webm, `<img>` for a GIF (W&B's default format), with its caption. */
import type { MediaPanelProps } from './contract.js';
import { MediaFrame } from './media-frame.js';
import { isGif } from './media-types.js';
import { RunFileMedia } from './run-file-media.js';
import { useSteppedItems } from './use-stepped-value.js';

/** The video panel (`video-file`). */
export function VideoPanel(props: MediaPanelProps) {
  const { run, entry, version } = props;
  const { shown, items, state, attrs } = useSteppedItems(props);
  return (
    <MediaFrame mediaKey={entry.key} type={entry.type} source={entry.source} state={state} error={shown.error} slider={shown.slider} attrs={attrs}>
      {items.map((item, i) => (
        <figure class="media-figure" key={`${i}:${item.path}`}>
          <RunFileMedia run={run} path={item.path} as={isGif(item.path) ? 'img' : 'video'} alt={item.caption ?? entry.key} width={item.width} height={item.height} class="media-video" retry={version} />
          {item.caption ? <figcaption>{item.caption}</figcaption> : null}
        </figure>
      ))}
    </MediaFrame>
  );
}
