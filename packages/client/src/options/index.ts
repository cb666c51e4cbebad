/**
 * What `init(options)` decides before any run exists: the options in both spellings, checked and
 * merged with the WANDB_* environment, the config from all of W&B's sources, and W&B's resume state
 * file. Light on purpose: plain checks, no validator library, YAML loaded only when a file is read.
 */
export { UsageError } from './errors.js';
export type { AnonymousMode, ConfigInput, ConsoleMode, InitOptions, InitSettings, OptsProvider, ReinitMode, ResolvedInit, ResumeMode, RunModeOption } from './types.js';
export { DEFAULT_INIT_TIMEOUT_MS, DEFAULT_JOB_TYPE, DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_PROJECT, resolveInitOptions } from './resolve.js';
export { generateRunId, RUN_ID_PATTERN } from './run-id.js';
export { ApiKey, checkApiKey } from './api-key.js';
export { checkBaseUrl } from './fields.js';
export { clearResumeState, readResumeState, resumeStatePath, writeResumeState } from './resume-state.js';
export { UNSUPPORTED_OPTIONS } from './unsupported.js';
export { CONFIG_DEFAULTS_FILE } from './config-sources.js';
