/**
 * Root resolvers of Query and Mutation. A key reaches only the entities its user is a member of:
 * reads of another entity answer null (as W&B does for what you cannot see), writes are errors.
 */
import { GraphQLError } from 'graphql';
import { PACKAGE_VERSION } from '@wandb-daemon/protocol';
import { invalidFilePath } from '../file-paths.js';
import type { EntityRef, RunRecord } from '../store/server-store.js';
import { memberEntity, type GraphqlContext } from './context.js';
import { EntityView, FileView, ProjectView, RunView, UserView } from './views.js';

/** Server features advertised to wandb-core; gzip file_stream bodies are decompressed. */
export const SERVER_FEATURES = [{ name: 'FILESTREAM_GZIP', isEnabled: true }];

interface UpsertBucketInput {
  id?: string | null;
  name?: string | null;
  groupName?: string | null;
  modelName?: string | null;
  entityName?: string | null;
  description?: string | null;
  displayName?: string | null;
  notes?: string | null;
  config?: string | null;
  commit?: string | null;
  host?: string | null;
  jobProgram?: string | null;
  jobRepo?: string | null;
  jobType?: string | null;
  state?: string | null;
  sweep?: string | null;
  tags?: string[] | null;
  summaryMetrics?: string | null;
}

interface RunFilesInput {
  entityName: string;
  projectName: string;
  runName: string;
  files: string[];
}

function writableEntity(ctx: GraphqlContext, name: string | null | undefined): EntityRef {
  const entity = memberEntity(ctx.viewer, name);
  if (!entity) throw new GraphQLError(`permission denied: ${ctx.viewer.username} is not a member of entity ${name}`, { extensions: { code: 'PERMISSION_ERROR' } });
  return entity;
}

function projectView(ctx: GraphqlContext, args: { name?: string | null; entityName?: string | null }): ProjectView | null {
  const entity = memberEntity(ctx.viewer, args.entityName);
  if (!entity || !args.name) return null;
  const project = ctx.store.findProject(entity.name, args.name);
  return project ? new ProjectView(project) : null;
}

/** The run named by a run-files input, created when missing (as file_stream does). */
function runForFiles(ctx: GraphqlContext, input: RunFilesInput): RunRecord {
  const entity = writableEntity(ctx, input.entityName);
  for (const name of input.files) {
    const problem = invalidFilePath(name);
    if (problem) throw new GraphQLError(`${problem}: ${JSON.stringify(name)}`);
  }
  return ctx.store.ensureRun(entity, input.projectName, input.runName);
}

/** The root value handed to graphql-js: its members are the Query and Mutation fields. */
export const rootValue = {
  viewer: (_args: unknown, ctx: GraphqlContext) => new UserView(ctx.viewer),

  serverInfo: () => ({
    // An object, not null: older Python reads cliVersionInfo.get("max_cli_version"). No maximum.
    cliVersionInfo: {},
    latestLocalVersionInfo: { outOfDate: false, latestVersionString: PACKAGE_VERSION, versionOnThisInstanceString: PACKAGE_VERSION },
    features: SERVER_FEATURES,
  }),

  serverSettings: () => ({ serverMessages: [] }),

  model: (args: { name?: string | null; entityName?: string | null }, ctx: GraphqlContext) => projectView(ctx, args),

  project: (args: { name?: string | null; entityName?: string | null }, ctx: GraphqlContext) => projectView(ctx, args),

  entity: (args: { name?: string | null }, ctx: GraphqlContext) => {
    const entity = memberEntity(ctx.viewer, args.name);
    return entity ? new EntityView(entity) : null;
  },

  upsertBucket: ({ input }: { input: UpsertBucketInput }, ctx: GraphqlContext) => {
    const entity = writableEntity(ctx, input.entityName);
    try {
      const { run, inserted } = ctx.store.upsertRun(entity, {
        storageId: input.id,
        name: input.name,
        project: input.modelName,
        group: input.groupName,
        description: input.description,
        displayName: input.displayName,
        notes: input.notes,
        config: input.config,
        commit: input.commit,
        host: input.host,
        program: input.jobProgram,
        repo: input.jobRepo,
        jobType: input.jobType,
        state: input.state,
        sweep: input.sweep,
        tags: input.tags,
        summary: input.summaryMetrics,
      });
      ctx.changes.emit(run);
      return { bucket: new RunView(run), inserted, updateAvailable: false, serverSettings: { serverMessages: [] } };
    } catch (error) {
      throw new GraphQLError(`upsertBucket: ${(error as Error).message}`);
    }
  },

  createRunFiles: ({ input }: { input: RunFilesInput }, ctx: GraphqlContext) => {
    const run = runForFiles(ctx, input);
    // The run may be new, and the page lists its files.
    ctx.changes.emit(run);
    return { runID: run.storageId, uploadHeaders: [], files: input.files.map((name) => new FileView(run, name, ctx)) };
  },

  markRunFilesUploaded: ({ input }: { input: RunFilesInput }, ctx: GraphqlContext) => {
    const run = runForFiles(ctx, input);
    ctx.store.markUploaded(run.id, input.files);
    ctx.changes.emit(run);
    return { success: true };
  },

  stopRun: ({ input }: { input: { id: string } }, ctx: GraphqlContext) => {
    const run = ctx.store.findRunByStorageId(input.id);
    if (!run || !memberEntity(ctx.viewer, run.project.entity.name)) throw new GraphQLError(`no run with id ${input.id}`);
    ctx.changes.emit(ctx.store.requestStop(run.id));
    return { success: true };
  },
};
