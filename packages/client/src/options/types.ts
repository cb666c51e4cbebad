/**
 * The shapes `init` accepts and what it decides from them. Every option of W&B's `wandb.init` is
 * accepted in both its camelCase and its snake_case spelling; `null` means "not given", like W&B's None.
 */

import type { ApiKey } from './api-key.js';

/** Where a run's data goes: the daemon and then the server, the daemon only, or nowhere. */
export type RunModeOption = 'online' | 'offline' | 'disabled';

/**
 * How a run id that already exists is treated. `'none'` is W&B's `resume=None`: a duplicate id
 * overwrites the earlier run.
 */
export type ResumeMode = 'auto' | 'allow' | 'must' | 'never' | 'none';

/** What a second `init` does while a run is active in this process. */
export type ReinitMode = 'return_previous' | 'finish_previous' | 'create_new';

/**
 * W&B's `console` setting: whether the process's stdout and stderr go to the run's output.log. Only
 * `'off'` turns capture off; W&B's other values (its capture methods) all mean "capture" here.
 */
export type ConsoleMode = 'auto' | 'off' | 'wrap' | 'redirect' | 'wrap_raw' | 'wrap_emu';

/** W&B's anonymous logging policy. */
export type AnonymousMode = 'allow' | 'must' | 'never';

/** A parsed command line whose options become the config: commander's `Command` (its `opts()`). */
export interface OptsProvider {
  opts(): Record<string, unknown>;
}

/**
 * Where the run's config comes from: a plain object; a path to a YAML file (W&B's
 * `key: {value: x, desc: ...}` format or plain keys); a `Map` with string keys; or parsed command-line
 * arguments: a commander `Command`, a yargs `argv` (`_` and `$0` are dropped) or the result of Node's
 * `util.parseArgs` (its `values`).
 */
export type ConfigInput = Record<string, unknown> | ReadonlyMap<string, unknown> | OptsProvider | string;

/**
 * W&B settings passed to `init`. snake_case keys are accepted and stored in camelCase; keys not listed
 * here are kept and stored with the run as given.
 */
export interface InitSettings {
  /** Print nothing from the library (default false; env WANDB_SILENT). */
  silent?: boolean | null;
  /** Throw on a `log` step lower than the current one instead of dropping it with a warning (default false). */
  strictSteps?: boolean | null;
  /** Same as {@link InitSettings.strictSteps}. */
  strict_steps?: boolean | null;
  /** When no daemon process can be started, run the daemon inside this process (same home and store) instead of failing `init` (default false). */
  fallback?: boolean | null;
  /** Seconds `init` waits for the daemon (default 90; env WANDB_INIT_TIMEOUT). */
  initTimeout?: number | null;
  /** Same as {@link InitSettings.initTimeout}. */
  init_timeout?: number | null;
  /** Most bytes of records not yet acknowledged by the daemon; past it `log` blocks until the daemon catches up (default 64 MiB, at least 1 MiB). */
  maxBufferedBytes?: number | null;
  /** Same as {@link InitSettings.maxBufferedBytes}. */
  max_buffered_bytes?: number | null;
  /** As the `reinit` option, which wins over this. */
  reinit?: boolean | ReinitMode | 'default' | null;
  /** As the `mode` option, which wins over this. */
  mode?: RunModeOption | 'dryrun' | 'run' | null;
  /** Capture stdout and stderr into the run's output.log: `'off'` disables, any other of W&B's values captures (default `'auto'`; env WANDB_CONSOLE). */
  console?: ConsoleMode | null;
  /** The W&B server's URL (env WANDB_BASE_URL). */
  baseUrl?: string | null;
  /** Same as {@link InitSettings.baseUrl}. */
  base_url?: string | null;
  /** The API key for {@link InitSettings.baseUrl}; wins over `login()`, WANDB_API_KEY and netrc. Used, never stored. */
  apiKey?: string | null;
  /** Same as {@link InitSettings.apiKey}. */
  api_key?: string | null;
  /** Any other W&B setting; stored with the run. An API key given here is never stored. */
  [key: string]: unknown;
}

/** The options of `init`, W&B's `wandb.init` arguments. All are optional. */
export interface InitOptions {
  /** The type of job, e.g. 'train' or 'eval' (default 'train'; env WANDB_JOB_TYPE). */
  jobType?: string | null;
  /** Same as {@link InitOptions.jobType}. */
  job_type?: string | null;
  /** Directory for local metadata, resolved against the working directory (default it; env WANDB_DIR). */
  dir?: string | null;
  /** The run's config (hyperparameters); see {@link ConfigInput}. Merged over config-defaults.yaml and WANDB_CONFIG_PATHS. */
  config?: ConfigInput | null;
  /** The project (default 'uncategorized'; env WANDB_PROJECT). At most 128 characters, none of `/\#?%:`. */
  project?: string | null;
  /** The user or team owning the project (env WANDB_ENTITY). */
  entity?: string | null;
  /** A second `init` while a run is active: true = 'finish_previous'; false or 'default' = 'return_previous'. */
  reinit?: boolean | ReinitMode | 'default' | null;
  /** Tags of the run, each 1 to 64 characters (env WANDB_TAGS, comma-separated). */
  tags?: readonly string[] | null;
  /** A name shared by the runs of one group (env WANDB_RUN_GROUP). */
  group?: string | null;
  /** The display name; need not be unique (env WANDB_NAME). Generated when absent. */
  name?: string | null;
  /** A longer description (env WANDB_NOTES). */
  notes?: string | null;
  /** W&B's magic auto-instrumentation: a boolean, an object, a JSON string or a YAML file name. Not supported yet. */
  magic?: boolean | Record<string, unknown> | string | null;
  /** Top-level config keys to leave out. An empty list filters nothing (as in W&B). */
  configExcludeKeys?: readonly string[] | null;
  /** Same as {@link InitOptions.configExcludeKeys}. */
  config_exclude_keys?: readonly string[] | null;
  /** The only top-level config keys to keep; not together with the exclude list. An empty list filters nothing. */
  configIncludeKeys?: readonly string[] | null;
  /** Same as {@link InitOptions.configIncludeKeys}. */
  config_include_keys?: readonly string[] | null;
  /** Anonymous logging policy (env WANDB_ANONYMOUS). Not supported yet. */
  anonymous?: AnonymousMode | null;
  /** 'online' (default), 'offline' or 'disabled'; W&B's legacy 'dryrun' and 'run' mean offline and online (env WANDB_MODE, WANDB_DISABLED). */
  mode?: RunModeOption | 'dryrun' | 'run' | null;
  /** Let config values be changed after they are set (default false). */
  allowValChange?: boolean | null;
  /** Same as {@link InitOptions.allowValChange}. */
  allow_val_change?: boolean | null;
  /** Resume policy: true = 'auto', false = none (a duplicate id overwrites); 'must' needs an id (env WANDB_RESUME). */
  resume?: boolean | 'auto' | 'allow' | 'must' | 'never' | null;
  /** Throw a UsageError instead of running offline when an online run has no API key (default false). */
  force?: boolean | null;
  /** Sync TensorBoard event files. Not supported yet. */
  syncTensorboard?: boolean | null;
  /** Same as {@link InitOptions.syncTensorboard}. */
  sync_tensorboard?: boolean | null;
  /** W&B's alias of {@link InitOptions.syncTensorboard}. */
  tensorboard?: boolean | null;
  /** Record videos of OpenAI Gym environments. Not supported yet. */
  monitorGym?: boolean | null;
  /** Same as {@link InitOptions.monitorGym}. */
  monitor_gym?: boolean | null;
  /** Save the entry point's source code (env WANDB_SAVE_CODE). Not supported yet. */
  saveCode?: boolean | null;
  /** Same as {@link InitOptions.saveCode}. */
  save_code?: boolean | null;
  /** The run id, unique per project: 1 to 128 characters of [A-Za-z0-9_.-] (env WANDB_RUN_ID). Generated when absent. */
  id?: string | null;
  /** W&B settings; see {@link InitSettings}. */
  settings?: InitSettings | null;
}

/** Everything `init(options)` decides before any run exists. */
export interface ResolvedInit {
  mode: RunModeOption;
  project: string;
  entity: string | null;
  /** The explicit id (option or WANDB_RUN_ID), else null: the caller generates one. */
  runId: string | null;
  name: string | null;
  group: string | null;
  jobType: string;
  tags: string[];
  notes: string | null;
  /** Absolute. */
  dir: string;
  /** Merged from every source and filtered by the include/exclude keys; leaf values are not validated here. */
  config: Record<string, unknown>;
  allowValChange: boolean;
  resume: ResumeMode;
  reinit: ReinitMode;
  anonymous: AnonymousMode | null;
  force: boolean;
  silent: boolean;
  strictSteps: boolean;
  fallback: boolean;
  initTimeoutMs: number;
  maxBufferedBytes: number;
  /** `settings.console` or WANDB_CONSOLE; `'off'`: stdout and stderr are not captured. */
  console: ConsoleMode;
  /** The server as given by `settings.baseUrl` or WANDB_BASE_URL; null: the caller's default. */
  baseUrl: string | null;
  /** The key from `settings.apiKey`, wrapped so that it never prints; null when not given. */
  apiKey: ApiKey | null;
  /** Stored with the run: the user's settings (camelCase keys) and the unsupported options given. Never an API key. */
  settings: Record<string, unknown>;
  /** Options asking for something this runtime does not do yet (camelCase); the caller warns once per name per process. */
  unsupported: string[];
}
