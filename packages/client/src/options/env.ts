/**
 * The WANDB_* environment variables `init` reads (names as in W&B's wandb/env.py). Each is checked like
 * the option it stands for, and an error names the variable. Empty variables count as unset, as a
 * shell's `WANDB_PROJECT=` usually means "no value".
 */
import { envBooleanWord, envLabel, expectString, parseEnvBoolean } from './checks.js';
import { checkBaseUrl, checkProject, checkRunId, checkTags, secondsToMs, toAnonymous, toConsoleMode, toResumeMode, toRunMode } from './fields.js';
import { invalid } from './errors.js';
import type { AnonymousMode, ConsoleMode, ResumeMode, RunModeOption } from './types.js';

/** What the environment says; a field is undefined when its variable is unset or empty. */
export interface EnvValues {
  project?: string;
  entity?: string;
  mode?: RunModeOption;
  runId?: string;
  resume?: ResumeMode;
  name?: string;
  notes?: string;
  tags?: string[];
  group?: string;
  jobType?: string;
  dir?: string;
  silent?: boolean;
  configPaths?: string[];
  anonymous?: AnonymousMode;
  saveCode?: boolean;
  baseUrl?: string;
  initTimeoutMs?: number;
  console?: ConsoleMode;
}

/** One variable: undefined when unset or empty (blank), else `parse(raw, label)` with a label naming it. */
export function readEnvVar<T>(env: NodeJS.ProcessEnv, name: string, parse: (raw: string, label: string) => T): T | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : parse(raw, envLabel(name));
}

/** WANDB_BASE_URL's parser (for {@link readEnvVar}). */
export const parseBaseUrlVar = (raw: string, label: string): string => checkBaseUrl(raw.trim(), label);

/** WANDB_ANONYMOUS's parser (for {@link readEnvVar}). */
export const parseAnonymousVar = (raw: string, label: string): AnonymousMode => toAnonymous(raw.trim().toLowerCase(), label);

/** Reads and checks every variable in `env`; throws a UsageError naming the first invalid one. */
export function readEnv(env: NodeJS.ProcessEnv): EnvValues {
  const read: Reader = (name, parse) => readEnvVar(env, name, parse);
  const text = (raw: string, label: string): string => expectString(raw.trim(), label);
  return {
    project: read('WANDB_PROJECT', (raw, label) => checkProject(raw.trim(), label)),
    entity: read('WANDB_ENTITY', text),
    mode: readMode(read),
    runId: read('WANDB_RUN_ID', (raw, label) => checkRunId(raw.trim(), label)),
    resume: read('WANDB_RESUME', parseResume),
    name: read('WANDB_NAME', text),
    notes: read('WANDB_NOTES', (raw) => raw),
    tags: read('WANDB_TAGS', (raw, label) => checkTags(splitList(raw), label)),
    group: read('WANDB_RUN_GROUP', text),
    jobType: read('WANDB_JOB_TYPE', text),
    dir: read('WANDB_DIR', text),
    silent: read('WANDB_SILENT', parseEnvBoolean),
    configPaths: read('WANDB_CONFIG_PATHS', splitList),
    anonymous: read('WANDB_ANONYMOUS', parseAnonymousVar),
    saveCode: read('WANDB_SAVE_CODE', parseEnvBoolean),
    baseUrl: read('WANDB_BASE_URL', parseBaseUrlVar),
    initTimeoutMs: read('WANDB_INIT_TIMEOUT', (raw, label) => secondsToMs(parseNumber(raw, label), label)),
    console: read('WANDB_CONSOLE', (raw, label) => toConsoleMode(raw.trim().toLowerCase(), label)),
  };
}

type Reader = <T>(name: string, parse: (raw: string, label: string) => T) => T | undefined;

/** WANDB_DISABLED=true means 'disabled' whatever WANDB_MODE says (it is the stronger statement). */
function readMode(read: Reader): RunModeOption | undefined {
  if (read('WANDB_DISABLED', parseEnvBoolean) === true) return 'disabled';
  return read('WANDB_MODE', (raw, label) => toRunMode(raw.trim().toLowerCase(), label));
}

/** A resume policy by name, or a boolean word (true = 'auto', false = 'none'). */
function parseResume(raw: string, label: string): ResumeMode {
  const flag = envBooleanWord(raw);
  return flag === undefined ? toResumeMode(raw.trim().toLowerCase(), label) : toResumeMode(flag, label);
}

function parseNumber(raw: string, label: string): number {
  const value = Number(raw.trim());
  if (Number.isNaN(value)) throw invalid(label, 'a positive number of seconds', raw);
  return value;
}

/** A comma-separated list, items trimmed, empty items dropped. */
function splitList(raw: string): string[] {
  return raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
}
