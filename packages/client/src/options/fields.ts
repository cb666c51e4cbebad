/**
 * Checks and mappings of the values with a meaning of their own (run id, project name, tags, modes,
 * timeouts), shared by init options, settings and environment variables so that all three accept the
 * same values and word their errors the same way.
 */
import { invalid, UsageError } from './errors.js';
import { expectOneOf, expectString, expectStringArray } from './checks.js';
import { RUN_ID_PATTERN } from './run-id.js';
import type { AnonymousMode, ConsoleMode, ReinitMode, ResumeMode, RunModeOption } from './types.js';

const MODES: Record<string, RunModeOption> = { online: 'online', offline: 'offline', disabled: 'disabled', dryrun: 'offline', run: 'online' };

/** 'online' | 'offline' | 'disabled', and W&B's legacy 'dryrun' (offline) and 'run' (online). */
export function toRunMode(value: unknown, label: string): RunModeOption {
  const mode = typeof value === 'string' && Object.hasOwn(MODES, value) ? MODES[value] : undefined;
  if (mode === undefined) throw invalid(label, '"online", "offline" or "disabled" (or the legacy "dryrun", "run")', value);
  return mode;
}

const RESUME_STRINGS = ['auto', 'allow', 'must', 'never'] as const;

/** true → 'auto', false → 'none' (W&B's None), or one of the four policies by name. */
export function toResumeMode(value: unknown, label: string): ResumeMode {
  if (value === true) return 'auto';
  if (value === false) return 'none';
  if (typeof value === 'string' && (RESUME_STRINGS as readonly string[]).includes(value)) return value as ResumeMode;
  throw invalid(label, 'true, false, null or one of "auto", "allow", "must", "never"', value);
}

const REINIT_STRINGS = ['return_previous', 'finish_previous', 'create_new'] as const;

/** true → 'finish_previous'; false and 'default' → 'return_previous'; or one of the three by name. */
export function toReinitMode(value: unknown, label: string): ReinitMode {
  if (value === true) return 'finish_previous';
  if (value === false || value === 'default') return 'return_previous';
  if (typeof value === 'string' && (REINIT_STRINGS as readonly string[]).includes(value)) return value as ReinitMode;
  throw invalid(label, 'true, false or one of "default", "return_previous", "finish_previous", "create_new"', value);
}

/** W&B's `console` values: 'auto', 'off', 'wrap', 'redirect', 'wrap_raw', 'wrap_emu'. */
export function toConsoleMode(value: unknown, label: string): ConsoleMode {
  return expectOneOf(value, label, ['auto', 'off', 'wrap', 'redirect', 'wrap_raw', 'wrap_emu']);
}

/** 'allow' | 'must' | 'never'. */
export function toAnonymous(value: unknown, label: string): AnonymousMode {
  return expectOneOf(value, label, ['allow', 'must', 'never']);
}

/** A run id as W&B allows it (it becomes part of URLs and file names). */
export function checkRunId(value: unknown, label: string): string {
  if (typeof value !== 'string' || !RUN_ID_PATTERN.test(value)) {
    throw invalid(label, 'a run id of 1 to 128 characters from [A-Za-z0-9_.-]', value);
  }
  return value;
}

const PROJECT_FORBIDDEN = /[/\\#?%:]/;

/** A project name as W&B allows it: at most 128 characters, none of / \ # ? % : */
export function checkProject(value: unknown, label: string): string {
  const project = expectString(value, label);
  if (project.length > 128 || PROJECT_FORBIDDEN.test(project)) {
    throw invalid(label, 'a project name of at most 128 characters without any of / \\ # ? % :', value);
  }
  return project;
}

/** Tags as W&B allows them: each 1 to 64 characters. */
export function checkTags(value: unknown, label: string): string[] {
  const tags = expectStringArray(value, label);
  const bad = tags.find((tag) => tag.length === 0 || tag.length > 64);
  if (bad !== undefined) throw new UsageError(`Invalid ${label}: every tag must be 1 to 64 characters long, received ${JSON.stringify(bad.slice(0, 80))}.`);
  return tags;
}

/** An http(s) URL, without trailing slashes (as W&B strips them). */
export function checkBaseUrl(value: unknown, label: string): string {
  const text = expectString(value, label);
  let protocol: string;
  try {
    protocol = new URL(text).protocol;
  } catch {
    throw invalid(label, 'an http:// or https:// URL', value);
  }
  if (protocol !== 'http:' && protocol !== 'https:') throw invalid(label, 'an http:// or https:// URL', value);
  return text.replace(/\/+$/, '');
}

/** A positive, finite number of seconds, as milliseconds. */
export function secondsToMs(value: unknown, label: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalid(label, 'a positive number of seconds', value);
  return Math.round(value * 1000);
}

export const MIN_BUFFERED_BYTES = 1024 * 1024;

/** A whole number of bytes, at least 1 MiB (less could not hold one large `log` row). */
export function checkBufferBytes(value: unknown, label: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < MIN_BUFFERED_BYTES) {
    throw invalid(label, `a whole number of bytes of at least ${MIN_BUFFERED_BYTES} (1 MiB)`, value);
  }
  return value;
}
