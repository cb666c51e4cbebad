/**
 * An HTML file at a step, in a sandboxed iframe. The iframe cannot send the key, so its source is
 * a short-lived signed URL from the server, which serves it with `content-security-policy: sandbox
 * allow-scripts`; the iframe's own sandbox allows scripts but never `allow-same-origin`, so the
 * page's scripts run in an opaque origin and cannot read the dashboard's key or call its API.
 */
import { useEffect, useState } from 'preact/hooks';
import { fetchSignedFileUrl, type RunPath } from '../api.js';
import { errorMessage, handleUnauthorized } from '../ui/api-errors.js';
import type { MediaPanelProps } from './contract.js';
import { frameState, MediaFrame } from './media-frame.js';
import { fileItem } from './media-types.js';
import { useSteppedValue } from './use-stepped-value.js';

/** The signed URL of `path` (null: none wanted), fetched again when the path changes. */
function useSignedUrl(run: RunPath, path: string | null): { url: string | null; error: string | null } {
  const [state, setState] = useState<{ path: string | null; url: string | null; error: string | null }>({ path: null, url: null, error: null });
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    fetchSignedFileUrl(run, path, controller.signal).then(
      (url) => setState({ path, url, error: null }),
      (e: unknown) => !controller.signal.aborted && !handleUnauthorized(e) && setState({ path, url: null, error: errorMessage(e) }),
    );
    return () => controller.abort();
  }, [run, path]);
  return state.path === path ? state : { url: null, error: null };
}

/** The HTML panel (`html-file`). */
export function HtmlPanel(props: MediaPanelProps) {
  const { run, entry } = props;
  const shown = useSteppedValue(props);
  const path = fileItem(shown.value)?.path ?? null;
  const signed = useSignedUrl(run, path);
  const error = shown.error ?? signed.error;
  const state = frameState(shown.loading || (path !== null && !signed.url && !signed.error), Boolean(signed.url), error);
  return (
    <MediaFrame mediaKey={entry.key} type={entry.type} source={entry.source} state={state} error={error} slider={shown.slider} attrs={{ ...shown.attrs, 'data-path': path ?? undefined }}>
      {signed.url ? <iframe class="media-html" src={signed.url} sandbox="allow-scripts" referrerpolicy="no-referrer" title={`${entry.key} (HTML)`} /> : null}
    </MediaFrame>
  );
}
