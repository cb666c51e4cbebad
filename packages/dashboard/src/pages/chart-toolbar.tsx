/** The toolbar shared by every chart of a page: x axis, smoothing, log scale, key filter. */
import { clampSmoothing, MAX_SMOOTHING } from '../charts/smoothing.js';
import { AUTO_X } from './chart-keys.js';

/** What the toolbar sets. */
export interface ToolbarState {
  xAxis: string;
  smoothing: number;
  logScale: boolean;
  /** Filters charts by key name. */
  query: string;
  hideEmpty: boolean;
}

/** Automatic x axis, no smoothing, linear scale, empty charts hidden. */
export const DEFAULT_TOOLBAR: ToolbarState = { xAxis: AUTO_X, smoothing: 0, logScale: false, query: '', hideEmpty: true };

const X_LABELS: Record<string, string> = { [AUTO_X]: 'Automatic (step metric)', _step: 'Step', _runtime: 'Relative time (s)', _timestamp: 'Wall time' };

/** How an x axis choice is named (the toolbar's options, the system charts' x axis); other keys by themselves. */
export const xAxisLabel = (x: string): string => X_LABELS[x] ?? x;

/** The toolbar state, the x axes offered and the change callback. */
export interface ChartToolbarProps {
  state: ToolbarState;
  xOptions: readonly string[];
  onChange: (state: ToolbarState) => void;
}

/** The toolbar row (x axis, smoothing with its value, log scale, empty charts, key filter). */
export function ChartToolbar({ state, xOptions, onChange }: ChartToolbarProps) {
  const set = <K extends keyof ToolbarState>(key: K, value: ToolbarState[K]) => onChange({ ...state, [key]: value });
  return (
    <div class="toolbar" role="toolbar" aria-label="Chart settings">
      <label class="tool">
        <span>X axis</span>
        <select data-control="x-axis" value={state.xAxis} onChange={(e) => set('xAxis', e.currentTarget.value)}>
          {(xOptions.includes(state.xAxis) ? xOptions : [...xOptions, state.xAxis]).map((x) => (
            <option key={x} value={x}>
              {xAxisLabel(x)}
            </option>
          ))}
        </select>
      </label>
      <label class="tool smoothing">
        <span>Smoothing</span>
        <input
          type="range"
          min={0}
          max={MAX_SMOOTHING}
          step={0.001}
          data-control="smoothing"
          value={state.smoothing}
          onInput={(e) => set('smoothing', clampSmoothing(Number(e.currentTarget.value)))}
        />
        <output class="num">{state.smoothing.toFixed(3)}</output>
      </label>
      <label class="tool">
        <input type="checkbox" data-control="log-scale" checked={state.logScale} onChange={(e) => set('logScale', e.currentTarget.checked)} />
        <span>Log scale</span>
      </label>
      <label class="tool">
        <input type="checkbox" data-control="hide-empty" checked={state.hideEmpty} onChange={(e) => set('hideEmpty', e.currentTarget.checked)} />
        <span>Hide empty charts</span>
      </label>
      <input class="search" type="search" placeholder="Filter charts by key…" aria-label="Filter charts by key" data-control="key-filter" value={state.query} onInput={(e) => set('query', e.currentTarget.value)} />
    </div>
  );
}
