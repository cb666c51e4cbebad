/** Read-only queries behind the HTTP API and the CLI. */
import type Database from 'better-sqlite3';
import { parseWandbJson, setOwn, toStrictJsonValue } from '@wandb-daemon/protocol';
import { parseObject, type RunRow } from '../store/run-store.js';
import { SyncViews, type RunSyncView } from '../sync/sync-views.js';

/** A run as the API shows it. */
export interface RunView {
  pk: number;
  id: string;
  entity: string | null;
  project: string;
  name: string | null;
  group: string | null;
  jobType: string | null;
  tags: string[];
  notes: string | null;
  state: RunRow['state'];
  exitCode: number | null;
  mode: RunRow['mode'];
  host: string | null;
  program: string | null;
  pid: number | null;
  startTime: number;
  updatedAt: number;
  finishedAt: number | null;
  lastStep: number;
  historyRows: number;
  eventRows: number;
  consoleLines: number;
  /** History rows dropped for a step behind the run's: reported by the client, or refused by the daemon. */
  droppedRows: number;
  resumeCount: number;
  /** Sync to a W&B-compatible server; null when the run has no remote (it stays local). */
  sync: RunSyncView | null;
}

export interface HistoryQuery {
  keys?: string[];
  minStep?: number;
  maxStep?: number;
  limit?: number;
}

/** A stored run as the API shows it (`sync` from the sync views, null when it has no remote). */
export function toRunView(row: RunRow, sync: RunSyncView | null = null): RunView {
  return {
    pk: row.pk,
    id: row.run_id,
    entity: row.entity,
    project: row.project,
    name: row.name,
    group: row.group_name,
    jobType: row.job_type,
    tags: JSON.parse(row.tags) as string[],
    notes: row.notes,
    state: row.state,
    exitCode: row.exit_code,
    mode: row.mode,
    host: row.host,
    program: row.program,
    pid: row.pid,
    startTime: row.start_time,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    lastStep: row.last_step,
    historyRows: row.history_lines,
    eventRows: row.event_lines,
    consoleLines: row.console_lines,
    droppedRows: row.dropped_rows,
    resumeCount: row.resume_count,
    sync,
  };
}

export class Queries {
  private readonly listRuns: Database.Statement;
  private readonly runByKey: Database.Statement<[{ key: string }]>;
  private readonly historyRange: Database.Statement;
  private readonly historyLine: Database.Statement<[number, number]>;
  private readonly consoleRange: Database.Statement;
  private readonly syncViews: SyncViews;

  constructor(db: Database.Database) {
    this.listRuns = db.prepare('SELECT * FROM runs ORDER BY created_at DESC, pk DESC');
    // A run is named by its pk or by its id (the newest one, if several projects share the id).
    this.runByKey = db.prepare('SELECT * FROM runs WHERE CAST(pk AS TEXT) = @key OR run_id = @key ORDER BY (CAST(pk AS TEXT) = @key) DESC, created_at DESC LIMIT 1');
    this.historyRange = db.prepare('SELECT step, line FROM history WHERE run_pk = @run AND step >= @min AND step <= @max ORDER BY step LIMIT @limit');
    this.historyLine = db.prepare('SELECT line FROM history WHERE run_pk = ? AND line_no = ?');
    this.consoleRange = db.prepare('SELECT line_no AS lineNo, stream, ts, text FROM console WHERE run_pk = @run AND line_no >= @from ORDER BY line_no LIMIT @limit');
    this.syncViews = new SyncViews(db);
  }

  runs(): RunView[] {
    return (this.listRuns.all() as RunRow[]).map((row) => toRunView(row, this.syncViews.run(row.pk)));
  }

  /** The run named by `key` (pk or run id) with its config and summary, or undefined. */
  run(key: string): (RunView & { config: unknown; summary: unknown }) | undefined {
    const row = this.runByKey.get({ key }) as RunRow | undefined;
    if (!row) return undefined;
    return { ...toRunView(row, this.syncViews.run(row.pk)), config: toStrictJsonValue(parseObject(row.config)), summary: toStrictJsonValue(parseObject(row.summary)) };
  }

  /** Raw W&B JSON lines in step order (for export: kept byte for byte). */
  *historyLines(run: number, query: HistoryQuery = {}): Generator<{ step: number; line: string }> {
    const params = { run, min: query.minStep ?? -1, max: query.maxStep ?? Number.MAX_SAFE_INTEGER, limit: query.limit ?? -1 };
    yield* this.historyRange.iterate(params) as Iterable<{ step: number; line: string }>;
  }

  /** A stored line as an object, restricted to `keys` (plus `_step`) when given; NaN as the string "NaN". */
  parseRow(line: string, keys?: string[]): Record<string, unknown> {
    return pick(parseWandbJson(line) as Record<string, unknown>, keys);
  }

  /** One committed history line as an object (for live streaming). */
  historyAt(run: number, lineNo: number, keys?: string[]): Record<string, unknown> | undefined {
    const found = this.historyLine.get(run, lineNo) as { line: string } | undefined;
    return found ? this.parseRow(found.line, keys) : undefined;
  }

  console(run: number, from = 0, limit = 1000): unknown[] {
    return this.consoleRange.all({ run, from, limit });
  }
}

function pick(row: Record<string, unknown>, keys?: string[]): Record<string, unknown> {
  if (!keys || keys.length === 0) return toStrictJsonValue(row) as Record<string, unknown>;
  const out: Record<string, unknown> = { _step: row._step };
  // Own keys only, set as data: a key named `__proto__` must not become out's prototype.
  for (const key of keys) if (Object.hasOwn(row, key)) setOwn(out, key, toStrictJsonValue(row[key]));
  return out;
}
