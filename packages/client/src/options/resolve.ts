/**
 * resolveInitOptions: everything `init(options)` decides before any run exists. Precedence, as in W&B:
 * an explicit option wins over the same key in `settings`, which wins over the environment, which wins
 * over the defaults. Every value is checked before any file is read, so a typo fails fast.
 */
import { resolve } from 'node:path';
import { envLabel, expectBoolean, expectString, expectStringArray } from './checks.js';
import { resolveConfig } from './config-sources.js';
import { readEnv, type EnvValues } from './env.js';
import { UsageError } from './errors.js';
import { checkProject, checkRunId, checkTags, toReinitMode, toResumeMode, toRunMode } from './fields.js';
import { normaliseSettings, type RecognisedSettings } from './settings.js';
import { normaliseOptions, type GivenOption, type GivenOptions } from './spellings.js';
import type { InitOptions, ResolvedInit } from './types.js';
import { readUnsupported } from './unsupported.js';

export const DEFAULT_PROJECT = 'uncategorized';
export const DEFAULT_JOB_TYPE = 'train';
export const DEFAULT_INIT_TIMEOUT_MS = 90_000;
export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** The given option's checked value, or undefined when it was not given. */
function pick<T>(given: GivenOption | undefined, check: (value: unknown, label: string) => T): T | undefined {
  return given === undefined ? undefined : check(given.value, given.label);
}

const nonEmpty = (value: unknown, label: string): string => expectString(value, label);
const anyString = (value: unknown, label: string): string => expectString(value, label, true);

/**
 * Resolves `init`'s options against the environment (`env`, default process.env) and the working
 * directory (`cwd`, default process.cwd()). Throws a UsageError naming the first invalid option,
 * setting or environment variable.
 */
export async function resolveInitOptions(options: InitOptions | undefined, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Promise<ResolvedInit> {
  const given = normaliseOptions(options);
  const fromEnv = readEnv(env);
  const settings = normaliseSettings(given.settings);
  const identity = resolveIdentity(given, fromEnv, cwd);
  const behaviour = resolveBehaviour(given, fromEnv, settings.recognised);
  if (behaviour.resume === 'must' && identity.runId === null) {
    const label = given.resume?.label ?? envLabel('WANDB_RESUME');
    throw new UsageError(`Invalid ${label}: resume 'must' needs a run id; give the 'id' option or set WANDB_RUN_ID.`);
  }
  const unsupported = readUnsupported(given, fromEnv);
  const filter = resolveConfigFilter(given);
  const config = await resolveConfig({ option: given.config, configPaths: fromEnv.configPaths ?? [], cwd, ...filter });
  return {
    ...identity,
    ...behaviour,
    config,
    apiKey: settings.apiKey,
    anonymous: unsupported.anonymous,
    force: unsupported.force,
    settings: { ...settings.stored, ...unsupported.values },
    unsupported: unsupported.requested,
  };
}

type Identity = Pick<ResolvedInit, 'project' | 'entity' | 'runId' | 'name' | 'group' | 'jobType' | 'tags' | 'notes' | 'dir'>;

/** Where the run lives and what it is called. */
function resolveIdentity(given: GivenOptions, env: EnvValues, cwd: string): Identity {
  return {
    project: pick(given.project, checkProject) ?? env.project ?? DEFAULT_PROJECT,
    entity: pick(given.entity, nonEmpty) ?? env.entity ?? null,
    runId: pick(given.id, checkRunId) ?? env.runId ?? null,
    name: pick(given.name, nonEmpty) ?? env.name ?? null,
    group: pick(given.group, nonEmpty) ?? env.group ?? null,
    jobType: pick(given.jobType, nonEmpty) ?? env.jobType ?? DEFAULT_JOB_TYPE,
    tags: pick(given.tags, checkTags) ?? env.tags ?? [],
    notes: pick(given.notes, anyString) ?? env.notes ?? null,
    dir: resolve(cwd, pick(given.dir, nonEmpty) ?? env.dir ?? '.'),
  };
}

type Behaviour = Pick<
  ResolvedInit,
  'mode' | 'allowValChange' | 'resume' | 'reinit' | 'silent' | 'strictSteps' | 'fallback' | 'initTimeoutMs' | 'maxBufferedBytes' | 'console' | 'baseUrl'
>;

/** How the run behaves, from options, then settings, then environment. */
function resolveBehaviour(given: GivenOptions, env: EnvValues, settings: RecognisedSettings): Behaviour {
  return {
    mode: pick(given.mode, toRunMode) ?? settings.mode ?? env.mode ?? 'online',
    allowValChange: pick(given.allowValChange, expectBoolean) ?? false,
    resume: pick(given.resume, toResumeMode) ?? env.resume ?? 'none',
    reinit: pick(given.reinit, toReinitMode) ?? settings.reinit ?? 'return_previous',
    silent: settings.silent ?? env.silent ?? false,
    strictSteps: settings.strictSteps ?? false,
    fallback: settings.fallback ?? false,
    initTimeoutMs: settings.initTimeoutMs ?? env.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS,
    maxBufferedBytes: settings.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    console: settings.console ?? env.console ?? 'auto',
    baseUrl: settings.baseUrl ?? env.baseUrl ?? null,
  };
}

/** The include or exclude list; both at once is refused, as in W&B. Empty lists filter nothing, as in W&B. */
function resolveConfigFilter(given: GivenOptions): { include: string[]; exclude: string[] } {
  const include = pick(given.configIncludeKeys, expectStringArray) ?? [];
  const exclude = pick(given.configExcludeKeys, expectStringArray) ?? [];
  if (include.length > 0 && exclude.length > 0) {
    throw new UsageError(
      `Invalid init options: ${given.configIncludeKeys?.label ?? 'configIncludeKeys'} and ${given.configExcludeKeys?.label ?? 'configExcludeKeys'} cannot both be given; use one of them.`,
    );
  }
  return { include, exclude };
}
