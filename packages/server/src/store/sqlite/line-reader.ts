/**
 * Reads history, events and console lines. Selected history keys come from history_values by its
 * (run, key, step) primary key, never by parsing whole rows; a requested key that names a nested
 * object ("acc" for "acc.train") gathers its dotted sub-keys back into an object.
 */
import type Database from 'better-sqlite3';
import { decodeLeaf, setDotted } from '../history-values.js';
import type { HistoryQuery, HistoryRow, OutputLine } from '../server-store.js';

interface ValueRow {
  step: number;
  line_no: number;
  num: number | null;
  json: string | null;
}

/** One key's values over a step window: a range of history_values' (run, key, step) primary key. */
export const KEY_VALUES_SQL = 'SELECT step, line_no, num, json FROM history_values WHERE run_id = ? AND key_id = ? AND step BETWEEN ? AND ? ORDER BY step, line_no LIMIT ?';

/** Steps are SQLite integers: these bounds stand for "no bound". */
const MIN_STEP = Number.MIN_SAFE_INTEGER;
const MAX_STEP = Number.MAX_SAFE_INTEGER;

/** The line-reading part of the SQLite store. */
export class LineReader {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      keys: db.prepare<[number], { name: string }>('SELECT k.name FROM run_history_keys r JOIN history_keys k ON k.id = r.key_id WHERE r.run_id = ? ORDER BY k.name'),
      keyIds: db.prepare<[number, string, string, string], { id: number; name: string }>(
        // The exact key, or its dotted sub-keys: name > 'a.' AND name < 'a/' ('/' follows '.').
        'SELECT k.id, k.name FROM run_history_keys r JOIN history_keys k ON k.id = r.key_id WHERE r.run_id = ? AND (k.name = ? OR (k.name > ? AND k.name < ?))',
      ),
      values: db.prepare<[number, number, number, number, number], ValueRow>(KEY_VALUES_SQL),
      lines: db.prepare<[number, number, number, number], { step: number; line_no: number; line: string }>(
        'SELECT step, line_no, line FROM history_lines WHERE run_id = ? AND step BETWEEN ? AND ? ORDER BY step, line_no LIMIT ?',
      ),
      historyTail: db.prepare<[number, number], { line: string }>('SELECT line FROM history_lines WHERE run_id = ? ORDER BY line_no DESC LIMIT ?'),
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

  historyByKeys(runId: number, keys: readonly string[], query: HistoryQuery): HistoryRow[] {
    const rows = new Map<number, HistoryRow>();
    const min = query.minStep ?? MIN_STEP;
    const max = query.maxStep ?? MAX_STEP;
    for (const requested of keys) {
      for (const { id, name } of this.statements.keyIds.all(runId, requested, `${requested}.`, `${requested}/`)) {
        const path = name === requested ? [requested] : [requested, ...name.slice(requested.length + 1).split('.')];
        // Each key's first `limit` values suffice: a row among the first `limit` rows overall is
        // among the first `limit` rows of every key it has.
        for (const value of this.statements.values.iterate(runId, id, min, max, query.limit)) {
          let row = rows.get(value.line_no);
          if (!row) rows.set(value.line_no, (row = { step: value.step, lineNo: value.line_no, values: {} }));
          setDotted(row.values, path, decodeLeaf(value.num, value.json));
        }
      }
    }
    return [...rows.values()].sort((a, b) => a.step - b.step || a.lineNo - b.lineNo).slice(0, query.limit);
  }

  historyLines(runId: number, query: HistoryQuery): { step: number; lineNo: number; line: string }[] {
    return this.statements.lines.all(runId, query.minStep ?? MIN_STEP, query.maxStep ?? MAX_STEP, query.limit).map((r) => ({ step: r.step, lineNo: r.line_no, line: r.line }));
  }

  historyTail(runId: number, count: number): string[] {
    return this.statements.historyTail.all(runId, count).map((r) => r.line).reverse();
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
