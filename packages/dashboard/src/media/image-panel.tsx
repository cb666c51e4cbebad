/** Images at a step: one `image-file`, or every image of `images/separated` in a grid, with captions. */
import type { MediaPanelProps } from './contract.js';
import { MediaFrame } from './media-frame.js';
import { RunFileMedia } from './run-file-media.js';
import { useSteppedItems } from './use-stepped-value.js';

/** The image panel (`image-file`, `images/separated`). */
export function ImagePanel(props: MediaPanelProps) {
  const { run, entry, version } = props;
  const stepped = useSteppedItems(props);
  const { shown, items, state } = stepped;
  const first = items[0];
  const attrs = {
    ...stepped.attrs,
    'data-width': first?.width ?? undefined,
    'data-height': first?.height ?? undefined,
  };
  return (
    <MediaFrame mediaKey={entry.key} type={entry.type} source={entry.source} state={state} error={shown.error} slider={shown.slider} attrs={attrs}>
      {first ? (
        <>
          <div class={items.length > 1 ? 'image-grid' : 'image-single'}>
            {items.map((item, i) => (
              <figure class="media-figure" key={`${i}:${item.path}`}>
                <RunFileMedia run={run} path={item.path} as="img" alt={item.caption ?? entry.key} width={item.width} height={item.height} class="media-image" retry={version} />
                {item.caption ? <figcaption>{item.caption}</figcaption> : null}
              </figure>
            ))}
          </div>
          {first.width && first.height ? (
            <p class="media-meta muted tnum">
              {first.width}×{first.height}
              {items.length > 1 ? ` · ${items.length} images` : ''}
            </p>
          ) : null}
        </>
      ) : null}
    </MediaFrame>
  );
}
