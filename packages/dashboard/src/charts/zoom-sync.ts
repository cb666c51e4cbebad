/**
 * The zoom window shared by the charts of one sync group: zooming one chart zooms (and refetches)
 * every chart of the group, resetting one resets all. uPlot's cursor sync moves the cursor; this
 * store moves the x window. A group's state is dropped when its last chart unsubscribes, so a page
 * opened later starts unzoomed.
 */

/** An x window, inclusive, min < max. */
export interface ZoomWindow {
  min: number;
  max: number;
}

type Listener = (window: ZoomWindow | null) => void;

interface Group {
  window: ZoomWindow | null;
  listeners: Set<Listener>;
}

const groups = new Map<string, Group>();

/** The group's window, null when not zoomed. */
export function getZoom(group: string): ZoomWindow | null {
  return groups.get(group)?.window ?? null;
}

/** True when a window is usable: finite and not empty. */
function isValidWindow(window: ZoomWindow): boolean {
  return Number.isFinite(window.min) && Number.isFinite(window.max) && window.min < window.max;
}

/**
 * Zooms every chart of `group` to `window` (null: reset). Ignores invalid windows and repeats of
 * the current one, so a chart applying the window it was told about cannot start a loop.
 */
export function setZoom(group: string, window: ZoomWindow | null): void {
  if (window && !isValidWindow(window)) return;
  const state = groups.get(group);
  if (!state) return;
  const old = state.window;
  if (old === window || (old && window && old.min === window.min && old.max === window.max)) return;
  state.window = window ? { min: window.min, max: window.max } : null;
  for (const listener of [...state.listeners]) listener(state.window);
}

/** Calls `listener` with every change of the group's window until the returned function is called. */
export function subscribeZoom(group: string, listener: Listener): () => void {
  let state = groups.get(group);
  if (!state) {
    state = { window: null, listeners: new Set() };
    groups.set(group, state);
  }
  const held = state;
  held.listeners.add(listener);
  return () => {
    held.listeners.delete(listener);
    if (held.listeners.size === 0 && groups.get(group) === held) groups.delete(group);
  };
}
