/** Projects and runs ("buckets") in SQLite: lookups, UpsertBucket, state changes. */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { generateRunName } from '@wandb-daemon/protocol';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../json-depth.js';
import { mergeConfig, parseClientConfig } from '../wrapped-config.js';
import type { EntityRef, ProjectRecord, ProjectSummary, RunPath, RunRecord, RunState, UpsertRunInput } from '../server-store.js';

/** A run row joined with its project and entity. */
interface RunRow {
  id: number;
  storage_id: string;
  project_id: number;
  project_name: string;
  project_created_at: number;
  project_updated_at: number;
  entity_id: number;
  entity_name: string;
  name: string;
  display_name: string;
  description: string | null;
  notes: string | null;
  group_name: string | null;
  job_type: string | null;
  tags: string;
  config: string;
  summary: string;
  host: string | null;
  program: string | null;
  repo: string | null;
  commit_sha: string | null;
  sweep: string | null;
  state: RunState;
  exitcode: number | null;
  created_at: number;
  updated_at: number;
  heartbeat_at: number;
  stop_requested: number;
  history_line_count: number;
  events_line_count: number;
  log_line_count: number;
}

interface ProjectRow {
  id: number;
  name: string;
  created_at: number;
  updated_at: number;
  entity_id: number;
  entity_name: string;
}

const RUN_SELECT = `SELECT r.*, p.name AS project_name, p.created_at AS project_created_at, p.updated_at AS project_updated_at,
  e.id AS entity_id, e.name AS entity_name
  FROM runs r JOIN projects p ON p.id = r.project_id JOIN entities e ON e.id = p.entity_id`;

const PROJECT_SELECT = 'SELECT p.id, p.name, p.created_at, p.updated_at, e.id AS entity_id, e.name AS entity_name FROM projects p JOIN entities e ON e.id = p.entity_id';

/** States a client may set through UpsertBucket. */
const SETTABLE_STATES = new Set<string>(['running', 'finished', 'failed', 'crashed', 'preempting']);

/** States after which an UpsertBucket means the run was resumed. */
const REOPENED_STATES = new Set<RunState>(['finished', 'failed', 'crashed']);

/** Columns UpsertBucket sets from plain string inputs (null = unchanged). */
const TEXT_COLUMNS = [
  ['description', 'description'],
  ['notes', 'notes'],
  ['group', 'group_name'],
  ['jobType', 'job_type'],
  ['host', 'host'],
  ['program', 'program'],
  ['repo', 'repo'],
  ['commit', 'commit_sha'],
  ['sweep', 'sweep'],
  ['displayName', 'display_name'],
  ['summary', 'summary'],
] as const satisfies readonly (readonly [keyof UpsertRunInput, string])[];

function toProject(row: ProjectRow): ProjectRecord {
  return { id: row.id, name: row.name, entity: { id: row.entity_id, name: row.entity_name }, createdAt: row.created_at, updatedAt: row.updated_at };
}

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    storageId: row.storage_id,
    project: { id: row.project_id, name: row.project_name, entity: { id: row.entity_id, name: row.entity_name }, createdAt: row.project_created_at, updatedAt: row.project_updated_at },
    name: row.name,
    displayName: row.display_name,
    description: row.description,
    notes: row.notes,
    group: row.group_name,
    jobType: row.job_type,
    tags: JSON.parse(row.tags) as string[],
    config: row.config,
    summary: row.summary,
    host: row.host,
    program: row.program,
    repo: row.repo,
    commit: row.commit_sha,
    sweep: row.sweep,
    state: row.state,
    exitcode: row.exitcode,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    heartbeatAt: row.heartbeat_at,
    stopRequested: row.stop_requested !== 0,
    historyLineCount: row.history_line_count,
    eventsLineCount: row.events_line_count,
    logLineCount: row.log_line_count,
  };
}

/** W&B-like run ids: 8 characters of [a-z0-9]. */
function newRunName(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
}

/** An opaque storage id, like W&B's base64 node ids. */
function newStorageId(): string {
  return Buffer.from(`Run:v1:${randomBytes(9).toString('base64url')}`).toString('base64url');
}

/** The projects-and-runs part of the SQLite store. */
export class Runs {
  private readonly statements;
  /** Prepared UPDATE statements by column set, so a partial upsert never builds SQL per call. */
  private readonly updateCache = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.statements = {
      project: db.prepare<[string, string], ProjectRow>(`${PROJECT_SELECT} WHERE e.name = ? AND p.name = ?`),
      projectsOf: db.prepare<[string], ProjectRow & { run_count: number; last_activity: number | null }>(
        `SELECT p.id, p.name, p.created_at, p.updated_at, e.id AS entity_id, e.name AS entity_name,
           (SELECT count(*) FROM runs r WHERE r.project_id = p.id) AS run_count,
           (SELECT max(r.heartbeat_at) FROM runs r WHERE r.project_id = p.id) AS last_activity
         FROM projects p JOIN entities e ON e.id = p.entity_id
         WHERE p.entity_id IN (SELECT value FROM json_each(?)) ORDER BY e.name, p.name`,
      ),
      insertProject: db.prepare<[number, string, number, number]>('INSERT INTO projects (entity_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)'),
      touchProject: db.prepare<[number, number]>('UPDATE projects SET updated_at = ? WHERE id = ?'),
      run: db.prepare<[string, string, string], RunRow>(`${RUN_SELECT} WHERE e.name = ? AND p.name = ? AND r.name = ?`),
      runById: db.prepare<[number], RunRow>(`${RUN_SELECT} WHERE r.id = ?`),
      runByStorageId: db.prepare<[string], RunRow>(`${RUN_SELECT} WHERE r.storage_id = ?`),
      runsOf: db.prepare<[number], RunRow>(`${RUN_SELECT} WHERE r.project_id = ? ORDER BY r.created_at DESC, r.id DESC`),
      insertRun: db.prepare<[string, number, string, string, number, number, number]>(
        'INSERT INTO runs (storage_id, project_id, name, display_name, created_at, updated_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      requestStop: db.prepare<[number, number]>('UPDATE runs SET stop_requested = 1, updated_at = ? WHERE id = ?'),
      // A preempted process exits: if it never resumes, its run is crashed like a silent running one.
      markCrashed: db.prepare<[number], { id: number }>("UPDATE runs SET state = 'crashed' WHERE state IN ('running', 'preempting') AND heartbeat_at < ? RETURNING id"),
    };
  }

  findProject(entity: string, project: string): ProjectRecord | null {
    const row = this.statements.project.get(entity, project);
    return row ? toProject(row) : null;
  }

  listProjects(entityIds: readonly number[]): ProjectSummary[] {
    return this.statements.projectsOf.all(JSON.stringify(entityIds)).map((row) => ({
      ...toProject(row),
      runCount: row.run_count,
      lastActivity: row.last_activity ?? row.updated_at,
    }));
  }

  findRun(path: RunPath): RunRecord | null {
    const row = this.statements.run.get(path.entity, path.project, path.run);
    return row ? toRun(row) : null;
  }

  /** The run `id`, which must exist (a write just touched it). */
  runById(id: number): RunRecord {
    const run = this.findRunById(id);
    if (!run) throw new Error(`run ${id} vanished`);
    return run;
  }

  findRunById(id: number): RunRecord | null {
    const row = this.statements.runById.get(id);
    return row ? toRun(row) : null;
  }

  findRunByStorageId(storageId: string): RunRecord | null {
    const row = this.statements.runByStorageId.get(storageId);
    return row ? toRun(row) : null;
  }

  listRuns(projectId: number): RunRecord[] {
    return this.statements.runsOf.all(projectId).map(toRun);
  }

  /** The project, created on first use. Call inside a transaction. */
  ensureProject(entity: EntityRef, name: string, now: number): ProjectRecord {
    const existing = this.findProject(entity.name, name);
    if (existing) return existing;
    this.statements.insertProject.run(entity.id, name, now, now);
    return this.findProject(entity.name, name)!;
  }

  ensureRun(entity: EntityRef, project: string, name: string): RunRecord {
    return this.db.transaction(() => {
      const found = this.findRun({ entity: entity.name, project, run: name });
      if (found) return found;
      return this.insert(entity, project, name, Date.now() / 1000);
    }).immediate();
  }

  upsertRun(entity: EntityRef, input: UpsertRunInput): { run: RunRecord; inserted: boolean } {
    // Parse before the transaction: a bad config is the client's error, not a half-applied upsert.
    const config = input.config == null ? null : parseClientConfig(input.config);
    if (input.state != null && !SETTABLE_STATES.has(input.state)) throw new Error(`unknown run state ${input.state}`);
    if (input.summary != null && jsonDepthExceeds(input.summary)) throw new Error(`summaryMetrics nests deeper than ${MAX_JSON_DEPTH} levels`);
    return this.db.transaction(() => {
      const now = Date.now() / 1000;
      const projectName = input.project ?? 'uncategorized';
      let run = input.storageId ? this.findRunByStorageId(input.storageId) : null;
      if (run && run.project.entity.id !== entity.id) run = null;
      run ??= input.name ? this.findRun({ entity: entity.name, project: projectName, run: input.name }) : null;
      const inserted = run === null;
      run ??= this.insert(entity, projectName, input.name ?? newRunName(), now);
      this.update(run, input, config, now);
      return { run: this.runById(run.id), inserted };
    }).immediate();
  }

  requestStop(runId: number): void {
    this.statements.requestStop.run(Date.now() / 1000, runId);
  }

  /** Crashes the silent running runs; returns them after the change. */
  markCrashed(before: number): RunRecord[] {
    return this.db.transaction(() => this.statements.markCrashed.all(before).map((row) => this.runById(row.id)))();
  }

  private insert(entity: EntityRef, projectName: string, name: string, now: number): RunRecord {
    const project = this.ensureProject(entity, projectName, now);
    const id = Number(this.statements.insertRun.run(newStorageId(), project.id, name, generateRunName(), now, now, now).lastInsertRowid);
    this.statements.touchProject.run(now, project.id);
    return this.runById(id);
  }

  /** Sets the non-null fields of `input`; config merges key by key into the stored one. */
  private update(run: RunRecord, input: UpsertRunInput, config: Record<string, unknown> | null, now: number): void {
    const columns: string[] = [];
    const values: unknown[] = [];
    for (const [field, column] of TEXT_COLUMNS) {
      const value = input[field];
      if (value == null) continue;
      columns.push(column);
      values.push(value);
    }
    if (input.tags != null) {
      columns.push('tags');
      values.push(JSON.stringify(input.tags));
    }
    if (config !== null) {
      columns.push('config');
      values.push(mergeConfig(run.config, config));
    }
    if (input.state != null) {
      columns.push('state');
      values.push(input.state);
    }
    if (REOPENED_STATES.has(run.state)) {
      // An UpsertBucket for an ended run is a resume: a stop asked of the old process is not for it.
      columns.push('stop_requested');
      values.push(0);
    }
    columns.push('updated_at');
    values.push(now);
    const key = columns.join(',');
    let statement = this.updateCache.get(key);
    if (!statement) {
      // Column names come from the fixed list above, never from the request.
      statement = this.db.prepare(`UPDATE runs SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`);
      this.updateCache.set(key, statement);
    }
    statement.run(...values, run.id);
  }
}
