/**
 * Writes file_stream lines. Each content line is an idempotent upsert at its index: an identical
 * resend (a retried chunk) costs one comparison; a changed line (output.log rewriting a progress
 * bar, a history line resent with other values) replaces the old line and its per-key values.
 * Call only inside the store's transaction; after a rollback call reset().
 */
import type Database from 'better-sqlite3';
import { flattenRow, parseHistoryLine, stepOf } from '../history-values.js';
import { parseOutputLine } from '../output-line.js';
import type { LineChunk } from '../server-store.js';
import { BatchInsert } from './batch-insert.js';

interface StoredHistoryLine {
  line_no: number;
  step: number;
  line: string;
}

/** The line-writing part of the SQLite store. */
export class LineWriter {
  private readonly statements;
  private readonly values: BatchInsert;
  private readonly lines: BatchInsert;
  /** Key name → id: the dictionary is small and hot. */
  private readonly keyIds = new Map<string, number>();
  /** "run:key" pairs known to be in run_history_keys. */
  private readonly runKeys = new Set<string>();

  constructor(db: Database.Database) {
    this.statements = {
      historyRange: db.prepare<[number, number, number], StoredHistoryLine>('SELECT line_no, step, line FROM history_lines WHERE run_id = ? AND line_no BETWEEN ? AND ?'),
      keyId: db.prepare<[string], { id: number }>('SELECT id FROM history_keys WHERE name = ?'),
      insertKey: db.prepare<[string]>('INSERT INTO history_keys (name) VALUES (?)'),
      insertRunKey: db.prepare<[number, number]>('INSERT OR IGNORE INTO run_history_keys (run_id, key_id) VALUES (?, ?)'),
      deleteValue: db.prepare<[number, number, number, number]>('DELETE FROM history_values WHERE run_id = ? AND key_id = ? AND step = ? AND line_no = ?'),
      upsertEvent: db.prepare<[number, number, string]>(
        'INSERT INTO events_lines (run_id, line_no, line) VALUES (?, ?, ?) ON CONFLICT (run_id, line_no) DO UPDATE SET line = excluded.line WHERE line IS NOT excluded.line',
      ),
      outputLine: db.prepare<[number, number], { line: string }>('SELECT line FROM output_lines WHERE run_id = ? AND line_no = ?'),
      upsertOutput: db.prepare<[number, number, string, string, string | null, string]>(
        'INSERT OR REPLACE INTO output_lines (run_id, line_no, line, stream, timestamp, text) VALUES (?, ?, ?, ?, ?, ?)',
      ),
    };
    this.values = new BatchInsert(db, 'history_values', ['run_id', 'key_id', 'step', 'line_no', 'num', 'json']);
    this.lines = new BatchInsert(db, 'history_lines', ['run_id', 'line_no', 'step', 'line']);
  }

  /** Upserts history lines; returns the line count they imply (offset + length). */
  writeHistory(runId: number, chunk: LineChunk): number {
    const last = chunk.offset + chunk.content.length - 1;
    const existing = new Map<number, StoredHistoryLine>();
    for (const row of this.statements.historyRange.all(runId, chunk.offset, last)) existing.set(row.line_no, row);
    chunk.content.forEach((line, k) => {
      const lineNo = chunk.offset + k;
      const old = existing.get(lineNo);
      if (old?.line === line) return;
      if (old) this.deleteValues(runId, old);
      const row = parseHistoryLine(line);
      const step = stepOf(row, lineNo);
      this.lines.add(runId, lineNo, step, line);
      if (!row) return;
      for (const value of flattenRow(row)) this.values.add(runId, this.runKeyId(runId, value.key), step, lineNo, value.num, value.json);
    });
    this.lines.flush();
    this.values.flush();
    return last + 1;
  }

  /** Upserts events lines; returns the implied line count. */
  writeEvents(runId: number, chunk: LineChunk): number {
    chunk.content.forEach((line, k) => this.statements.upsertEvent.run(runId, chunk.offset + k, line));
    return chunk.offset + chunk.content.length;
  }

  /** Upserts console lines (parsed into stream, timestamp, text); returns the implied line count. */
  writeOutput(runId: number, chunk: LineChunk): number {
    chunk.content.forEach((line, k) => {
      const lineNo = chunk.offset + k;
      if (this.statements.outputLine.get(runId, lineNo)?.line === line) return;
      const parsed = parseOutputLine(line);
      this.statements.upsertOutput.run(runId, lineNo, line, parsed.stream, parsed.timestamp, parsed.text);
    });
    return chunk.offset + chunk.content.length;
  }

  /** Forgets caches and buffers that a rolled-back transaction may have made wrong. */
  reset(): void {
    this.keyIds.clear();
    this.runKeys.clear();
    this.values.discard();
    this.lines.discard();
  }

  private deleteValues(runId: number, old: StoredHistoryLine): void {
    const row = parseHistoryLine(old.line);
    if (!row) return;
    for (const value of flattenRow(row)) {
      const keyId = this.keyIds.get(value.key) ?? this.statements.keyId.get(value.key)?.id;
      if (keyId !== undefined) this.statements.deleteValue.run(runId, keyId, old.step, old.line_no);
    }
  }

  private runKeyId(runId: number, name: string): number {
    let id = this.keyIds.get(name);
    if (id === undefined) {
      id = this.statements.keyId.get(name)?.id ?? Number(this.statements.insertKey.run(name).lastInsertRowid);
      this.keyIds.set(name, id);
    }
    const pair = `${runId}:${id}`;
    if (!this.runKeys.has(pair)) {
      this.statements.insertRunKey.run(runId, id);
      this.runKeys.add(pair);
    }
    return id;
  }
}
