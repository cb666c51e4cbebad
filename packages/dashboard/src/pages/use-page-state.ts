/** Toolbar settings and collapsed sections of a chart page (kept across live updates). */
import { useMemo, useState } from 'preact/hooks';
import type { ChartSettings } from '../charts/contract.js';
import { toggled } from '../ui/sets.js';
import { DEFAULT_TOOLBAR, type ToolbarState } from './chart-toolbar.js';

/** The collapsed state of one section or panel and its toggle (Section, SystemSection props). */
export interface PanelProps {
  collapsed: boolean;
  onToggle: () => void;
}

/**
 * The toolbar, the settings object charts get, and the collapsed sections with their toggle;
 * `chartProps` are the ChartSections props every chart page passes alike, `panel(name)` the
 * collapsed/onToggle props of the section or panel `name`.
 */
export function useChartPageState() {
  const [toolbar, setToolbar] = useState<ToolbarState>(DEFAULT_TOOLBAR);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  // One settings object per change of its values: charts redraw when it changes identity.
  const settings = useMemo<ChartSettings>(() => ({ smoothing: toolbar.smoothing, logScale: toolbar.logScale }), [toolbar.smoothing, toolbar.logScale]);
  const toggle = (key: string) => setCollapsed((old) => toggled(old, key));
  const chartProps = { xAxis: toolbar.xAxis, query: toolbar.query, hideEmpty: toolbar.hideEmpty, settings, collapsed, onToggle: toggle };
  const panel = (name: string): PanelProps => ({ collapsed: collapsed.has(name), onToggle: () => toggle(name) });
  return { toolbar, setToolbar, settings, collapsed, toggle, chartProps, panel };
}

/** Scrolls to a part of the page (hash links would change the route). */
export const jumpTo = (id: string) => document.getElementById(id)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
