/** One histogram as bars (SVG, one rect per bin, placed by its edges; hover a bar for its range and count). */
import { formatNumber } from '../ui/format.js';
import type { Histogram } from './heatmap.js';

const W = 1000;
const H = 100;

/** The bars of `hist`, with its value range below. */
export function HistogramBars({ hist }: { hist: Histogram }) {
  const lo = hist.edges[0]!;
  const hi = hist.edges[hist.edges.length - 1]!;
  const span = hi > lo ? hi - lo : 1;
  const max = hist.counts.reduce((a, b) => Math.max(a, b), 0) || 1; // no spread: counts may be long
  const x = (v: number) => (hi > lo ? ((v - lo) / span) * W : W / 2);
  return (
    <div class="histogram-bars">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label="Histogram">
        {hist.counts.map((count, i) => {
          const left = x(hist.edges[i]!);
          const height = (count / max) * H;
          return (
            <rect key={i} x={left} y={H - height} width={Math.max(1, x(hist.edges[i + 1]!) - left)} height={height}>
              <title>{`[${formatNumber(hist.edges[i]!)}, ${formatNumber(hist.edges[i + 1]!)}): ${formatNumber(count)}`}</title>
            </rect>
          );
        })}
      </svg>
      <div class="histogram-range muted tnum">
        <span>{formatNumber(lo)}</span>
        <span>{formatNumber(hi)}</span>
      </div>
    </div>
  );
}
