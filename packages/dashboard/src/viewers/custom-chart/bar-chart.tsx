/** Horizontal bars with their labels and values (the bar preset), in HTML. */
import { formatNumber } from '../../charts/format.js';
import { colorAt } from '../../ui/palette.js';
import type { Bar } from './series-group.js';

/** The bars and the titles of the label and value columns. */
export interface BarChartProps {
  bars: Bar[];
  labelTitle: string;
  valueTitle: string;
}

/** Where a bar starts and how wide it is, in % of the track, on a scale that includes 0. */
export function barGeometry(value: number, lo: number, hi: number): { left: number; width: number } {
  const span = hi - lo || 1;
  return { left: ((Math.min(0, value) - lo) / span) * 100, width: (Math.abs(value) / span) * 100 };
}

/** One row per bar: label, bar (negative values extend left of the zero line), value. */
export function BarChart({ bars, labelTitle, valueTitle }: BarChartProps) {
  const lo = bars.reduce((m, b) => Math.min(m, b.value), 0);
  const hi = bars.reduce((m, b) => Math.max(m, b.value), 0);
  const color = colorAt(0);
  return (
    <div class="cc-bars" role="table" aria-label={`${valueTitle} by ${labelTitle}`}>
      <div class="cc-bar-row cc-bar-head" role="row">
        <span class="cc-bar-label" role="columnheader">
          {labelTitle}
        </span>
        <span class="cc-bar-track" />
        <span class="cc-bar-value" role="columnheader">
          {valueTitle}
        </span>
      </div>
      {bars.map((bar) => {
        const { left, width } = barGeometry(bar.value, lo, hi);
        return (
          <div class="cc-bar-row" role="row" key={bar.label} data-label={bar.label} data-value={bar.value} title={`${bar.label}: ${formatNumber(bar.value)}`}>
            <span class="cc-bar-label" role="cell">
              {bar.label}
            </span>
            <span class="cc-bar-track">
              <span class="cc-bar" style={{ left: `${left}%`, width: `${width}%`, background: color }} />
            </span>
            <span class="cc-bar-value" role="cell">
              {formatNumber(bar.value)}
            </span>
          </div>
        );
      })}
    </div>
  );
}
