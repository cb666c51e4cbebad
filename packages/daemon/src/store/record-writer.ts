/**
 * Applies records to the store. One `apply*` function per record type, dispatched through a table;
 * the caller (the commit queue) wraps a whole batch in one transaction.
 */
import type Database from 'better-sqlite3';
import { toWandbJson, type RecordMessage, type RecordType } from '@wandb-daemon/protocol';
import { sha256 } from '../sha256.js';
import type { ActiveRun } from './active-run.js';
import { applyRowToSummary, deletePath, forEachLeaf, pathKey, setPath, type SummaryRule } from '@wandb-daemon/protocol';

/** What happened to one record. */
export type ApplyOutcome = { kind: 'stored' } | { kind: 'duplicate' } | { kind: 'dropped'; reason: string };

type Applier<T extends RecordType> = (run: ActiveRun, record: Extract<RecordMessage, { t: T }>) => ApplyOutcome;

const STORED: ApplyOutcome = { kind: 'stored' };

/**
 * The W&B history line of a row: the user's keys, then `_step`, `_runtime` and `_timestamp` (finite
 * numbers, validated at the edge), appended as text to avoid copying the row.
 */
export function historyLine(r: { data: Record<string, unknown>; step: number; runtime: number; ts: number }): string {
  const data = toWandbJson(r.data);
  const reserved = `"_step":${r.step},"_runtime":${r.runtime},"_timestamp":${r.ts}}`;
  return data === '{}' ? `{${reserved}` : `${data.slice(0, -1)},${reserved}`;
}

/** History rows per multi-row INSERT: one statement for 32 rows costs about a quarter less per row. */
export const HISTORY_ROWS_PER_INSERT = 32;
const HISTORY_COLUMNS = 5;

/**
 * Prepared statements and the per-type appliers. History rows are buffered and inserted
 * HISTORY_ROWS_PER_INSERT at a time; the caller must call `flushPending()` before its transaction
 * commits, and `discardPending()` when it rolls back.
 */
export class RecordWriter {
  private readonly insertHistory: Database.Statement;
  private readonly insertHistoryMany: Database.Statement;
  /** Parameters of buffered history rows, HISTORY_COLUMNS per row. */
  private pendingHistory: unknown[] = [];
  private readonly insertEvent: Database.Statement;
  private readonly insertConsole: Database.Statement;
  private readonly upsertFile: Database.Statement;
  private readonly upsertBlobFile: Database.Statement;
  private readonly blobBySha: Database.Statement<[string]>;
  private readonly insertBlob: Database.Statement;
  private readonly upsertChart: Database.Statement;
  private readonly upsertDefinition: Database.Statement;
  private readonly insertAlert: Database.Statement;
  private readonly appliers: { [T in RecordType]: Applier<T> };

  constructor(db: Database.Database) {
    this.insertHistory = db.prepare('INSERT INTO history (run_pk, line_no, step, ts, line) VALUES (?, ?, ?, ?, ?)');
    const rows = Array.from({ length: HISTORY_ROWS_PER_INSERT }, () => '(?, ?, ?, ?, ?)').join(', ');
    this.insertHistoryMany = db.prepare(`INSERT INTO history (run_pk, line_no, step, ts, line) VALUES ${rows}`);
    this.insertEvent = db.prepare('INSERT INTO events (run_pk, line_no, ts, line) VALUES (?, ?, ?, ?)');
    this.insertConsole = db.prepare('INSERT INTO console (run_pk, line_no, stream, ts, text) VALUES (?, ?, ?, ?, ?)');
    this.upsertFile = db.prepare(`INSERT INTO files (run_pk, path, local_path, blob_id, policy, size, sha256, updated_at)
      VALUES (@run, @path, @localPath, NULL, @policy, @size, @sha256, @now)
      ON CONFLICT (run_pk, path) DO UPDATE SET local_path = excluded.local_path, blob_id = NULL, policy = excluded.policy,
        size = excluded.size, sha256 = excluded.sha256, updated_at = excluded.updated_at`);
    this.upsertBlobFile = db.prepare(`INSERT INTO files (run_pk, path, local_path, blob_id, policy, size, sha256, updated_at)
      VALUES (@run, @path, NULL, @blob, 'now', @size, @sha256, @now)
      ON CONFLICT (run_pk, path) DO UPDATE SET local_path = NULL, blob_id = excluded.blob_id, policy = excluded.policy,
        size = excluded.size, sha256 = excluded.sha256, updated_at = excluded.updated_at`);
    this.blobBySha = db.prepare('SELECT id, size FROM blobs WHERE sha256 = ?');
    this.insertBlob = db.prepare('INSERT INTO blobs (sha256, size, created_at, data) VALUES (?, ?, ?, ?)');
    this.upsertChart = db.prepare(`INSERT INTO charts (run_pk, key, panel_def_id, table_key, fields, string_fields) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (run_pk, key) DO UPDATE SET panel_def_id = excluded.panel_def_id, table_key = excluded.table_key,
        fields = excluded.fields, string_fields = excluded.string_fields`);
    this.upsertDefinition = db.prepare(`INSERT INTO metric_definitions (run_pk, name, definition) VALUES (?, ?, ?)
      ON CONFLICT (run_pk, name) DO UPDATE SET definition = excluded.definition`);
    this.insertAlert = db.prepare(`INSERT OR IGNORE INTO alerts (run_pk, seq, ts, title, text, level, wait_seconds)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.appliers = {
      history: (run, r) => this.applyHistory(run, r),
      summary: (run, r) => this.applySummary(run, r),
      config: (run, r) => this.applyConfig(run, r),
      console: (run, r) => this.applyConsole(run, r),
      system: (run, r) => this.applySystem(run, r),
      metric: (run, r) => this.applyMetric(run, r),
      file: (run, r) => this.applyFile(run, r),
      alert: (run, r) => this.applyAlert(run, r),
      dropped: (run, r) => this.applyDropped(run, r),
      media: (run, r) => this.applyMedia(run, r),
      chart: (run, r) => this.applyChart(run, r),
    };
  }

  /** Inserts the buffered history rows. Call inside the transaction, before it commits. */
  flushPending(): void {
    const params = this.pendingHistory;
    this.pendingHistory = [];
    for (let i = 0; i < params.length; i += HISTORY_COLUMNS) this.insertHistory.run(params.slice(i, i + HISTORY_COLUMNS));
  }

  /** Forgets buffered rows of a transaction that rolled back. */
  discardPending(): void {
    this.pendingHistory = [];
  }

  /** Applies one record unless its seq was already stored. Must run inside a transaction. */
  apply(run: ActiveRun, record: RecordMessage): ApplyOutcome {
    if (record.seq <= run.lastSeq) return { kind: 'duplicate' };
    const outcome = (this.appliers[record.t] as Applier<RecordType>)(run, record as never);
    run.lastSeq = record.seq;
    return outcome;
  }

  private applyHistory(run: ActiveRun, r: Extract<RecordMessage, { t: 'history' }>): ApplyOutcome {
    if (r.step <= run.lastStep) {
      run.droppedRows += 1;
      return { kind: 'dropped', reason: `step ${r.step} is not after the run's last step ${run.lastStep}` };
    }
    this.pendingHistory.push(run.pk, run.historyLines, r.step, r.ts, historyLine(r));
    if (this.pendingHistory.length === HISTORY_ROWS_PER_INSERT * HISTORY_COLUMNS) {
      this.insertHistoryMany.run(this.pendingHistory);
      this.pendingHistory = [];
    }
    run.historyLines += 1;
    run.lastStep = r.step;
    applyRowToSummary(run.summary, r.data, run.pinned, run.rules, run.aggregates);
    applyRowToSummary(run.summary, { _step: r.step, _runtime: r.runtime, _timestamp: r.ts }, run.pinned, run.rules, run.aggregates);
    run.summaryDirty = true;
    return STORED;
  }

  private applySummary(run: ActiveRun, r: Extract<RecordMessage, { t: 'summary' }>): ApplyOutcome {
    forEachLeaf(r.set, (path, value) => {
      setPath(run.summary, path, value);
      run.pinned.add(pathKey(path));
    });
    for (const key of r.remove) {
      deletePath(run.summary, [key]);
      for (const pin of [...run.pinned]) if (pin === key || pin.startsWith(`${key}\u0001`)) run.pinned.delete(pin);
    }
    run.summaryDirty = true;
    return STORED;
  }

  private applyConfig(run: ActiveRun, r: Extract<RecordMessage, { t: 'config' }>): ApplyOutcome {
    Object.assign(run.config, r.set);
    for (const key of r.remove) delete run.config[key];
    run.configDirty = true;
    return STORED;
  }

  private applyConsole(run: ActiveRun, r: Extract<RecordMessage, { t: 'console' }>): ApplyOutcome {
    for (const line of r.lines) {
      this.insertConsole.run(run.pk, run.consoleLines, r.stream, r.ts, line);
      run.consoleLines += 1;
    }
    return STORED;
  }

  private applySystem(run: ActiveRun, r: Extract<RecordMessage, { t: 'system' }>): ApplyOutcome {
    this.appendSystemLine(run, r);
    return STORED;
  }

  /**
   * Appends one events line (`_wandb`, `_timestamp`, `_runtime`, then the `system.` metrics) and
   * counts it in the run. Shared by `system` records and the daemon's own sampler, which has no seq.
   * Must run inside the commit queue's transaction.
   */
  appendSystemLine(run: ActiveRun, sample: { ts: number; runtime: number; metrics: Record<string, number> }): void {
    const line: Record<string, unknown> = { _wandb: true, _timestamp: sample.ts, _runtime: sample.runtime };
    for (const [key, value] of Object.entries(sample.metrics)) line[key.startsWith('system.') ? key : `system.${key}`] = value;
    this.insertEvent.run(run.pk, run.eventLines, sample.ts, toWandbJson(line));
    run.eventLines += 1;
  }

  private applyMetric(run: ActiveRun, r: Extract<RecordMessage, { t: 'metric' }>): ApplyOutcome {
    const { t: _t, run: _run, seq: _seq, ...definition } = r;
    this.upsertDefinition.run(run.pk, r.name, JSON.stringify(definition));
    run.rules.set(r.name, definition as SummaryRule);
    return STORED;
  }

  /** A file on disk; a blob the path pointed at before goes when no file points at it (migration 0040's triggers). */
  private applyFile(run: ActiveRun, r: Extract<RecordMessage, { t: 'file' }>): ApplyOutcome {
    this.upsertFile.run({ run: run.pk, path: r.path, localPath: r.localPath, policy: r.policy, size: r.size ?? null, sha256: r.sha256 ?? null, now: Date.now() / 1000 });
    return STORED;
  }

  /**
   * A media file: its bytes are checked against the sha256 the client computed (a mismatch refuses the
   * record, as a row behind the run's step is refused), stored once per content, and the run's file
   * at `path` points at them (uploaded by the syncer, policy `now`). A blob the path pointed at before
   * is deleted when no file points at it any more (migration 0040's triggers).
   */
  private applyMedia(run: ActiveRun, r: Extract<RecordMessage, { t: 'media' }>): ApplyOutcome {
    const now = Date.now() / 1000;
    // Bytes already stored under this sha256 are the file (the record's copy is not kept), so only new
    // bytes are hashed: logging the same image again costs no hashing inside the commit.
    const found = this.blobBySha.get(r.sha256) as { id: number; size: number } | undefined;
    if (!found) {
      const actual = sha256(r.bytes);
      if (actual !== r.sha256) return { kind: 'dropped', reason: `media ${r.path} refused: its bytes have sha256 ${actual}, the record says ${r.sha256}` };
    }
    const blob = found ?? { id: Number(this.insertBlob.run(r.sha256, r.bytes.length, now, asBuffer(r.bytes)).lastInsertRowid), size: r.bytes.length };
    this.upsertBlobFile.run({ run: run.pk, path: r.path, blob: blob.id, size: blob.size, sha256: r.sha256, now });
    return STORED;
  }

  /** A custom chart, replacing the run's chart of the same key; the syncer puts it in `_wandb.visualize`. */
  private applyChart(run: ActiveRun, r: Extract<RecordMessage, { t: 'chart' }>): ApplyOutcome {
    this.upsertChart.run(run.pk, r.key, r.panelDefId, r.tableKey, JSON.stringify(r.fields), JSON.stringify(r.stringFields));
    return STORED;
  }

  private applyAlert(run: ActiveRun, r: Extract<RecordMessage, { t: 'alert' }>): ApplyOutcome {
    this.insertAlert.run(run.pk, r.seq, Date.now() / 1000, r.title, r.text, r.level, r.waitDurationSeconds ?? null);
    return STORED;
  }

  /**
   * Rows the client refused for a step behind the run's: they join the rows this writer refused for
   * the same reason, in the counter the group commit writes back with the run's other counters.
   */
  private applyDropped(run: ActiveRun, r: Extract<RecordMessage, { t: 'dropped' }>): ApplyOutcome {
    // Saturates: a client may report up to MAX_SAFE_INTEGER at a time, and status sums these counts.
    run.droppedRows = Math.min(run.droppedRows + r.rows, Number.MAX_SAFE_INTEGER);
    return STORED;
  }
}

/** The bytes as a Buffer (the codec decodes binaries as Buffers already), without copying them. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
