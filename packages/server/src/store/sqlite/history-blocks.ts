/**
 * The history_blocks table: writes edits block by block (read-modify-write, inside the caller's
 * transaction; the kinds of each key's values follow, history-key-types.ts) and reads one key over
 * a step window, either as values or as M4 buckets. Reads scan
 * the key's block headers (small columns, no BLOB pages), then fetch and decode only the blocks
 * whose step range overlaps the window, runs of them with one statement; M4 merges the stored
 * summary of a block that falls inside one bucket instead. Steps are non-decreasing in practice;
 * nothing here relies on it: the step filter applies to every value, and values are sorted by
 * (step, line) unless they came sorted.
 */
import type Database from 'better-sqlite3';
import { parseWandbJson } from '@wandb-daemon/protocol';
import { applyEdits, BLOCK_LINES, blockKinds, decodeBlock, decodeSummary, encodeBlock, newScratch, type BlockEdits, type BlockRow } from '../history-block.js';
import { AlignedM4Accumulator, alignedWidth, bucketPoints, SUMMARY_SLOTS, type M4Accumulator } from '../history-m4.js';
import { EdgePoints, EMPTY_SERIES, PointBuffer, windowOf, type SeriesQuery, type SeriesResult, type SmoothedSeries } from '../history-series.js';
import { smoothedLike, smoothedSeries } from '../history-smoothing.js';
import { HistoryKeyTypes, type BlockChange } from './history-key-types.js';

const { COUNT, FIRST, LAST } = SUMMARY_SLOTS;

/** A block's header: what a read needs to decide whether to decode it. */
interface BlockHeader {
  block_no: number;
  min_step: number;
  max_step: number;
  sorted: number;
  summary: Buffer;
}

/** Edits of one request: key id → block number → edits in line order. */
export type KeyEdits = Map<number, Map<number, BlockEdits>>;

/** One key's values in (step, line) order, columnar: value i is nums[i] unless extras has i. */
export interface KeySeries {
  length: number;
  steps: Float64Array;
  lines: Float64Array;
  nums: Float64Array;
  /** Index → W&B JSON of a non-numeric value. */
  extras: Map<number, string>;
}

/** Value `i` of a series. */
export function seriesValue(series: KeySeries, i: number): unknown {
  const json = series.extras.size > 0 ? series.extras.get(i) : undefined;
  return json === undefined ? series.nums[i] : parseWandbJson(json);
}

/** The blocks of one key whose steps may overlap [min, max]: a search of the (run, key, block) index. */
export const KEY_BLOCKS_SQL = 'SELECT block_no, min_step, max_step, sorted, summary FROM history_blocks WHERE run_id = ? AND key_id = ? AND max_step >= ? AND min_step <= ? ORDER BY block_no';

/** Steps are SQLite integers: these bounds stand for "no bound". */
export const MIN_STEP = Number.MIN_SAFE_INTEGER;
export const MAX_STEP = Number.MAX_SAFE_INTEGER;

/** A block row's columns (BlockRow), in table order: the non-numeric values (extras) last. */
export const BLOCK_COLUMNS = 'n, first_line, last_line, min_step, max_step, sorted, summary, lines, steps, nums, extras';

/** A run of one key's blocks, BLOBs included: a range of the (run, key, block) index. */
export const KEY_BLOCK_RANGE_SQL = `SELECT block_no, ${BLOCK_COLUMNS} FROM history_blocks WHERE run_id = ? AND key_id = ? AND block_no BETWEEN ? AND ? AND max_step >= ? AND min_step <= ? ORDER BY block_no`;

/** Reads and writes history_blocks. */
export class HistoryBlocks {
  private readonly statements;
  /** Decode target of reads (synchronous: one block at a time). */
  private readonly scratch = newScratch();
  /** The kinds of each key's values, kept by write() (and read through here: one set of statements). */
  readonly keyTypes: HistoryKeyTypes;

  constructor(db: Database.Database) {
    this.keyTypes = new HistoryKeyTypes(db);
    this.statements = {
      block: db.prepare<[number, number, number], BlockRow>(`SELECT ${BLOCK_COLUMNS} FROM history_blocks WHERE run_id = ? AND key_id = ? AND block_no = ?`),
      // One statement for a run of blocks: far cheaper than a lookup per block.
      blocks: db.prepare<[number, number, number, number, number, number], BlockRow & { block_no: number }>(KEY_BLOCK_RANGE_SQL),
      headers: db.prepare<[number, number, number, number], BlockHeader>(KEY_BLOCKS_SQL),
      // Blocks that may hold a step below (above) a window: where its nearest outside points are.
      headersBelow: db.prepare<[number, number, number], BlockHeader>('SELECT block_no, min_step, max_step, sorted, summary FROM history_blocks WHERE run_id = ? AND key_id = ? AND min_step < ? ORDER BY block_no'),
      headersAbove: db.prepare<[number, number, number], BlockHeader>('SELECT block_no, min_step, max_step, sorted, summary FROM history_blocks WHERE run_id = ? AND key_id = ? AND max_step > ? ORDER BY block_no'),
      upsert: db.prepare<[number, number, number, number, number, number, number, number, number, Buffer, Buffer | null, Buffer | null, Buffer | null, string | null]>(
        `INSERT INTO history_blocks (run_id, key_id, block_no, ${BLOCK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, key_id, block_no) DO UPDATE SET n = excluded.n, first_line = excluded.first_line, last_line = excluded.last_line,
           min_step = excluded.min_step, max_step = excluded.max_step, sorted = excluded.sorted, summary = excluded.summary,
           lines = excluded.lines, steps = excluded.steps, nums = excluded.nums, extras = excluded.extras`,
      ),
      remove: db.prepare<[number, number, number]>('DELETE FROM history_blocks WHERE run_id = ? AND key_id = ? AND block_no = ?'),
    };
  }

  /**
   * Applies one request's edits: one read and one write per touched (key, block), then one update
   * of each touched key's value kinds (history-key-types.ts).
   */
  write(runId: number, edits: KeyEdits): void {
    for (const [keyId, blocks] of edits) {
      const changes: BlockChange[] = [];
      for (const [blockNo, blockEdits] of blocks) {
        const row = this.statements.block.get(runId, keyId, blockNo);
        const old = row ? decodeBlock(row, blockNo) : null;
        const block = applyEdits(old, blockNo, blockEdits);
        changes.push({ blockNo, before: blockKinds(old, false), after: blockKinds(block, true) });
        if (block === null) {
          if (row) this.statements.remove.run(runId, keyId, blockNo);
          continue;
        }
        const r = encodeBlock(block, blockNo);
        this.statements.upsert.run(runId, keyId, blockNo, r.n, r.first_line, r.last_line, r.min_step, r.max_step, r.sorted, r.summary, r.lines, r.steps, r.nums, r.extras);
      }
      this.keyTypes.apply(runId, keyId, changes);
    }
  }

  /** The first `limit` values of a key with min <= step <= max, in (step, line) order. */
  series(runId: number, keyId: number, min: number, max: number, limit: number): KeySeries {
    const out = new KeySeriesCollector(limit);
    if (limit <= 0) return out.finish();
    // Enough values already, and none in the block can sort before the last one kept.
    const skip = (h: { min_step: number }) => out.full() && h.min_step >= out.cutoff();
    const headers = this.statements.headers.all(runId, keyId, min, max);
    // Batches of blocks fetched with one statement, growing: a short read fetches few blocks.
    for (let from = 0, size = 4; from < headers.length; from += size, size = Math.min(size * 2, 256)) {
      while (from < headers.length && skip(headers[from]!)) from += 1;
      if (from >= headers.length) break;
      const to = Math.min(from + size, headers.length);
      for (const row of this.statements.blocks.iterate(runId, keyId, headers[from]!.block_no, headers[to - 1]!.block_no, min, max)) {
        if (skip(row)) continue;
        const { lines, steps, nums, extras } = decodeBlock(row, row.block_no, this.scratch);
        const base = row.block_no * BLOCK_LINES;
        for (let i = 0; i < lines.length; i += 1) {
          const step = steps[i]!;
          if (step >= min && step <= max) out.push(step, lines[i]!, nums[i]!, extras === null ? undefined : extras.get(lines[i]! - base));
        }
      }
    }
    return out.finish();
  }

  /**
   * A key against x = `_step` (history-series.ts): the count and extent of the window's points come
   * from block summaries, decoding only blocks that straddle a window bound; M4 merges the summary of
   * a block inside one aligned bucket without decoding it.
   */
  stepSeries(runId: number, keyId: number, query: SeriesQuery): SeriesResult {
    const min = query.min ?? -Infinity;
    const max = query.max ?? Infinity;
    if (min > max) return EMPTY_SERIES;
    const headers = this.statements.headers.all(runId, keyId, Math.max(min, MIN_STEP), Math.min(max, MAX_STEP));
    const summaries = headers.map((h) => decodeSummary(h.summary));
    // Blocks whose numeric points all lie in the window count from their summary; the others
    // (straddling a bound) are decoded, their window's points kept and the rest seen as edges.
    const inside = summaries.map((s) => s[COUNT]! > 0 && s[FIRST]! >= min && s[LAST]! <= max);
    const straddling = summaries.map((s, i) => s[COUNT]! > 0 && !inside[i]);
    const partial = new PointBuffer();
    const edges = new EdgePoints(query.min, query.max);
    this.forEachBlock(runId, keyId, headers, straddling, (row) =>
      this.forEachPoint(row, (x, y, line) => (x >= min && x <= max ? partial.push(x, y, line) : edges.consider(x, y, line))),
    );
    let rawCount = partial.length;
    let { lo, hi } = partial.extent();
    summaries.forEach((s, i) => {
      if (!inside[i]) return;
      rawCount += s[COUNT]!;
      lo = Math.min(lo, s[FIRST]!);
      hi = Math.max(hi, s[LAST]!);
    });
    this.findEdges(runId, keyId, edges, new Set(headers.filter((_, i) => straddling[i]).map((h) => h.block_no)));
    const outside = { before: edges.before, after: edges.after };
    if (rawCount <= query.raw) {
      // Every point of an inside block is in the window; the filter only keeps it so.
      this.forEachBlock(runId, keyId, headers, inside, (row) => this.forEachPoint(row, (x, y, line) => x >= min && x <= max && partial.push(x, y, line)));
      return { rawCount, aggregated: false, bucketWidth: null, buckets: [], points: partial.points(), ...outside };
    }
    const window = windowOf(query, { lo, hi });
    const width = alignedWidth(window.lo, window.hi, query.buckets, true);
    const acc = new AlignedM4Accumulator(lo, hi, width);
    const decode = summaries.map((s, i) => {
      const merged = inside[i]! && acc.bucketOf(s[FIRST]!) === acc.bucketOf(s[LAST]!);
      if (merged) acc.merge(acc.bucketOf(s[FIRST]!), s);
      return inside[i]! && !merged;
    });
    this.forEachBlock(runId, keyId, headers, decode, (row) => this.addToM4(acc, row));
    partial.sort();
    acc.addSorted(partial.xs, partial.ys, partial.lines, 0, partial.length);
    const buckets = acc.result().buckets;
    return { rawCount, aggregated: true, bucketWidth: width, buckets, points: bucketPoints(buckets), ...outside };
  }

  /**
   * The smoothed series of a key against `_step` (history-smoothing.ts), reduced like `raw` (this
   * read's series): every block with numeric values that may hold a step <= the window's max is
   * decoded, in block order, its points streamed through the EMA; no summary can stand in for them.
   * Blocks whose steps go back, or a block starting below the one before, make it start over from
   * all points sorted.
   */
  smoothedSteps(runId: number, keyId: number, raw: SeriesResult, query: SeriesQuery): SmoothedSeries {
    const max = Math.min(query.max ?? Infinity, MAX_STEP);
    const headers = this.statements.headers.all(runId, keyId, MIN_STEP, max);
    // A block without numbers (all media, say) has no point: its values are never fetched.
    const counts = headers.map((h) => decodeSummary(h.summary)[COUNT]!);
    const numeric = counts.map((n) => n > 0);
    const { stream, finish } = smoothedLike(raw, query);
    const chunk = new PointBuffer(BLOCK_LINES);
    const streamed = this.forEachBlock(runId, keyId, headers, numeric, (row) => {
      const { lines, steps, nums, extras } = decodeBlock(row, row.block_no, this.scratch);
      if (row.sorted === 1 && extras === null) {
        // Steps in line order: the points up to max are a prefix.
        let to = lines.length;
        while (to > 0 && steps[to - 1]! > max) to -= 1;
        return stream.add(steps, nums, lines, 0, to);
      }
      chunk.clear();
      const base = row.block_no * BLOCK_LINES;
      for (let i = 0; i < lines.length; i += 1) {
        if (steps[i]! <= max && (extras === null || !extras.has(lines[i]! - base))) chunk.push(steps[i]!, nums[i]!, lines[i]!);
      }
      return chunk.inOrder && stream.add(chunk.xs, chunk.ys, chunk.lines, 0, chunk.length);
    });
    if (streamed) return finish();
    // Every numeric point with step <= max (NaN and ±Infinity included), in any order.
    const all = new PointBuffer(counts.reduce((a, b) => a + b, 0));
    this.forEachBlock(runId, keyId, headers, numeric, (row) => this.forEachPoint(row, (x, y, line) => x <= max && all.push(x, y, line)));
    return smoothedSeries(all, raw, query);
  }

  /**
   * Completes `edges` with the nearest points outside its window, from the summaries of the blocks
   * beyond each bound (a block wholly beyond gives its last (first) point without decoding).
   */
  private findEdges(runId: number, keyId: number, edges: EdgePoints, scanned: Set<number>): void {
    const scan = (h: BlockHeader) => {
      if (scanned.has(h.block_no)) return;
      scanned.add(h.block_no);
      this.forEachBlock(runId, keyId, [h], [true], (row) => this.forEachPoint(row, (x, y, line) => edges.consider(x, y, line)));
    };
    if (edges.min !== undefined) {
      for (const h of this.statements.headersBelow.all(runId, keyId, edges.min)) {
        const s = decodeSummary(h.summary);
        if (s[COUNT] === 0) continue;
        if (s[LAST]! < edges.min) edges.consider(s[LAST]!, s[LAST + 1]!, s[LAST + 2]!);
        else if (s[FIRST]! < edges.min) scan(h);
      }
    }
    if (edges.max !== undefined) {
      for (const h of this.statements.headersAbove.all(runId, keyId, edges.max)) {
        const s = decodeSummary(h.summary);
        if (s[COUNT] === 0) continue;
        if (s[FIRST]! > edges.max) edges.consider(s[FIRST]!, s[FIRST + 1]!, s[FIRST + 2]!);
        else if (s[LAST]! > edges.max) scan(h);
      }
    }
  }

  /** forEachBlockRun over this store's block rows. */
  private forEachBlock(runId: number, keyId: number, headers: readonly BlockSpan[], pick: readonly boolean[], fn: (row: BlockRow & { block_no: number }) => unknown): boolean {
    return forEachBlockRun(this.statements.blocks, runId, keyId, headers, pick, fn);
  }

  /** Calls `visit` for each numeric value of a block (NaN and ±Infinity included), in line order. */
  private forEachPoint(row: BlockRow & { block_no: number }, visit: (x: number, y: number, line: number) => void): void {
    const { lines, steps, nums, extras } = decodeBlock(row, row.block_no, this.scratch);
    const base = row.block_no * BLOCK_LINES;
    for (let i = 0; i < lines.length; i += 1) if (extras === null || !extras.has(lines[i]! - base)) visit(steps[i]!, nums[i]!, lines[i]!);
  }

  /** Adds a block's numeric values in [acc.lo, acc.hi] to an M4 accumulator. */
  private addToM4(acc: M4Accumulator, row: BlockRow & { block_no: number }): void {
    const { lo, hi } = acc;
    const { lines, steps, nums, extras } = decodeBlock(row, row.block_no, this.scratch);
    if (row.sorted === 1 && extras === null) {
      // Steps in line order: the points in [lo, hi] are one run of indexes.
      let from = 0;
      let to = lines.length;
      while (from < to && steps[from]! < lo) from += 1;
      while (to > from && steps[to - 1]! > hi) to -= 1;
      acc.addSorted(steps, nums, lines, from, to);
      return;
    }
    const base = row.block_no * BLOCK_LINES;
    for (let i = 0; i < lines.length; i += 1) {
      const step = steps[i]!;
      if (step >= lo && step <= hi && (extras === null || !extras.has(lines[i]! - base))) acc.add(step, nums[i]!, lines[i]!);
    }
  }
}

/** Where a block is: its number and step range (a header's first columns). */
export interface BlockSpan {
  block_no: number;
  min_step: number;
  max_step: number;
}

/**
 * Calls `fn` for each block `pick` selects (with its index in `headers`), and for no other,
 * fetching runs of consecutive ones (in `headers`) with one call of `range` (KEY_BLOCK_RANGE_SQL,
 * or a statement with its parameters and order); stops when `fn` returns false, and then returns
 * false. `headers` may skip blocks (those outside a window, where steps went back), so a run's
 * block numbers can have others between them: the statement keeps to the run's step range, and a
 * row the run does not list is passed over.
 */
export function forEachBlockRun<Row extends { block_no: number }>(
  range: Database.Statement<[number, number, number, number, number, number], Row>,
  runId: number,
  keyId: number,
  headers: readonly BlockSpan[],
  pick: readonly boolean[],
  fn: (row: Row, index: number) => unknown,
): boolean {
  let from = 0;
  while (from < headers.length) {
    if (!pick[from]) {
      from += 1;
      continue;
    }
    let to = from + 1;
    let lo = headers[from]!.min_step;
    let hi = headers[from]!.max_step;
    for (; to < headers.length && pick[to]; to += 1) {
      lo = Math.min(lo, headers[to]!.min_step);
      hi = Math.max(hi, headers[to]!.max_step);
    }
    let next = from;
    for (const row of range.iterate(runId, keyId, headers[from]!.block_no, headers[to - 1]!.block_no, lo, hi)) {
      // Rows come in block order, each picked header's among them.
      if (next === to || row.block_no !== headers[next]!.block_no) continue;
      const index = next;
      next += 1;
      if (fn(row, index) === false) return false;
    }
    from = to;
  }
  return true;
}

/**
 * Collects values, keeping only the first `limit` by (step, line): their steps, lines and numbers
 * as the points (x = step, y = number) of a PointBuffer, non-numeric values by index beside them.
 */
class KeySeriesCollector {
  private readonly values: PointBuffer;
  private extras = new Map<number, string>();

  constructor(private readonly limit: number) {
    this.values = new PointBuffer(Math.min(limit, BLOCK_LINES * 4));
  }

  push(step: number, line: number, num: number, json: string | undefined): void {
    if (json !== undefined) this.extras.set(this.values.length, json);
    this.values.push(step, num, line);
  }

  full(): boolean {
    if (this.values.length >= this.limit) this.normalize();
    return this.values.length >= this.limit;
  }

  /** The step of the last value kept (call when full). */
  cutoff(): number {
    return this.values.xs[this.limit - 1]!;
  }

  finish(): KeySeries {
    this.normalize();
    const { xs, ys, lines, length } = this.values;
    return { length, steps: xs.subarray(0, length), lines: lines.subarray(0, length), nums: ys.subarray(0, length), extras: this.extras };
  }

  /** Sorts (when needed) and drops values beyond the limit. */
  private normalize(): void {
    const order = this.values.sort();
    if (order !== null && this.extras.size > 0) {
      const extras = this.extras;
      this.extras = new Map();
      order.forEach((from, to) => {
        const json = extras.get(from);
        if (json !== undefined) this.extras.set(to, json);
      });
    }
    if (this.values.length > this.limit) {
      this.values.length = this.limit;
      for (const i of this.extras.keys()) if (i >= this.limit) this.extras.delete(i);
    }
  }
}
