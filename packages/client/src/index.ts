/**
 * @wandb-daemon/client: the W&B run API for TypeScript.
 *
 * ```ts
 * import wandb from '@wandb-daemon/client';
 * await using run = await wandb.init({ project: 'mnist', config: { lr: 0.01 } });
 * run.log({ loss: 0.4 });
 * ```
 * Every call is local: records go to the wandb-daemon over a Unix socket, which makes them durable
 * and syncs them. Importing this module loads msgpackr's pure-JS codec and our code, nothing native;
 * `login()` loads its code (HTTP check, prompt) on first call.
 */
import type { Config } from './config.js';
import type { LoginOptions } from './login/options.js';
import { Audio, Histogram, Html, Image, Object3D, Video } from './media/index.js';
import { Table } from './media/table.js';
import type { DefineMetricOptions, MetricSpec } from './metrics.js';
import { plot, plots } from './plot/index.js';
import { Graph, type WatchOptions } from './watch/index.js';
import type { LogOptions, Run } from './run.js';
import * as session from './session.js';
import type { Summary } from './summary.js';
import type { PlainObject } from './values.js';

export { AuthenticationError, CommError, ConfigError, UsageError, WandbError } from './errors.js';
export { DaemonStartError } from '@wandb-daemon/daemon/ensure';
export { PACKAGE_VERSION, PROTOCOL_VERSION } from '@wandb-daemon/protocol/lite';
export type { Config, ConfigUpdateOptions } from './config.js';
export type { DefineMetricOptions, MetricSpec } from './metrics.js';
export type { AnonymousMode, ConsoleMode, InitOptions, InitSettings, ConfigInput, ReinitMode, ResumeMode, RunModeOption } from './options/index.js';
export type { LoginOptions } from './login/options.js';
export type { LogOptions, Run, RunState } from './run.js';
export type { Summary } from './summary.js';
export { activeRuns, finish, init, run } from './session.js';
export { Audio, CustomChart, Histogram, Html, Image, Object3D, Video, WBValue, histogram } from './media/index.js';
export type { AudioOptions, HistogramOptions, HtmlOptions, ImageInput, ImageMode, ImageOptions, Object3DOptions, VideoOptions } from './media/index.js';
export { Table } from './media/table.js';
export type { TableOptions } from './media/table.js';
export { plot, plots } from './plot/index.js';
export { Graph, registerWatchAdapter } from './watch/index.js';
export type { WatchAdapter, WatchOptions } from './watch/index.js';

/**
 * Logs in to a W&B server (W&B's `wandb.login`): finds an API key (option, WANDB_API_KEY, netrc, or a
 * prompt on a terminal), verifies it with the server, saves a given key to netrc and keeps it, with
 * the host, for this process's later `init` calls. Resolves true when a key is configured, false in
 * offline/disabled mode. See {@link LoginOptions}; throws UsageError, AuthenticationError or (with
 * `force`) CommError.
 */
export async function login(options?: LoginOptions): Promise<boolean> {
  // Loaded on first use: the HTTP check and the prompt are not part of what init/log load.
  const loaded = await import('./login/login.js');
  return loaded.login(options);
}

/** Logs to the current run (W&B's `wandb.log`). */
export function log(data: PlainObject | Map<string, unknown>, options?: LogOptions | number): void {
  session.requireRun('wandb.log()').log(data, options);
}

/** Watches a model of the current run (W&B's `wandb.watch`); see {@link Run.watch}. */
export function watch(models: readonly object[], options?: WatchOptions): Graph[];
export function watch(models: object, options?: WatchOptions): Graph | null;
export function watch(models: object | readonly object[], options?: WatchOptions): Graph | null | Graph[] {
  return session.requireRun('wandb.watch()').watch(models as object, options);
}

/** Stops watching models of the current run (W&B's `wandb.unwatch`); all of them when none are given. */
export function unwatch(models?: object | readonly object[] | null): void {
  session.requireRun('wandb.unwatch()').unwatch(models);
}

/** Defines a metric of the current run (W&B's `wandb.define_metric`). */
export function defineMetric(name: string, options?: DefineMetricOptions): MetricSpec {
  return session.requireRun('wandb.define_metric()').defineMetric(name, options);
}

/** A stand-in that forwards to the current run's object, or throws W&B's error when there is none. */
function forwarder<T extends object>(what: 'config' | 'summary'): T {
  const target = (): T => session.requireRun(`wandb.${what}`)[what] as T;
  return new Proxy({} as T, {
    get: (_t, key) => Reflect.get(target(), key),
    set: (_t, key, value) => Reflect.set(target(), key, value),
    deleteProperty: (_t, key) => Reflect.deleteProperty(target(), key),
    has: (_t, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_t, key) => Reflect.getOwnPropertyDescriptor(target(), key),
  });
}

/** The current run's config (W&B's `wandb.config`). */
export const config: Config = forwarder<Config>('config');
/** The current run's summary (W&B's `wandb.summary`). */
export const summary: Summary = forwarder<Summary>('summary');

/** The default export mirrors W&B's module: `wandb.init`, `wandb.log`, `wandb.run`, ... */
const wandb = {
  init: session.init,
  login,
  log,
  finish: session.finish,
  defineMetric,
  define_metric: defineMetric,
  watch,
  unwatch,
  config,
  summary,
  Histogram,
  Image,
  Video,
  Audio,
  Html,
  Object3D,
  Table,
  Graph,
  plot,
  plots,
  activeRuns: session.activeRuns,
  /** The current run, or null. */
  get run(): Run | null {
    return session.run;
  },
};

export default wandb;
