/**
 * Windowing for long lists with a fixed row height: only the rows in view (plus overscan) are in
 * the DOM, with spacers above and below keeping the scroll height exact.
 */
import { useEffect, useState } from 'preact/hooks';

/** The rows to render and the spacer heights above and below them. */
export interface RowWindow {
  start: number;
  end: number;
  padTop: number;
  padBottom: number;
}

/** The rows [start, end) to render for a scroll position. */
export function rowWindow(count: number, rowHeight: number, scrollTop: number, viewHeight: number, overscan: number): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + Math.ceil(viewHeight / rowHeight) + overscan);
  return { start, end: Math.max(start, end), padTop: start * rowHeight, padBottom: Math.max(0, (count - Math.max(start, end)) * rowHeight) };
}

/**
 * Tracks a scroll container's position and size. Returns the window of rows to render and the ref
 * callback to put on the container (a callback, so a container mounted later is still tracked).
 */
export function useRowWindow(count: number, rowHeight: number, overscan = 12): { rows: RowWindow; containerRef: (element: HTMLElement | null) => void; container: HTMLElement | null } {
  const [element, setElement] = useState<HTMLElement | null>(null);
  const [view, setView] = useState({ top: 0, height: 800 });
  useEffect(() => {
    if (!element) return;
    let frame = 0;
    const measure = () => {
      frame = 0;
      setView((v) => (v.top === element.scrollTop && v.height === element.clientHeight ? v : { top: element.scrollTop, height: element.clientHeight }));
    };
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(measure);
    };
    measure();
    element.addEventListener('scroll', onScroll, { passive: true });
    const observer = new ResizeObserver(onScroll);
    observer.observe(element);
    return () => {
      element.removeEventListener('scroll', onScroll);
      observer.disconnect();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [element]);
  return { rows: rowWindow(count, rowHeight, view.top, view.height, overscan), containerRef: setElement, container: element };
}
