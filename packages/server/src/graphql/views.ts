/**
 * GraphQL object views over store records. graphql-js's default resolver reads a property or calls
 * a method with (args, context), so each W&B type is a small class whose members are its fields.
 */
import { toWandbJson } from '@wandb-daemon/protocol';
import type { EntityRef, ProjectRecord, RunRecord, Viewer } from '../store/server-store.js';
import { wandbConfigKeys } from '../store/wrapped-config.js';
import type { GraphqlContext } from './context.js';

/** Lines returned in RunResumeStatus tails; the client only uses the last one. */
const TAIL_LINES = 10;

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();
const nodeId = (kind: string, id: number | string) => Buffer.from(`${kind}:${id}`).toString('base64');

/** `Entity`. */
export class EntityView {
  readonly id: string;
  readonly name: string;
  readonly isTeam = false;

  constructor(entity: EntityRef) {
    this.id = nodeId('Entity', entity.id);
    this.name = entity.name;
  }
}

/** `User`: the key's owner. */
export class UserView {
  readonly id: string;
  readonly name: string;
  readonly username: string;
  readonly email: string | null;
  readonly entity: string;
  readonly defaultEntity: EntityView;
  readonly flags = '{}';
  readonly admin = false;

  constructor(private readonly viewer: Viewer) {
    this.id = nodeId('User', viewer.userId);
    this.name = viewer.username;
    this.username = viewer.username;
    this.email = viewer.email;
    this.entity = viewer.defaultEntity.name;
    this.defaultEntity = new EntityView(viewer.defaultEntity);
  }

  teams() {
    return { edges: this.viewer.entities.map((e) => ({ node: new EntityView(e) })) };
  }
}

/** `Project` (W&B's "model"). */
export class ProjectView {
  readonly id: string;
  readonly name: string;
  readonly entityName: string;
  readonly entity: EntityView;
  readonly createdAt: string;

  constructor(private readonly project: ProjectRecord) {
    this.id = nodeId('Project', project.id);
    this.name = project.name;
    this.entityName = project.entity.name;
    this.entity = new EntityView(project.entity);
    this.createdAt = iso(project.createdAt);
  }

  runCount(_args: unknown, ctx: GraphqlContext): number {
    return ctx.store.listRuns(this.project.id).length;
  }

  bucket(args: { name: string }, ctx: GraphqlContext): RunView | null {
    ctx.refreshStates();
    const run = ctx.store.findRun({ entity: this.project.entity.name, project: this.project.name, run: args.name });
    return run ? new RunView(run) : null;
  }

  run(args: { name: string }, ctx: GraphqlContext): RunView | null {
    return this.bucket(args, ctx);
  }
}

/** `Run` (W&B's "bucket"). Fields RunResumeStatus selects are never null for an existing run. */
export class RunView {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
  readonly description: string | null;
  readonly notes: string;
  readonly group: string | null;
  readonly jobType: string | null;
  readonly host: string | null;
  readonly commit: string | null;
  readonly program: string | null;
  readonly sweepName: string | null;
  readonly state: string;
  readonly exitcode: number | null;
  readonly stopped: boolean;
  readonly tags: string[];
  readonly config: string;
  readonly summaryMetrics: string;
  readonly historyLineCount: number;
  readonly eventsLineCount: number;
  readonly logLineCount: number;
  readonly createdAt: string;
  readonly heartbeatAt: string;
  readonly updatedAt: string;

  constructor(private readonly run: RunRecord) {
    this.id = run.storageId;
    this.name = run.name;
    this.displayName = run.displayName;
    this.description = run.description;
    this.notes = run.notes ?? '';
    this.group = run.group;
    this.jobType = run.jobType;
    this.host = run.host;
    this.commit = run.commit;
    this.program = run.program;
    this.sweepName = run.sweep;
    this.state = run.state;
    this.exitcode = run.exitcode;
    this.stopped = run.stopRequested;
    this.tags = run.tags;
    this.config = run.config;
    this.summaryMetrics = run.summary;
    this.historyLineCount = run.historyLineCount;
    this.eventsLineCount = run.eventsLineCount;
    this.logLineCount = run.logLineCount;
    this.createdAt = iso(run.createdAt);
    this.heartbeatAt = iso(run.heartbeatAt);
    this.updatedAt = iso(run.updatedAt);
  }

  project(): ProjectView {
    return new ProjectView(this.run.project);
  }

  /** The `_wandb` config keys asked for; `t` is always present, since wandb-core takes its absence
   * to mean "created ahead of time, never started" and would not resume. */
  wandbConfig(args: { keys?: string[] | null }): string {
    const picked = wandbConfigKeys(this.run.config, args.keys ?? null);
    if ((args.keys ?? ['t']).includes('t') && !Object.hasOwn(picked, 't')) picked.t = {};
    return toWandbJson(picked);
  }

  historyTail(_args: unknown, ctx: GraphqlContext): string {
    return JSON.stringify(ctx.store.historyTail(this.run.id, TAIL_LINES));
  }

  eventsTail(_args: unknown, ctx: GraphqlContext): string {
    return JSON.stringify(ctx.store.eventsTail(this.run.id, TAIL_LINES));
  }

  historyKeys(_args: unknown, ctx: GraphqlContext): string[] {
    return ctx.store.historyKeys(this.run.id);
  }

  /** Older clients check that runInfo is non-null to know a run started. */
  runInfo() {
    return { program: this.run.program, args: [], git: { remote: this.run.repo, commit: this.run.commit } };
  }

  /** @wandb/sdk's RunUploadUrls: one upload URL per named file. */
  files(args: { names?: (string | null)[] | null }, ctx: GraphqlContext) {
    const names = (args.names ?? ctx.store.files(this.run.id).map((f) => f.path)).filter((n): n is string => typeof n === 'string');
    return {
      uploadHeaders: [],
      edges: names.map((name) => ({ node: new FileView(this.run, name, ctx) })),
    };
  }
}

/** `File`: a run file and its URLs. */
export class FileView {
  readonly id: string;
  readonly sizeBytes: number | null;
  readonly digest: string | null;
  readonly updatedAt: string | null;

  constructor(private readonly run: RunRecord, readonly name: string, private readonly ctx: GraphqlContext) {
    const stored = ctx.store.file(run.id, name);
    this.id = nodeId('File', `${run.storageId}:${name}`);
    this.sizeBytes = stored?.size ?? null;
    this.digest = stored?.sha256 ?? null;
    this.updatedAt = stored ? iso(stored.updatedAt) : null;
  }

  get uploadUrl(): string {
    return this.ctx.uploadUrl(this.run.id, this.name);
  }

  get directUrl(): string {
    const p = this.run.project;
    const segments = [p.entity.name, p.name, this.run.name].map(encodeURIComponent).join('/');
    return `${this.ctx.baseUrl}/api/v1/runs/${segments}/files/${this.name.split('/').map(encodeURIComponent).join('/')}`;
  }

  url(args: { upload?: boolean | null }): string {
    return args.upload ? this.uploadUrl : this.directUrl;
  }
}
