/**
 * The `runs` table: creating, resuming, finishing and crashing runs, and loading a run's state into
 * memory. Statements are prepared once; callers wrap multi-step changes in transactions.
 */
import type Database from 'better-sqlite3';
import { isPlainObject, parseWandbJson, toWandbJson, type RunInfo, type RunMode, type RunState } from '@wandb-daemon/protocol';
import type { ActiveRun } from './active-run.js';
import type { JsonObject, SummaryRule } from '@wandb-daemon/protocol';

/** A row of `runs` as stored. */
export interface RunRow {
  pk: number;
  run_id: string;
  entity: string | null;
  project: string;
  name: string | null;
  group_name: string | null;
  job_type: string | null;
  tags: string;
  notes: string | null;
  config: string;
  summary: string;
  summary_pinned: string;
  summary_state: string;
  settings: string;
  state: RunState;
  exit_code: number | null;
  start_time: number;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  host: string | null;
  program: string | null;
  pid: number | null;
  mode: RunMode;
  last_seq: number;
  last_step: number;
  history_lines: number;
  event_lines: number;
  console_lines: number;
  dropped_rows: number;
  resume_count: number;
}

const now = () => Date.now() / 1000;

/** Parses a stored JSON object column. */
export function parseObject(text: string): JsonObject {
  const value = parseWandbJson(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}

export class RunStore {
  private readonly byIdentity: Database.Statement<[string, string, string]>;
  private readonly byPk: Database.Statement<[number]>;
  private readonly insert: Database.Statement;
  private readonly resumeStmt: Database.Statement;
  private readonly restartClock: Database.Statement;
  private readonly lastHistoryLine: Database.Statement<[number]>;
  private readonly remove: Database.Statement<[number]>;
  private readonly finishStmt: Database.Statement;
  private readonly crashStmt: Database.Statement;
  private readonly flushCounters: Database.Statement;
  private readonly flushSummary: Database.Statement;
  private readonly flushConfig: Database.Statement;
  private readonly definitions: Database.Statement<[number]>;
  private readonly running: Database.Statement<[]>;
  private readonly seedStmt: Database.Statement;

  constructor(db: Database.Database) {
    this.byIdentity = db.prepare("SELECT * FROM runs WHERE coalesce(entity, '') = ? AND project = ? AND run_id = ?");
    this.byPk = db.prepare('SELECT * FROM runs WHERE pk = ?');
    this.insert = db.prepare(`INSERT INTO runs (run_id, entity, project, name, group_name, job_type, tags, notes, config,
        settings, state, start_time, created_at, updated_at, host, program, pid, mode)
      VALUES (@runId, @entity, @project, @name, @group, @jobType, @tags, @notes, @config, @settings, 'running',
        @startTime, @now, @now, @host, @program, @pid, @mode)`);
    this.resumeStmt = db.prepare(`UPDATE runs SET state = 'running', exit_code = NULL, finished_at = NULL,
        name = coalesce(@name, name), group_name = coalesce(@group, group_name), job_type = coalesce(@jobType, job_type),
        tags = @tags, notes = coalesce(@notes, notes), config = @config, settings = @settings, host = @host,
        program = @program, pid = @pid, mode = @mode, updated_at = @now, resume_count = resume_count + @resumed
      WHERE pk = @pk`);
    this.restartClock = db.prepare('UPDATE runs SET start_time = @startTime WHERE pk = @pk');
    this.lastHistoryLine = db.prepare('SELECT line FROM history WHERE run_pk = ? ORDER BY line_no DESC LIMIT 1');
    this.remove = db.prepare('DELETE FROM runs WHERE pk = ?');
    this.finishStmt = db.prepare('UPDATE runs SET state = @state, exit_code = @exitCode, finished_at = @now, updated_at = @now WHERE pk = @pk');
    this.crashStmt = db.prepare("UPDATE runs SET state = 'crashed', finished_at = @now, updated_at = @now WHERE pk = @pk AND state = 'running'");
    this.flushCounters = db.prepare(`UPDATE runs SET last_seq = @lastSeq, last_step = @lastStep, history_lines = @historyLines,
        event_lines = @eventLines, console_lines = @consoleLines, dropped_rows = @droppedRows, updated_at = @now WHERE pk = @pk`);
    this.flushSummary = db.prepare('UPDATE runs SET summary = @summary, summary_pinned = @pinned, summary_state = @state WHERE pk = @pk');
    this.flushConfig = db.prepare('UPDATE runs SET config = @config WHERE pk = @pk');
    this.definitions = db.prepare('SELECT definition FROM metric_definitions WHERE run_pk = ?');
    this.running = db.prepare("SELECT pk, pid FROM runs WHERE state = 'running'");
    this.seedStmt = db.prepare(`UPDATE runs SET history_lines = @historyLines, event_lines = @eventLines, console_lines = @consoleLines,
        last_step = @lastStep, summary = @summary, resume_count = resume_count + 1 WHERE pk = @pk`);
  }

  find(entity: string | null, project: string, runId: string): RunRow | undefined {
    return this.byIdentity.get(entity ?? '', project, runId) as RunRow | undefined;
  }

  get(pk: number): RunRow | undefined {
    return this.byPk.get(pk) as RunRow | undefined;
  }

  /** Inserts a new running run; returns its pk. */
  create(info: RunInfo): number {
    const result = this.insert.run({ ...this.infoParams(info), startTime: info.startTime });
    return Number(result.lastInsertRowid);
  }

  /**
   * A new local run continuing one the server holds: its line counters start at the server's counts
   * (the next line of each stream gets the server's next index) and its step after the server's last.
   */
  seedCounters(pk: number, seed: { historyLines: number; eventLines: number; consoleLines: number; lastStep: number; summary: JsonObject }): void {
    this.seedStmt.run({ pk, ...seed, summary: toWandbJson(seed.summary) });
  }

  /**
   * Deletes a run and everything it recorded (W&B's overwrite of a run with the same id); the media
   * contents no other run's file points at go with its files (migration 0040's triggers).
   */
  delete(pk: number): void {
    this.remove.run(pk);
  }

  /** Marks an existing run running again with the metadata of a new init; config keys merge. */
  resume(row: RunRow, info: RunInfo, countsAsResume: boolean): void {
    const config = { ...parseObject(row.config), ...info.config };
    this.resumeStmt.run({ ...this.infoParams({ ...info, config }), pk: row.pk, resumed: countsAsResume ? 1 : 0 });
    // As in W&B, a resumed run's `_runtime` goes on from its last value, not from the first start
    // (which would count the time between the sessions). A reattach is the same session: no change.
    const lastRuntime = countsAsResume ? this.lastRuntime(row.pk) : null;
    if (lastRuntime !== null) this.restartClock.run({ pk: row.pk, startTime: Math.max(0, now() - lastRuntime) });
  }

  /** `_runtime` of the run's last stored history line (a finite number >= 0), or null. */
  private lastRuntime(pk: number): number | null {
    const last = this.lastHistoryLine.get(pk) as { line: string } | undefined;
    if (!last) return null;
    let line: unknown;
    try {
      line = parseWandbJson(last.line);
    } catch {
      return null;
    }
    const runtime = isPlainObject(line) ? line._runtime : undefined;
    return typeof runtime === 'number' && Number.isFinite(runtime) && runtime >= 0 ? runtime : null;
  }

  finish(pk: number, exitCode: number): RunState {
    const state: RunState = exitCode === 0 ? 'finished' : 'failed';
    this.finishStmt.run({ pk, state, exitCode, now: now() });
    return state;
  }

  /** Marks a running run crashed; returns whether it was running. */
  crash(pk: number): boolean {
    return this.crashStmt.run({ pk, now: now() }).changes > 0;
  }

  /** Runs still marked running, with the pid of the process that wrote them. */
  listRunning(): { pk: number; pid: number | null }[] {
    return this.running.all() as { pk: number; pid: number | null }[];
  }

  /** Loads a run into memory for ingest. */
  load(pk: number): ActiveRun {
    const row = this.get(pk);
    if (!row) throw new Error(`run ${pk} vanished from the store`);
    const rules = new Map<string, SummaryRule>();
    for (const { definition } of this.definitions.all(pk) as { definition: string }[]) {
      const rule = JSON.parse(definition) as SummaryRule;
      rules.set(rule.name, rule);
    }
    return {
      pk,
      runId: row.run_id,
      entity: row.entity,
      project: row.project,
      startTime: row.start_time,
      lastSeq: row.last_seq,
      lastStep: row.last_step,
      historyLines: row.history_lines,
      eventLines: row.event_lines,
      consoleLines: row.console_lines,
      droppedRows: row.dropped_rows,
      config: parseObject(row.config),
      summary: parseObject(row.summary),
      pinned: new Set(JSON.parse(row.summary_pinned) as string[]),
      aggregates: parseObject(row.summary_state) as ActiveRun['aggregates'],
      rules,
      configDirty: false,
      summaryDirty: false,
    };
  }

  /** Writes a run's in-memory counters (and summary/config when changed) back to its row. */
  flush(run: ActiveRun): void {
    this.flushCounters.run({
      pk: run.pk,
      lastSeq: run.lastSeq,
      lastStep: run.lastStep,
      historyLines: run.historyLines,
      eventLines: run.eventLines,
      consoleLines: run.consoleLines,
      droppedRows: run.droppedRows,
      now: now(),
    });
    if (run.summaryDirty) {
      this.flushSummary.run({
        pk: run.pk,
        summary: toWandbJson(run.summary),
        pinned: JSON.stringify([...run.pinned]),
        state: toWandbJson(run.aggregates), // keeps an infinite min or max
      });
      run.summaryDirty = false;
    }
    if (run.configDirty) {
      this.flushConfig.run({ pk: run.pk, config: toWandbJson(run.config) });
      run.configDirty = false;
    }
  }

  private infoParams(info: RunInfo) {
    return {
      runId: info.runId,
      entity: info.entity,
      project: info.project,
      name: info.name,
      group: info.group,
      jobType: info.jobType,
      tags: JSON.stringify(info.tags),
      notes: info.notes,
      config: toWandbJson(info.config),
      settings: toWandbJson(info.settings),
      host: info.host,
      program: info.program,
      pid: info.pid,
      mode: info.mode,
      now: now(),
    };
  }
}
