/**
 * One key's values spread over a step window (history-spread.ts), from the key's blocks alone.
 * When the window's blocks follow each other in step order (the usual case), a block inside the
 * window is counted from its header (n minus its nulls, history_block_extras), so only the blocks
 * straddling a bound are decoded to count; then only the blocks holding a picked value are read.
 * A media key's non-numeric values are most of its rows (an image reference is ~250 bytes, a block
 * ~250 kB): a block with few picks is read without them (extras is the row's last column, so its
 * pages are never touched) and SQLite extracts each picked value alone, which costs a fraction of
 * handing the whole text over to JavaScript. Steps that go back (across or inside the window's
 * blocks) gather every value of the window and sort them first.
 */
import type Database from 'better-sqlite3';
import { parseWandbJson } from '@wandb-daemon/protocol';
import { BLOCK_LINES, decodeBlock, newScratch, type BlockRow } from '../history-block.js';
import { spreadIndexes, type SpreadValues, type StepValue } from '../history-spread.js';
import { NULL_JSON } from '../history-values.js';
import { BLOCK_COLUMNS, forEachBlockRun, KEY_BLOCK_RANGE_SQL, seriesValue, type HistoryBlocks } from './history-blocks.js';

/** A block's header for a values read: its non-null values are n - nulls. */
interface ValueHeader {
  block_no: number;
  n: number;
  min_step: number;
  max_step: number;
  sorted: number;
  /** Null when the block holds numbers only (it has no history_block_extras row). */
  nulls: number | null;
}

type Row = BlockRow & { block_no: number };
type RangeParams = [number, number, number, number, number, number];

/** The headers of a key's blocks that may overlap a step window, with their null counts. */
export const KEY_VALUE_HEADERS_SQL = `SELECT h.block_no, h.n, h.min_step, h.max_step, h.sorted, e.nulls FROM history_blocks h
  LEFT JOIN history_block_extras e ON e.run_id = h.run_id AND e.key_id = h.key_id AND e.block_no = h.block_no
  WHERE h.run_id = ? AND h.key_id = ? AND h.max_step >= ? AND h.min_step <= ? ORDER BY h.block_no`;

/** KEY_BLOCK_RANGE_SQL without the non-numeric values (extras NULL). */
const LEAN_RANGE_SQL = `SELECT block_no, ${BLOCK_COLUMNS.replace(/extras$/, 'NULL AS extras')} FROM history_blocks
  WHERE run_id = ? AND key_id = ? AND block_no BETWEEN ? AND ? AND max_step >= ? AND min_step <= ? ORDER BY block_no`;

/** One non-numeric value of a block by line offset (SQL NULL: none, the value is a NaN number). */
const EXTRA_SQL = 'SELECT json_extract(extras, ?) AS json FROM history_blocks WHERE run_id = ? AND key_id = ? AND block_no = ?';

/** Picks in one block above which the whole block is read: one extraction parses the block's text once per pick. */
const LEAN_MAX_PICKS = 4;

/** A picked value of a lean block that may be non-numeric: where it is and which pick it is. */
interface PendingExtra {
  pick: number;
  blockNo: number;
  offset: number;
  step: number;
  num: number;
}

/** Reads one key's values spread over a window. */
export class HistoryKeyValues {
  private readonly statements;
  private readonly scratch = newScratch();

  constructor(db: Database.Database, private readonly blocks: HistoryBlocks) {
    this.statements = {
      headers: db.prepare<[number, number, number, number], ValueHeader>(KEY_VALUE_HEADERS_SQL),
      full: db.prepare<RangeParams, Row>(KEY_BLOCK_RANGE_SQL),
      lean: db.prepare<RangeParams, Row>(LEAN_RANGE_SQL),
      extra: db.prepare<[string, number, number, number], { json: string | null }>(EXTRA_SQL),
    };
  }

  /** The non-null values of a key with min <= step <= max: how many, and `limit` of them spread evenly, in (step, line) order. */
  spread(runId: number, keyId: number, min: number, max: number, limit: number): SpreadValues {
    const headers = this.statements.headers.all(runId, keyId, min, max);
    const ordered = headers.every((h, i) => h.sorted === 1 && (i === 0 || h.min_step >= headers[i - 1]!.max_step));
    if (!ordered) return this.spreadUnordered(runId, keyId, min, max, limit);
    const straddling = headers.map((h) => h.min_step < min || h.max_step > max);
    const counts = headers.map((h, i) => (straddling[i] ? 0 : h.n - (h.nulls ?? 0)));
    forEachBlockRun(this.statements.full, runId, keyId, headers, straddling, (row, i) => {
      this.forEachValue(row, min, max, () => (counts[i]! += 1));
    });
    // Block i holds the values at positions [starts[i], starts[i] + counts[i]), and picks [firstPick[i], firstPick[i + 1]).
    const starts: number[] = [];
    let total = 0;
    for (const count of counts) {
      starts.push(total);
      total += count;
    }
    const picks = spreadIndexes(total, limit);
    const firstPick: number[] = [];
    for (let i = 0, p = 0; i <= headers.length; i += 1) {
      firstPick.push(p);
      while (i < headers.length && p < picks.length && picks[p]! < starts[i]! + counts[i]!) p += 1;
    }
    const picked = (i: number) => firstPick[i + 1]! - firstPick[i]!;
    // A lean block has its picks at their positions: every value of it is in the window, none is null.
    const lean = headers.map((h, i) => picked(i) > 0 && !straddling[i] && (h.nulls ?? 0) === 0 && picked(i) <= LEAN_MAX_PICKS);
    const full = headers.map((_, i) => picked(i) > 0 && !lean[i]);
    const values: StepValue[] = new Array<StepValue>(picks.length);
    forEachBlockRun(this.statements.full, runId, keyId, headers, full, (row, i) => {
      let at = starts[i]!;
      let p = firstPick[i]!;
      this.forEachValue(row, min, max, (step, num, json) => {
        if (at === picks[p]) values[p++] = { step, value: json === undefined ? num : parseWandbJson(json) };
        at += 1;
      });
    });
    const pending: PendingExtra[] = [];
    forEachBlockRun(this.statements.lean, runId, keyId, headers, lean, (row, i) => {
      const { lines, steps, nums } = decodeBlock(row, row.block_no, this.scratch);
      for (let p = firstPick[i]!; p < firstPick[i + 1]!; p += 1) {
        const j = picks[p]! - starts[i]!;
        const num = nums[j]!;
        // NaN in nums: a non-numeric value, or a logged NaN; only a block with extras can hold the former.
        if (Number.isNaN(num) && headers[i]!.nulls !== null) pending.push({ pick: p, blockNo: row.block_no, offset: lines[j]! - row.block_no * BLOCK_LINES, step: steps[j]!, num });
        else values[p] = { step: steps[j]!, value: num };
      }
    });
    // After the scan: a statement cannot run while another iterates on the connection.
    for (const { pick, blockNo, offset, step, num } of pending) {
      const json = this.statements.extra.get(`$."${offset}"`, runId, keyId, blockNo)?.json ?? null;
      values[pick] = { step, value: json === null ? num : parseWandbJson(json) };
    }
    return { total, values };
  }

  /** spread over values gathered and sorted (steps that go back across or inside blocks). */
  private spreadUnordered(runId: number, keyId: number, min: number, max: number, limit: number): SpreadValues {
    const all = this.blocks.series(runId, keyId, min, max, Number.MAX_SAFE_INTEGER);
    const kept: number[] = [];
    for (let i = 0; i < all.length; i += 1) if (all.extras.get(i) !== NULL_JSON) kept.push(i);
    const values = spreadIndexes(kept.length, limit).map((k) => ({ step: all.steps[kept[k]!]!, value: seriesValue(all, kept[k]!) }));
    return { total: kept.length, values };
  }

  /**
   * Calls `visit` for each non-null value of a block with min <= step <= max, in line order: the
   * number, or (json set) the W&B JSON of a non-numeric value.
   */
  private forEachValue(row: Row, min: number, max: number, visit: (step: number, num: number, json: string | undefined) => void): void {
    const { lines, steps, nums, extras } = decodeBlock(row, row.block_no, this.scratch);
    const base = row.block_no * BLOCK_LINES;
    for (let i = 0; i < lines.length; i += 1) {
      const step = steps[i]!;
      if (step < min || step > max) continue;
      const json = extras === null ? undefined : extras.get(lines[i]! - base);
      if (json !== NULL_JSON) visit(step, nums[i]!, json);
    }
  }
}
