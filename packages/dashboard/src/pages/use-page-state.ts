/** Toolbar settings and collapsed sections of a chart page (kept across live updates). */
import { useMemo, useState } from 'preact/hooks';
import type { ChartSettings } from '../charts/contract.js';
import { DEFAULT_TOOLBAR, type ToolbarState } from './chart-toolbar.js';

/** The toolbar, the settings object charts get, and the collapsed sections with their toggle. */
export function useChartPageState() {
  const [toolbar, setToolbar] = useState<ToolbarState>(DEFAULT_TOOLBAR);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  // One settings object per change of its values: charts redraw when it changes identity.
  const settings = useMemo<ChartSettings>(() => ({ smoothing: toolbar.smoothing, logScale: toolbar.logScale }), [toolbar.smoothing, toolbar.logScale]);
  const toggle = (key: string) =>
    setCollapsed((old) => {
      const next = new Set(old);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  return { toolbar, setToolbar, settings, collapsed, toggle };
}

/** Scrolls to a part of the page (hash links would change the route). */
export const jumpTo = (id: string) => document.getElementById(id)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
