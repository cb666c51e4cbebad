/**
 * A history key against another key as x (`_runtime`, `_timestamp`, any key): y and x are paired by
 * line from the two keys' blocks of the same number (a block covers the same lines for every key),
 * joined in SQL and decoded as typed arrays; no history row is parsed. The x key's block summaries
 * give each block's range of x values, so blocks wholly outside the window are skipped, except to
 * find the nearest points beyond its bounds.
 */
import type Database from 'better-sqlite3';
import { BLOCK_LINES, blobView as view, decodeExtras, decodeSummary } from '../history-block.js';
import { SUMMARY_SLOTS } from '../history-m4.js';
import { EdgePoints, EMPTY_SERIES, PointBuffer, SeriesBuilder, type SeriesQuery, type SeriesResult } from '../history-series.js';
import { EMPTY_SMOOTHED_SERIES, SmoothedStream, smoothedSeries } from '../history-smoothing.js';

const { COUNT, MIN, MAX } = SUMMARY_SLOTS;

/** Points the smoothed read hands on together (one order check and one EMA loop each). */
const SMOOTHING_CHUNK = 1024;

/** Both keys' summaries of one block number. */
interface PairHeader {
  block_no: number;
  y_summary: Buffer;
  x_summary: Buffer;
}

/** The columns of both blocks that pairing needs. */
interface PairRow {
  block_no: number;
  y_n: number;
  y_first: number;
  y_lines: Buffer | null;
  y_nums: Buffer | null;
  y_extras: string | null;
  x_n: number;
  x_first: number;
  x_lines: Buffer | null;
  x_nums: Buffer | null;
}

/** A block worth reading: its number, how many numeric y it holds, and the range of its x values. */
interface PairBlock {
  blockNo: number;
  count: number;
  xlo: number;
  xhi: number;
}

const PAIR_HEADERS_SQL = `SELECT y.block_no, y.summary AS y_summary, x.summary AS x_summary FROM history_blocks y
  JOIN history_blocks x ON x.run_id = y.run_id AND x.key_id = ? AND x.block_no = y.block_no
  WHERE y.run_id = ? AND y.key_id = ? ORDER BY y.block_no`;

const PAIR_ROWS_SQL = `SELECT y.block_no, y.n AS y_n, y.first_line AS y_first, y.lines AS y_lines, y.nums AS y_nums, y.extras AS y_extras,
    x.n AS x_n, x.first_line AS x_first, x.lines AS x_lines, x.nums AS x_nums FROM history_blocks y
  JOIN history_blocks x ON x.run_id = y.run_id AND x.key_id = ? AND x.block_no = y.block_no
  WHERE y.run_id = ? AND y.key_id = ? AND y.block_no BETWEEN ? AND ? ORDER BY y.block_no`;

/** Line offsets in the block of n values: contiguous from `first` when `lines` is null. */
function offsetsOf(lines: Buffer | null, first: number, n: number, base: number): Uint16Array {
  if (lines !== null) return view(lines, Uint16Array);
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i += 1) out[i] = first - base + i;
  return out;
}

/** Reads a key against another key's values as x. */
export class HistoryPairs {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      headers: db.prepare<[number, number, number], PairHeader>(PAIR_HEADERS_SQL),
      rows: db.prepare<[number, number, number, number, number], PairRow>(PAIR_ROWS_SQL),
    };
  }

  /** Key `yKeyId` against key `xKeyId` (history-series.ts). */
  series(runId: number, yKeyId: number, xKeyId: number, query: SeriesQuery): SeriesResult {
    const min = query.min ?? -Infinity;
    const max = query.max ?? Infinity;
    if (min > max) return EMPTY_SERIES;
    const blocks = this.blocks(runId, yKeyId, xKeyId);
    const overlapping = blocks.filter((b) => b.xhi >= min && b.xlo <= max);
    const points = new SeriesBuilder(query, false, overlapping.reduce((n, b) => n + b.count, 0));
    const edges = new EdgePoints(query.min, query.max);
    this.scan(runId, yKeyId, xKeyId, overlapping, { min, max, points, edges });
    this.scanBeyond(runId, yKeyId, xKeyId, blocks.filter((b) => b.xhi < min), edges, 'before');
    this.scanBeyond(runId, yKeyId, xKeyId, blocks.filter((b) => b.xlo > max), edges, 'after');
    return points.finish(edges);
  }

  /**
   * The series with its smoothed series (history-smoothing.ts), from one scan of every block whose
   * x values may lie at or below the window's max, in block order: each point goes to the raw
   * series, and those up to max through the EMA (in chunks) to a second SeriesBuilder, which,
   * seeing the same (x, line) as the first, reduces them the same way. An x that goes back makes the
   * smoothed series start over from all points up to max, sorted (a second scan).
   */
  seriesSmoothed(runId: number, yKeyId: number, xKeyId: number, query: SeriesQuery): SeriesResult {
    const min = query.min ?? -Infinity;
    const max = query.max ?? Infinity;
    if (min > max) return EMPTY_SMOOTHED_SERIES;
    const blocks = this.blocks(runId, yKeyId, xKeyId);
    const upToMax = blocks.filter((b) => b.xlo <= max);
    const capacity = upToMax.filter((b) => b.xhi >= min).reduce((n, b) => n + b.count, 0);
    const points = new SeriesBuilder(query, false, capacity);
    const smoothedPoints = new SeriesBuilder(query, false, capacity);
    const stream = new SmoothedStream(query.smoothing ?? 0, min, smoothedPoints);
    const chunk = new PointBuffer(SMOOTHING_CHUNK);
    const flush = () => {
      if (chunk.length > 0 && !(chunk.inOrder && stream.add(chunk.xs, chunk.ys, chunk.lines, 0, chunk.length))) stream.ordered = false;
      chunk.clear();
    };
    const smooth = (x: number, y: number, line: number) => {
      if (!stream.ordered) return;
      chunk.push(x, y, line);
      if (chunk.length === SMOOTHING_CHUNK) flush();
    };
    const edges = new EdgePoints(query.min, query.max);
    const add = (x: number, y: number, line: number) => {
      points.add(x, y, line);
      smooth(x, y, line);
    };
    const consider = (x: number, y: number, line: number) => {
      edges.consider(x, y, line);
      if (x < min) smooth(x, y, line);
    };
    this.scan(runId, yKeyId, xKeyId, upToMax, { min, max, points: { add }, edges: { consider } });
    flush();
    this.scanBeyond(runId, yKeyId, xKeyId, blocks.filter((b) => b.xlo > max), edges, 'after');
    const raw = points.finish(edges);
    if (stream.ordered) return { ...raw, smoothed: stream.finish(raw, smoothedPoints.finish({ before: null, after: null }).points) };
    const all = new PointBuffer(upToMax.reduce((n, b) => n + b.count, 0));
    this.scan(runId, yKeyId, xKeyId, upToMax, { min: -Infinity, max, points: { add: (x, y, line) => all.push(x, y, line) }, edges: { consider: () => {} } });
    return { ...raw, smoothed: smoothedSeries(all, raw, query) };
  }

  /**
   * Completes one edge of `edges` from blocks wholly beyond that bound, nearest first, until none
   * can hold a nearer point.
   */
  private scanBeyond(runId: number, yKeyId: number, xKeyId: number, beyond: PairBlock[], edges: EdgePoints, side: 'before' | 'after'): void {
    const sink: PairSink = { min: edges.min ?? -Infinity, max: edges.max ?? Infinity, points: { add: () => {} }, edges };
    const nearest = side === 'before' ? beyond.sort((a, b) => b.xhi - a.xhi) : beyond.sort((a, b) => a.xlo - b.xlo);
    for (const b of nearest) {
      if (side === 'before' ? edges.before !== null && edges.before.x > b.xhi : edges.after !== null && edges.after.x < b.xlo) break;
      this.scan(runId, yKeyId, xKeyId, [b], sink);
    }
  }

  /** Block numbers where both keys have values, y has a number and x a non-NaN number. */
  private blocks(runId: number, yKeyId: number, xKeyId: number): PairBlock[] {
    const out: PairBlock[] = [];
    for (const h of this.statements.headers.all(xKeyId, runId, yKeyId)) {
      const y = decodeSummary(h.y_summary);
      const x = decodeSummary(h.x_summary);
      // The x key's min and max points hold its smallest and largest value (line -1: all NaN).
      if (y[COUNT] === 0 || x[COUNT] === 0 || x[MIN + 2]! < 0) continue;
      out.push({ blockNo: h.block_no, count: y[COUNT]!, xlo: x[MIN + 1]!, xhi: x[MAX + 1]! });
    }
    return out;
  }

  /** Pairs the points of `blocks` (in block order) into `sink`, fetching runs of consecutive block numbers together. */
  private scan(runId: number, yKeyId: number, xKeyId: number, blocks: readonly PairBlock[], sink: PairSink): void {
    for (let from = 0; from < blocks.length; ) {
      let to = from + 1;
      while (to < blocks.length && blocks[to]!.blockNo === blocks[to - 1]!.blockNo + 1) to += 1;
      for (const row of this.statements.rows.iterate(xKeyId, runId, yKeyId, blocks[from]!.blockNo, blocks[to - 1]!.blockNo)) pairBlock(row, sink);
      from = to;
    }
  }
}

/** Where paired points go: into `points` inside [min, max], to `edges` outside. */
interface PairSink {
  min: number;
  max: number;
  points: Pick<SeriesBuilder, 'add'>;
  edges: Pick<EdgePoints, 'consider'>;
}

/**
 * Pairs one block's y and x values by line: points where y is a number and x a finite number. Hot
 * (a million points per read): no closure per point.
 */
function pairBlock(row: PairRow, sink: PairSink): void {
  if (row.y_nums === null || row.x_nums === null) return;
  const ys = view(row.y_nums, Float64Array);
  const xs = view(row.x_nums, Float64Array);
  const base = row.block_no * BLOCK_LINES;
  // Non-numeric y values are NaN in ys: their offsets tell them from a logged NaN.
  const text = decodeExtras(row.y_extras);
  const { min, max, points, edges } = sink;
  if (row.y_lines === null && row.x_lines === null) {
    // Both contiguous: line L is y value L - y_first and x value L - x_first.
    const from = Math.max(row.y_first, row.x_first);
    const to = Math.min(row.y_first + row.y_n, row.x_first + row.x_n);
    const dy = row.y_first;
    const dx = row.x_first;
    for (let line = from; line < to; line += 1) {
      const x = xs[line - dx]!;
      const y = ys[line - dy]!;
      if (!Number.isFinite(x) || (Number.isNaN(y) && text !== null && text.has(line - base))) continue;
      if (x >= min && x <= max) points.add(x, y, line);
      else edges.consider(x, y, line);
    }
    return;
  }
  const yOff = offsetsOf(row.y_lines, row.y_first, row.y_n, base);
  const xOff = offsetsOf(row.x_lines, row.x_first, row.x_n, base);
  for (let i = 0, j = 0; i < row.y_n && j < row.x_n; ) {
    const a = yOff[i]!;
    const b = xOff[j]!;
    if (a < b) i += 1;
    else if (a > b) j += 1;
    else {
      const x = xs[j]!;
      const y = ys[i]!;
      i += 1;
      j += 1;
      if (!Number.isFinite(x) || (Number.isNaN(y) && text !== null && text.has(a))) continue;
      if (x >= min && x <= max) points.add(x, y, base + a);
      else edges.consider(x, y, base + a);
    }
  }
}
