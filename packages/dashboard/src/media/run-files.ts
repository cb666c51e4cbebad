/**
 * Run files for media panels, fetched with the key (an `<img src>` could not send it) through one
 * shared FileCache. A file logged in history can reach the page before its upload finishes: a
 * failed fetch is retried with backoff and when the run's history moves.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fetchFile, type RunPath } from '../api.js';
import { slotOf } from '../charts/series-loader.js';
import { errorMessage, handleUnauthorized } from '../ui/api-errors.js';
import { FileCache } from './file-cache.js';

const cache = new FileCache();

/** A run file's blob, fetched once while the cache keeps it. */
const runFileBlob = (run: RunPath, path: string): Promise<Blob> => cache.get(`${slotOf(run)}\n${path}`, () => fetchFile(run, path));

/** A run file's bytes (what the 3D viewer asks for). */
export const runFileBytes = async (run: RunPath, path: string): Promise<ArrayBuffer> => (await runFileBlob(run, path)).arrayBuffer();

/** A file being loaded, loaded (`value`), or failed (`error`). */
export type Loaded<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: string };

/** First retry of a failed fetch after this long, doubling; timed retries stop after MAX_TIMED_RETRIES. */
const RETRY_MS = 2000;
const MAX_TIMED_RETRIES = 5;

/**
 * `read(blob)` of run file `path` (null: nothing to load). Loads again when the path changes; after
 * a failure, retries with backoff (a few times) and whenever `retry` (the run's history version)
 * moves. `read` must keep its identity (a module-level function).
 */
export function useRunFile<T>(run: RunPath, path: string | null, read: (blob: Blob) => Promise<T> | T, retry: number): Loaded<T> {
  const [result, setResult] = useState<{ path: string | null; loaded: Loaded<T>; attempt: number }>({ path, loaded: { state: 'loading' }, attempt: 0 });
  const current = result.path === path ? result : { path, loaded: { state: 'loading' } as Loaded<T>, attempt: 0 };
  const failed = current.loaded.state === 'error';
  const { attempt } = current;

  useEffect(() => {
    if (path === null) return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const again = () => alive && setResult((r) => (r.path === path ? { ...r, attempt: r.attempt + 1 } : r));
    runFileBlob(run, path)
      .then(read)
      .then(
        (value) => alive && setResult({ path, loaded: { state: 'ready', value }, attempt: 0 }),
        (e: unknown) => {
          if (!alive || handleUnauthorized(e)) return;
          setResult({ path, loaded: { state: 'error', error: errorMessage(e) }, attempt });
          if (attempt < MAX_TIMED_RETRIES) timer = setTimeout(again, RETRY_MS * 2 ** attempt);
        },
      );
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [run, path, read, attempt]);

  // The run's history moved while the file failed: it may be uploaded by now.
  const seenRetry = useRef(retry);
  useEffect(() => {
    if (retry === seenRetry.current) return;
    seenRetry.current = retry;
    if (failed) setResult((r) => (r.path === path ? { ...r, attempt: r.attempt + 1 } : r));
  }, [retry]);

  return path === null ? { state: 'loading' } : current.loaded;
}

const asBlob = (blob: Blob) => blob;

/**
 * An object URL of a run file for `<img>`, `<video>`, `<audio>`: a URL per blob, revoked when the
 * element shows another file or unmounts (a URL pins its blob in memory until revoked).
 */
export function useObjectUrl(run: RunPath, path: string | null, retry: number): Loaded<string> {
  const file = useRunFile(run, path, asBlob, retry);
  const blob = file.state === 'ready' ? file.value : null;
  // Made during render and revoked by the effect cleanup of the next one, so an element never
  // renders with a URL already revoked.
  const url = useMemo(() => (blob ? URL.createObjectURL(blob) : null), [blob]);
  useEffect(() => () => url !== null && URL.revokeObjectURL(url), [url]);
  return url !== null ? { state: 'ready', value: url } : file.state === 'error' ? file : { state: 'loading' };
}

/** A file's text parsed as JSON (for useRunFile). */
export const readJson = async (blob: Blob): Promise<unknown> => JSON.parse(await blob.text()) as unknown;
