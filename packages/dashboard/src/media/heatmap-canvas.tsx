/**
 * Histograms over steps drawn on a canvas: x = step, y = value, colour = the count of the cell
 * normalised by its step's largest (see heatmap.ts); hovering shows the step, the value range of
 * the row and its count.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatNumber } from '../ui/format.js';
import { columnEdges, heatmapCell, intervalAt, type Heatmap } from './heatmap.js';

const HEIGHT = 180;

// Viridis at five stops (dark = rare, yellow = the step's most common values).
const STOPS: readonly [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** The colour of a shade in (0, 1]. */
function colour(shade: number): string {
  const t = Math.min(1, Math.max(0, shade)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(t));
  const f = t - i;
  const [a, b] = [STOPS[i]!, STOPS[i + 1]!];
  return `rgb(${a.map((c, k) => Math.round(c + (b[k]! - c) * f)).join(',')})`;
}

/** Draws the cells onto `canvas`, `width` CSS pixels wide. */
function draw(canvas: HTMLCanvasElement, map: Heatmap, edges: readonly number[], width: number): void {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(HEIGHT * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.scale(dpr, dpr);
  ctx.fillStyle = '#f6f8fa';
  ctx.fillRect(0, 0, width, HEIGHT);
  const x0 = edges[0]!;
  const span = edges[edges.length - 1]! - x0;
  const rowH = HEIGHT / map.rows;
  map.steps.forEach((_, col) => {
    const left = ((edges[col]! - x0) / span) * width;
    const right = ((edges[col + 1]! - x0) / span) * width;
    for (let row = 0; row < map.rows; row++) {
      const shade = map.shade[col * map.rows + row]!;
      if (shade <= 0) continue;
      ctx.fillStyle = colour(shade);
      // Overlap by a fraction of a pixel so no seams show between cells.
      ctx.fillRect(left, HEIGHT - (row + 1) * rowH, Math.max(1, right - left + 0.5), rowH + 0.5);
    }
  });
}

/** The heatmap with its axis labels and hover readout. */
export function HeatmapCanvas({ map }: { map: Heatmap }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<ReturnType<typeof heatmapCell>>(null);
  const edges = useMemo(() => columnEdges(map.steps), [map.steps]);

  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const observer = new ResizeObserver(() => setWidth(canvas.clientWidth));
    observer.observe(canvas);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    if (ref.current && width > 0) draw(ref.current, map, edges, width);
  }, [map, edges, width]);

  const onMove = (e: MouseEvent) => {
    const box = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    const x = edges[0]! + ((e.clientX - box.left) / box.width) * (edges[edges.length - 1]! - edges[0]!);
    const row = Math.floor(((box.bottom - e.clientY) / box.height) * map.rows);
    setHover(heatmapCell(map, intervalAt(edges, x), row));
  };

  return (
    <div class="heatmap">
      <div class="heatmap-plot">
        <span class="heatmap-y top tnum">{formatNumber(map.hi)}</span>
        <canvas ref={ref} class="heatmap-canvas" style={{ height: `${HEIGHT}px` }} onMouseMove={onMove} onMouseLeave={() => setHover(null)} />
        <span class="heatmap-y bottom tnum">{formatNumber(map.lo)}</span>
      </div>
      <div class="heatmap-x muted tnum">
        <span>step {map.steps[0]}</span>
        <span class="heatmap-readout" data-hover={hover ? 'true' : undefined}>
          {hover ? `step ${hover.step} · [${formatNumber(hover.lo)}, ${formatNumber(hover.hi)}) · count ${formatNumber(Number(hover.count.toPrecision(4)))}` : 'Hover for counts'}
        </span>
        <span>step {map.steps[map.steps.length - 1]}</span>
      </div>
    </div>
  );
}
