/**
 * Reads history, events and console lines. Selected history keys come from the key's blocks in
 * history_blocks (only those overlapping the step window are decoded), never by parsing whole rows;
 * a requested key that names a nested object ("acc" for "acc.train") gathers its dotted sub-keys
 * back into an object.
 */
import type Database from 'better-sqlite3';
import { EMPTY_SERIES, type SeriesQuery, type SeriesResult } from '../history-series.js';
import { EMPTY_SMOOTHED, EMPTY_SMOOTHED_SERIES } from '../history-smoothing.js';
import type { SpreadValues } from '../history-spread.js';
import { setDotted } from '../history-values.js';
import type { HistoryQuery, HistoryRow, OutputLine } from '../server-store.js';
import { HistoryBlocks, MAX_STEP, MIN_STEP, seriesValue, type KeySeries } from './history-blocks.js';
import { HistoryKeyValues } from './history-key-values.js';
import { HistoryPairs } from './history-pairs.js';
import { parseJsonObject } from '@wandb-daemon/protocol';

/** The line-reading part of the SQLite store. */
export class LineReader {
  private readonly statements;
  private readonly blocks: HistoryBlocks;
  private readonly pairs: HistoryPairs;
  private readonly values: HistoryKeyValues;

  constructor(db: Database.Database) {
    this.blocks = new HistoryBlocks(db);
    this.values = new HistoryKeyValues(db, this.blocks);
    this.pairs = new HistoryPairs(db);
    this.statements = {
      keyId: db.prepare<[number, string], { id: number }>('SELECT k.id FROM run_history_keys r JOIN history_keys k ON k.id = r.key_id WHERE r.run_id = ? AND k.name = ?'),
      keys: db.prepare<[number], { name: string }>('SELECT k.name FROM run_history_keys r JOIN history_keys k ON k.id = r.key_id WHERE r.run_id = ? ORDER BY k.name'),
      keyIds: db.prepare<[number, string, string, string], { id: number; name: string }>(
        // The exact key, or its dotted sub-keys: name > 'a.' AND name < 'a/' ('/' follows '.').
        'SELECT k.id, k.name FROM run_history_keys r JOIN history_keys k ON k.id = r.key_id WHERE r.run_id = ? AND (k.name = ? OR (k.name > ? AND k.name < ?))',
      ),
      lines: db.prepare<[number, number, number, number], { step: number; line_no: number; line: string }>(
        'SELECT step, line_no, line FROM history_lines WHERE run_id = ? AND step BETWEEN ? AND ? ORDER BY step, line_no LIMIT ?',
      ),
      historyTail: db.prepare<[number, number], { step: number; line: string }>('SELECT step, line FROM history_lines WHERE run_id = ? ORDER BY line_no DESC LIMIT ?'),
      events: db.prepare<[number, number, number], { line_no: number; line: string }>('SELECT line_no, line FROM events_lines WHERE run_id = ? AND line_no >= ? ORDER BY line_no LIMIT ?'),
      eventsTail: db.prepare<[number, number], { line: string }>('SELECT line FROM events_lines WHERE run_id = ? ORDER BY line_no DESC LIMIT ?'),
      output: db.prepare<[number, number, number], { line_no: number; stream: 'stdout' | 'stderr'; timestamp: string | null; text: string }>(
        'SELECT line_no, stream, timestamp, text FROM output_lines WHERE run_id = ? AND line_no >= ? ORDER BY line_no LIMIT ?',
      ),
    };
  }

  historyKeys(runId: number): string[] {
    return this.statements.keys.all(runId).map((row) => row.name);
  }

  historyKeyTypes(runId: number): { key: string; type: string }[] {
    return this.blocks.keyTypes.types(runId);
  }

  historyValues(runId: number, key: string, query: HistoryQuery): SpreadValues {
    const keyId = this.statements.keyId.get(runId, key)?.id;
    if (keyId === undefined) return { total: 0, values: [] };
    return this.values.spread(runId, keyId, query.minStep ?? MIN_STEP, query.maxStep ?? MAX_STEP, query.limit);
  }

  historyByKeys(runId: number, keys: readonly string[], query: HistoryQuery): HistoryRow[] {
    const min = query.minStep ?? MIN_STEP;
    const max = query.maxStep ?? MAX_STEP;
    const parts: { path: string[]; series: KeySeries }[] = [];
    for (const requested of keys) {
      for (const { id, name } of this.statements.keyIds.all(runId, requested, `${requested}.`, `${requested}/`)) {
        const path = name === requested ? [requested] : [requested, ...name.slice(requested.length + 1).split('.')];
        // Each key's first `limit` values suffice: a row among the first `limit` rows overall is
        // among the first `limit` rows of every key it has.
        parts.push({ path, series: this.blocks.series(runId, id, min, max, query.limit) });
      }
    }
    return mergeSeries(parts, query.limit);
  }

  /**
   * One flattened key against `_step` or another key (exact names); empty when the run lacks either.
   * With smoothing, every point of the key up to the window's end goes through the EMA: against
   * `_step` in a read of its own (the series itself comes from block summaries), against another
   * key in the series' own scan.
   */
  historySeries(runId: number, key: string, query: SeriesQuery): SeriesResult {
    const smooth = (query.smoothing ?? 0) > 0;
    const keyId = this.statements.keyId.get(runId, key)?.id;
    const xKeyId = query.x === '_step' ? null : this.statements.keyId.get(runId, query.x)?.id;
    if (keyId === undefined || xKeyId === undefined) return smooth ? EMPTY_SMOOTHED_SERIES : EMPTY_SERIES;
    if (xKeyId !== null) return smooth ? this.pairs.seriesSmoothed(runId, keyId, xKeyId, query) : this.pairs.series(runId, keyId, xKeyId, query);
    const raw = this.blocks.stepSeries(runId, keyId, query);
    if (!smooth) return raw;
    if (raw.rawCount === 0 && raw.before === null && raw.after === null) return { ...raw, smoothed: EMPTY_SMOOTHED };
    return { ...raw, smoothed: this.blocks.smoothedSteps(runId, keyId, raw, query) };
  }

  historyLines(runId: number, query: HistoryQuery): { step: number; lineNo: number; line: string }[] {
    return this.statements.lines.all(runId, query.minStep ?? MIN_STEP, query.maxStep ?? MAX_STEP, query.limit).map((r) => ({ step: r.step, lineNo: r.line_no, line: r.line }));
  }

  historyTail(runId: number, count: number): string[] {
    return this.statements.historyTail.all(runId, count).map((r) => withStep(r.line, r.step)).reverse();
  }

  eventsLines(runId: number, from: number, limit: number): { lineNo: number; line: string }[] {
    return this.statements.events.all(runId, from, limit).map((r) => ({ lineNo: r.line_no, line: r.line }));
  }

  eventsTail(runId: number, count: number): string[] {
    return this.statements.eventsTail.all(runId, count).map((r) => r.line).reverse();
  }

  outputLines(runId: number, from: number, limit: number): OutputLine[] {
    return this.statements.output.all(runId, from, limit).map((r) => ({ lineNo: r.line_no, stream: r.stream, timestamp: r.timestamp, text: r.text }));
  }
}

/**
 * `line` with `"_step"` first when it has none (@wandb/sdk omits it; the step was inferred from the
 * line index): Python resumes at the last tail line's `_step` + 1. The rest of the line is kept
 * byte for byte (NaN tokens included).
 */
function withStep(line: string, step: number): string {
  const row = parseJsonObject(line);
  if (!row || Object.hasOwn(row, '_step')) return line;
  const open = line.indexOf('{') + 1;
  return `${line.slice(0, open)}"_step":${step}${Object.keys(row).length > 0 ? ',' : ''}${line.slice(open)}`;
}

/**
 * Rows from per-key series, each in (step, line) order: a k-way merge that gathers the values of one
 * line into one row (a line has one step, so its values are at the heads of their series together).
 */
function mergeSeries(parts: readonly { path: string[]; series: KeySeries }[], limit: number): HistoryRow[] {
  const rows: HistoryRow[] = [];
  const pos = parts.map(() => 0);
  while (rows.length < limit) {
    let step = 0;
    let lineNo = -1;
    for (let j = 0; j < parts.length; j += 1) {
      const { series } = parts[j]!;
      const i = pos[j]!;
      if (i >= series.length) continue;
      const s = series.steps[i]!;
      const l = series.lines[i]!;
      if (lineNo < 0 || s < step || (s === step && l < lineNo)) {
        step = s;
        lineNo = l;
      }
    }
    if (lineNo < 0) break;
    const values: Record<string, unknown> = {};
    for (let j = 0; j < parts.length; j += 1) {
      const { path, series } = parts[j]!;
      const i = pos[j]!;
      if (i >= series.length || series.lines[i] !== lineNo) continue;
      // setDotted assigns "__proto__" as data; every other single key can take the fast path.
      if (path.length === 1 && path[0] !== '__proto__') values[path[0]!] = seriesValue(series, i);
      else setDotted(values, path, seriesValue(series, i));
      pos[j] = i + 1;
    }
    rows.push({ step, lineNo, values });
  }
  return rows;
}
