/**
 * Number formatting for chart legends, captions and axes. Pure (no DOM), so it runs under Node's
 * test runner. Output is locale-independent (en-US digits and separators) so captions read the same
 * in every browser and tests can compare strings.
 */

/** What the x values are, which decides how they are printed. */
export type XKind = 'number' | 'runtime' | 'timestamp';

const sig4 = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact4 = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 4 });

/** The x kind of a history key: only wandb's own `_timestamp` and `_runtime` are special. */
export function xKindOf(xKey: string): XKind {
  if (xKey === '_timestamp') return 'timestamp';
  if (xKey === '_runtime') return 'runtime';
  return 'number';
}

/** The x kind a prose axis label suggests ("Wall time", "Relative time (s)"), for points charts. */
export function xKindOfLabel(label: string): XKind {
  if (xKindOf(label) !== 'number') return xKindOf(label);
  if (/^(wall ?time|timestamp)\b/i.test(label)) return 'timestamp';
  if (/runtime|relative time/i.test(label)) return 'runtime';
  return 'number';
}

/** How an x key is named in the legend. */
export function xLabelOf(xKey: string): string {
  if (xKey === '_step') return 'step';
  if (xKey === '_runtime') return 'runtime';
  if (xKey === '_timestamp') return 'time';
  return xKey;
}

function nonFinite(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '∞' : '-∞';
}

/** Strips the zeros toPrecision/toExponential leave: "1.200e-5" → "1.2e-5". */
function trimExponential(text: string): string {
  return text.replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/**
 * A value at 4 significant digits: "0.1235", "12.35", "1,235" … "123,500,000", "1.235e-5",
 * "1.235e12". Compact enough for a legend, precise enough to compare runs.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e9) return trimExponential(value.toExponential(3));
  return sig4.format(value);
}

/** Counts and steps: whole numbers with thousands separators ("1,000,000"); others as formatNumber. */
export function formatCount(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return integer.format(value);
  return formatNumber(value);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Whole seconds as "h:mm:ss". */
function hms(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const whole = Math.round(Math.abs(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  return `${sign}${h}:${pad2(m)}:${pad2(whole % 60)}`;
}

/**
 * Seconds since the run started: "12.5s" below a minute, then "h:mm:ss" ("0:02:05", "27:46:40").
 */
export function formatRuntime(seconds: number): string {
  if (!Number.isFinite(seconds)) return nonFinite(seconds);
  if (Math.abs(seconds) < 60) return `${formatNumber(seconds)}s`;
  return hms(seconds);
}

/** Unix seconds as local time, "2024-05-01 13:04:05". */
export function formatTimestamp(seconds: number): string {
  if (!Number.isFinite(seconds)) return nonFinite(seconds);
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return formatNumber(seconds);
  const day = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  return `${day} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** An x value as the legend shows it. */
export function formatX(kind: XKind, value: number): string {
  if (kind === 'runtime') return formatRuntime(value);
  if (kind === 'timestamp') return formatTimestamp(value);
  return formatCount(value);
}

/** The fewest decimals (0..12) that print `value` exactly enough. */
export function decimalsOf(value: number): number {
  const abs = Math.abs(value);
  for (let d = 0; d < 12; d++) {
    const scaled = abs * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return 12;
}

/** Tick values: uPlot passes null for the ticks its filter leaves unlabelled. */
type Splits = readonly (number | null)[];

const maxAbsOf = (splits: Splits) => splits.reduce<number>((m, v) => (v != null && Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);

/** Maps the labelled ticks, leaving the others blank. */
const label = (splits: Splits, f: (v: number) => string) => splits.map((v) => (v == null ? '' : f(v)));

/**
 * Axis tick labels: the splits all get the decimals their spacing `incr` needs, so neighbouring
 * ticks never print the same ("2.3025", "2.3030"). Large magnitudes go compact ("10k", "1.5M"),
 * tiny ones exponential ("2.5e-5").
 */
export function formatTicks(splits: Splits, incr: number): string[] {
  const maxAbs = maxAbsOf(splits);
  if (!(incr > 0) || !Number.isFinite(incr)) return label(splits, formatNumber);
  if (maxAbs >= 1e4 && incr >= 1000) {
    const unit = maxAbs >= 1e12 ? 1e12 : maxAbs >= 1e9 ? 1e9 : maxAbs >= 1e6 ? 1e6 : 1e3;
    const suffix = unit === 1e12 ? 'T' : unit === 1e9 ? 'B' : unit === 1e6 ? 'M' : 'k';
    const decimals = decimalsOf(incr / unit);
    return label(splits, (v) => (v === 0 ? '0' : `${(v / unit).toFixed(decimals)}${suffix}`));
  }
  if (maxAbs > 0 && maxAbs < 1e-3) {
    const exp = Math.floor(Math.log10(maxAbs));
    const decimals = Math.min(6, decimalsOf(incr / 10 ** exp));
    return label(splits, (v) => (v === 0 ? '0' : `${(v / 10 ** exp).toFixed(decimals)}e${exp}`));
  }
  const decimals = Math.min(12, decimalsOf(incr));
  const fixed = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return label(splits, (v) => fixed.format(v === 0 ? 0 : v));
}

/** Tick labels on a log axis: each value on its own (the spacing varies). */
export function formatLogTicks(splits: Splits): string[] {
  return label(splits, (v) => (v >= 1e3 && v < 1e15 ? compact4.format(v).replace('K', 'k') : formatNumber(v)));
}

/** Tick labels on a runtime axis: seconds below a minute, h:mm:ss above. */
export function formatRuntimeTicks(splits: Splits, incr: number): string[] {
  if (maxAbsOf(splits) < 60) {
    const decimals = incr > 0 ? Math.min(6, decimalsOf(incr)) : 0;
    return label(splits, (v) => `${v.toFixed(decimals)}s`);
  }
  return label(splits, hms);
}

/** Tick spacings that suit durations in seconds (uPlot's axis `incrs`). */
export const RUNTIME_INCRS: number[] = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600,
  7200, 10800, 21600, 43200, 86400, 172800, 432000, 864000, 2592000,
];
