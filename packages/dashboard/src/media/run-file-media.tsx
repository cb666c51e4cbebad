/**
 * A run file in an `<img>`, `<video>` or `<audio>` element, fetched with the key and shown through
 * an object URL (`data-path`, `data-state` = loading | ready | error; see contract.ts).
 */
import type { RunPath } from '../api.js';
import { useObjectUrl } from './run-files.js';

/** The file, the element to show it in and how. */
export interface RunFileMediaProps {
  run: RunPath;
  path: string;
  as: 'img' | 'video' | 'audio';
  /** Alt text of an image. */
  alt?: string;
  /** Intrinsic size, when logged: reserves the element's box before the bytes arrive. */
  width?: number | null;
  height?: number | null;
  class?: string;
  /** The run's history version: a failed fetch is retried when it moves. */
  retry: number;
}

/** The element once its object URL exists; a placeholder of the same class until then. */
export function RunFileMedia({ run, path, as, alt, width, height, class: className, retry }: RunFileMediaProps) {
  const file = useObjectUrl(run, path, retry);
  const common = { class: className, 'data-path': path, 'data-state': file.state };
  if (file.state !== 'ready') {
    const aspect = width && height ? { aspectRatio: `${width} / ${height}` } : undefined;
    return (
      <div {...common} class={`${className ?? ''} media-placeholder`} style={aspect} title={file.state === 'error' ? file.error : undefined}>
        {file.state === 'error' ? 'Not available' : ''}
      </div>
    );
  }
  if (as === 'video') return <video {...common} src={file.value} controls preload="metadata" />;
  if (as === 'audio') return <audio {...common} src={file.value} controls preload="metadata" />;
  return <img {...common} src={file.value} alt={alt ?? ''} width={width ?? undefined} height={height ?? undefined} />;
}
