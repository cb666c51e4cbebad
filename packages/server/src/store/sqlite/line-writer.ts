/**
 * Writes file_stream lines. Each content line is an idempotent upsert at its index: an identical
 * resend (a retried chunk) costs one comparison; a changed line (output.log rewriting a progress
 * bar, a history line resent with other values) replaces the old line and its per-key values.
 * History values are gathered per (key, block) over the whole request and each touched block is
 * rewritten once (history-blocks.ts). Call only inside the store's transaction; after a rollback
 * call reset().
 */
import type Database from 'better-sqlite3';
import { parseJsonObject, toWandbJson } from '@wandb-daemon/protocol';
import { blockOf, BlockEdits } from '../history-block.js';
import { forEachLeaf, stepOf } from '../history-values.js';
import { parseOutputLine } from '../output-line.js';
import type { LineChunk } from '../server-store.js';
import { BatchInsert } from './batch-insert.js';
import { HistoryBlocks, type KeyEdits } from './history-blocks.js';

interface StoredHistoryLine {
  line_no: number;
  step: number;
  line: string;
}

/** Runs whose key ids stay cached. */
const MAX_CACHED_RUNS = 256;

/** The line-writing part of the SQLite store. */
export class LineWriter {
  private readonly statements;
  private readonly blocks: HistoryBlocks;
  private readonly lines: BatchInsert;
  /** Key name → id: the dictionary is small and hot. */
  private readonly keyIds = new Map<string, number>();
  /** Run id → key name → key id, for pairs known to be in run_history_keys. */
  private readonly runKeys = new Map<number, Map<string, number>>();

  constructor(db: Database.Database) {
    this.statements = {
      historyRange: db.prepare<[number, number, number], StoredHistoryLine>('SELECT line_no, step, line FROM history_lines WHERE run_id = ? AND line_no BETWEEN ? AND ?'),
      keyId: db.prepare<[string], { id: number }>('SELECT id FROM history_keys WHERE name = ?'),
      insertKey: db.prepare<[string]>('INSERT INTO history_keys (name) VALUES (?)'),
      insertRunKey: db.prepare<[number, number]>('INSERT OR IGNORE INTO run_history_keys (run_id, key_id) VALUES (?, ?)'),
      upsertEvent: db.prepare<[number, number, string]>(
        'INSERT INTO events_lines (run_id, line_no, line) VALUES (?, ?, ?) ON CONFLICT (run_id, line_no) DO UPDATE SET line = excluded.line WHERE line IS NOT excluded.line',
      ),
      outputLine: db.prepare<[number, number], { line: string }>('SELECT line FROM output_lines WHERE run_id = ? AND line_no = ?'),
      upsertOutput: db.prepare<[number, number, string, string, string | null, string]>(
        'INSERT OR REPLACE INTO output_lines (run_id, line_no, line, stream, timestamp, text) VALUES (?, ?, ?, ?, ?, ?)',
      ),
    };
    this.blocks = new HistoryBlocks(db);
    this.lines = new BatchInsert(db, 'history_lines', ['run_id', 'line_no', 'step', 'line']);
  }

  /** Upserts history lines; returns the line count they imply (offset + length). */
  writeHistory(runId: number, chunk: LineChunk): number {
    const last = chunk.offset + chunk.content.length - 1;
    const existing = new Map<number, StoredHistoryLine>();
    for (const row of this.statements.historyRange.all(runId, chunk.offset, last)) existing.set(row.line_no, row);
    const edits: KeyEdits = new Map();
    chunk.content.forEach((line, k) => {
      const lineNo = chunk.offset + k;
      const old = existing.get(lineNo);
      if (old?.line === line) return;
      // A rewritten line: its old values go first, so that a key it still has is set again after.
      if (old) this.removeValues(old, edits);
      const row = parseJsonObject(line);
      const step = stepOf(row, lineNo);
      this.lines.add(runId, lineNo, step, line);
      if (!row) return;
      const keys = this.runKeysOf(runId);
      forEachLeaf(row, (key, value) => {
        const keyId = keys.get(key) ?? this.addRunKey(runId, key);
        editsOf(edits, keyId, lineNo).push(lineNo, step, typeof value === 'number' ? value : toWandbJson(value));
      });
    });
    this.lines.flush();
    this.blocks.write(runId, edits);
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
    this.lines.discard();
  }

  private removeValues(old: StoredHistoryLine, edits: KeyEdits): void {
    const row = parseJsonObject(old.line);
    if (!row) return;
    forEachLeaf(row, (key) => {
      const keyId = this.keyIds.get(key) ?? this.statements.keyId.get(key)?.id;
      if (keyId !== undefined) editsOf(edits, keyId, old.line_no).push(old.line_no, old.step, null);
    });
  }

  private runKeysOf(runId: number): Map<string, number> {
    let keys = this.runKeys.get(runId);
    if (!keys) {
      // A cache, not a registry: bounded, so a long-lived server with many runs stays small.
      if (this.runKeys.size >= MAX_CACHED_RUNS) this.runKeys.clear();
      this.runKeys.set(runId, (keys = new Map()));
    }
    return keys;
  }

  /** The id of key `name`, recorded as a key of the run. */
  private addRunKey(runId: number, name: string): number {
    let id = this.keyIds.get(name);
    if (id === undefined) {
      id = this.statements.keyId.get(name)?.id ?? Number(this.statements.insertKey.run(name).lastInsertRowid);
      this.keyIds.set(name, id);
    }
    this.statements.insertRunKey.run(runId, id);
    this.runKeysOf(runId).set(name, id);
    return id;
  }
}

/** The edit list of a key's block holding `lineNo`. */
function editsOf(edits: KeyEdits, keyId: number, lineNo: number): BlockEdits {
  let blocks = edits.get(keyId);
  if (!blocks) edits.set(keyId, (blocks = new Map()));
  const blockNo = blockOf(lineNo);
  let list = blocks.get(blockNo);
  if (!list) blocks.set(blockNo, (list = new BlockEdits()));
  return list;
}
