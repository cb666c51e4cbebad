/**
 * A run: what `init` returns. `log` checks and copies its data in the caller, applies W&B's step and
 * commit rules, and hands committed rows to the backend, which encodes and queues them; nothing here
 * waits for the socket, the disk or the network. `finish` resolves once the daemon has the whole run
 * on disk.
 */
import { encodeBody, type FinishReply, type RunInfo } from '@wandb-daemon/protocol/lite';
import { ConfigStore, type Config } from './config.js';
import { UsageError, WandbError } from './errors.js';
import { HistoryAccumulator, type CommittedRow } from './history.js';
import { MediaCollector } from './media/collector.js';
import type { MediaFileOut } from './media/wb-value.js';
import { parseMetricDefinition, type DefineMetricOptions, type MetricSpec } from './metrics.js';
import { SummaryStore, type Summary } from './summary.js';
import type { Graph } from './watch/graph.js';
import type { WatchOptions, WatchTarget } from './watch/types.js';
import { unwatchModels, watchModels } from './watch/watch.js';
import type { DaemonLink, LinkRun } from './transport/link.js';
import { normalizeObject, type PlainObject } from './values.js';

/** Where a run's records go: the daemon, or nowhere (`mode: 'disabled'`). */
export interface RunBackend {
  /** Queues one record (its `run` and `seq` are filled in here). */
  record(body: PlainObject & { t: string }): void;
  /** Queues one history row; the hot path of `log`. */
  history(step: number, ts: number, runtime: number, data: PlainObject): void;
  /** Hands the run over; resolves once it is durable. */
  finish(exitCode: number): Promise<FinishReply | null>;
}

/** Sends records to the daemon through the process's shared link. */
export class DaemonBackend implements RunBackend {
  constructor(
    readonly link: DaemonLink,
    readonly linkRun: LinkRun,
    private seq: number,
  ) {}

  record(body: PlainObject & { t: string }): void {
    const seq = ++this.seq;
    this.link.send(this.linkRun, seq, encodeBody({ ...body, run: this.linkRun.key, seq }));
  }

  history(step: number, ts: number, runtime: number, data: PlainObject): void {
    const seq = ++this.seq;
    this.link.send(this.linkRun, seq, encodeBody({ t: 'history', run: this.linkRun.key, seq, step, ts, runtime, data }));
  }

  finish(exitCode: number): Promise<FinishReply> {
    return this.link.finish(this.linkRun, ++this.seq, exitCode);
  }

  /** The finish request for a synchronous exit (see `DaemonLink.finishSync`). */
  finishItem(exitCode: number): { run: LinkRun; seq: number; exitCode: number } {
    return { run: this.linkRun, seq: ++this.seq, exitCode };
  }
}

/** `mode: 'disabled'`: every call works and nothing is stored. */
export class DisabledBackend implements RunBackend {
  record(): void {}
  history(): void {}
  async finish(): Promise<null> {
    return null;
  }
}

export interface LogOptions {
  /** The step this data belongs to; must not be smaller than the current step. */
  step?: number;
  /** false: keep accumulating this step; true: commit it. Default: commit unless `step` is given. */
  commit?: boolean;
  /** Deprecated in W&B; accepted and ignored. */
  sync?: boolean;
}

export type RunState = 'running' | 'finishing' | 'finished';

/** What a Run needs from the code that created it. */
export interface RunContext {
  info: RunInfo;
  backend: RunBackend;
  dir: string;
  mode: 'online' | 'offline' | 'disabled';
  startingStep: number;
  resumed: boolean;
  summary: PlainObject;
  allowValChange: boolean;
  strictSteps: boolean;
  baseUrl: string | null;
  warn: (message: string) => void;
  /** Called once when the run starts finishing, before its finish is sent: the last records (held console output) go out here. */
  beforeFinish?: () => void;
  /** Called once the daemon has the finished run. */
  onFinished: (run: Run, exitCode: number, reply: FinishReply | null) => void;
}

const RESERVED_TIME_KEYS = ['_timestamp', '_runtime'] as const;

export class Run {
  readonly id: string;
  readonly project: string;
  readonly entity: string | null;
  readonly group: string | null;
  readonly jobType: string | null;
  readonly notes: string | null;
  readonly tags: readonly string[];
  readonly dir: string;
  readonly mode: 'online' | 'offline' | 'disabled';
  /** True when this run continues an earlier one (`resume`). */
  readonly resumed: boolean;
  /** Unix seconds when the run first started (kept across resumes). */
  readonly startTime: number;
  readonly config: Config;
  readonly summary: Summary;
  /** `log` calls dropped because their step was smaller than the current step. */
  droppedSteps = 0;

  private nameValue: string;
  private stateValue: RunState = 'running';
  private finishing: Promise<void> | null = null;
  private readonly history: HistoryAccumulator;
  private readonly configStore: ConfigStore;
  private readonly summaryStore: SummaryStore;
  /** Step metrics with stepSync, and their latest logged values. */
  private readonly stepSync = new Map<string, MetricSpec>();
  private readonly stepMetricValues = new Map<string, unknown>();
  /** The files and charts of the current `log` call (reused: most calls have none). */
  private readonly media = new MediaCollector(true);
  /** What `watch` logs through; one per run, so that `unwatch` and `finish` find its models. */
  private watchTarget: WatchTarget | null = null;

  constructor(private readonly ctx: RunContext) {
    const { info } = ctx;
    this.id = info.runId;
    this.project = info.project;
    this.entity = info.entity;
    this.group = info.group;
    this.jobType = info.jobType;
    this.notes = info.notes;
    this.tags = Object.freeze([...info.tags]);
    this.nameValue = info.name ?? info.runId;
    this.dir = ctx.dir;
    this.mode = ctx.mode;
    this.resumed = ctx.resumed;
    this.startTime = info.startTime;
    this.history = new HistoryAccumulator(ctx.startingStep);
    this.configStore = new ConfigStore(info.config, ctx.allowValChange, (change) => this.send('config', { t: 'config', ...change }));
    this.summaryStore = new SummaryStore(ctx.summary, (change, files) => {
      this.sendFiles('summary', files);
      this.send('summary', { t: 'summary', ...change });
    });
    this.config = this.configStore.proxy();
    this.summary = this.summaryStore.proxy();
  }

  /** The display name (W&B generates one when none is given). */
  get name(): string {
    return this.nameValue;
  }

  /** The step the next committed row gets. */
  get step(): number {
    return this.history.step;
  }

  get state(): RunState {
    return this.stateValue;
  }

  /** The run's page, when a server is known. */
  get url(): string | undefined {
    if (!this.ctx.baseUrl || this.mode !== 'online' || !this.entity) return undefined;
    return `${this.ctx.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(this.entity)}/${encodeURIComponent(this.project)}/runs/${encodeURIComponent(this.id)}`;
  }

  /** W&B's `run.path`: entity/project/id. */
  get path(): string {
    return [this.entity ?? '', this.project, this.id].join('/');
  }

  /**
   * Logs a dict of values to the run's history (see W&B's `run.log`). Throws a TypeError, having
   * changed nothing, when a value cannot be logged. Rich values (Image, Histogram, ...) become W&B's
   * JSON here, named for their key and step; the files they point at are sent before the row.
   */
  log(data: PlainObject | Map<string, unknown>, options?: LogOptions | number): void {
    this.assertRunning('log');
    const { step, commit } = typeof options === 'number' ? { step: options, commit: undefined } : (options ?? {});
    if (step !== undefined && step !== null && !(Number.isSafeInteger(step) && step >= 0)) {
      throw new TypeError(`log() step must be a non-negative integer, got ${String(step)}`);
    }
    if (commit !== undefined && commit !== null && typeof commit !== 'boolean') {
      throw new TypeError(`log() commit must be a boolean, got ${typeof commit}`);
    }
    const media = this.media;
    media.begin(step ?? this.history.step);
    const normalized = normalizeObject(data, 'log()', media);
    const outcome = this.history.log(normalized, step ?? undefined, commit ?? undefined);
    if (outcome.kind === 'dropped') return this.onDroppedStep(outcome.step, outcome.current);
    // Files and charts go before the rows that name them; a dropped or failed call sent none.
    if (!media.isEmpty) this.sendMedia(media);
    for (const row of outcome.rows) this.commitRow(row);
  }

  /** Customizes how a metric is summarized and plotted (W&B's `define_metric`). */
  defineMetric(name: string, options: DefineMetricOptions = {}): MetricSpec {
    this.assertRunning('defineMetric');
    const spec = parseMetricDefinition(name, options);
    this.summaryStore.rules.set(spec.name, { name: spec.name, ...(spec.summary ? { summary: spec.summary } : {}), ...(spec.goal ? { goal: spec.goal } : {}) });
    if (spec.stepMetric && spec.stepSync) this.stepSync.set(spec.name, spec);
    this.send('defineMetric', { t: 'metric', ...spec });
    return spec;
  }

  /**
   * Hooks into a model (W&B's `watch`): its gradients and/or parameters are logged as 64-bin
   * histograms every `logFreq` batches (joining the next row), and its layers as `graph_<idx>` in the
   * summary. TensorFlow.js LayersModels are built in; `registerWatchAdapter` adds other libraries.
   * Returns the Graph (an array of them for an array of models).
   */
  watch(models: readonly object[], options?: WatchOptions): Graph[];
  watch(models: object, options?: WatchOptions): Graph | null;
  watch(models: object | readonly object[], options?: WatchOptions): Graph | null | Graph[] {
    this.assertRunning('watch');
    return watchModels(this.watchTargetOf(), models as object, options);
  }

  /** Stops watching `models` (all of this run's models when none are given). */
  unwatch(models?: object | readonly object[] | null): void {
    if (this.watchTarget) unwatchModels(this.watchTarget, models);
  }

  /** Ends the run; resolves once the daemon has everything on disk. A second call returns the first. */
  finish(exitCode = 0): Promise<void> {
    if (this.finishing) return this.finishing;
    if (!Number.isSafeInteger(exitCode)) throw new TypeError(`finish() exitCode must be an integer, got ${String(exitCode)}`);
    this.unwatch();
    this.flushPending();
    this.ctx.beforeFinish?.();
    this.stateValue = 'finishing';
    this.finishing = this.ctx.backend.finish(exitCode).then((reply) => this.markFinished(exitCode, reply));
    return this.finishing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.finish();
  }

  toString(): string {
    return `Run(${this.path})`;
  }

  // ---- for the session's exit hooks

  /** Commits the pending row and marks the run finishing; the caller sends the finish itself. */
  beginSyncFinish(): boolean {
    if (this.stateValue !== 'running') return false;
    this.unwatch();
    this.flushPending();
    this.ctx.beforeFinish?.();
    this.stateValue = 'finishing';
    return true;
  }

  /** Records the outcome of a finish sent by the session. */
  markFinished(exitCode: number, reply: FinishReply | null): void {
    if (this.stateValue === 'finished') return;
    this.stateValue = 'finished';
    this.finishing ??= Promise.resolve();
    this.ctx.onFinished(this, exitCode, reply);
  }

  get backend(): RunBackend {
    return this.ctx.backend;
  }

  // ---- internals

  private assertRunning(what: string): void {
    if (this.stateValue !== 'running') throw new WandbError(`run ${this.id} is finished; ${what}() needs a running run (call init() again for a new one)`);
  }

  private watchTargetOf(): WatchTarget {
    this.watchTarget ??= {
      log: (data, options) => this.log(data, options),
      setSummary: (key, value) => {
        this.summary[key] = value;
      },
      warn: (message) => this.ctx.warn(message),
    };
    return this.watchTarget;
  }

  private send(what: string, body: PlainObject & { t: string }): void {
    this.assertRunning(what);
    this.ctx.backend.record(body);
  }

  private sendFiles(what: string, files: Iterable<MediaFileOut>): void {
    for (const file of files) this.send(what, { t: 'media', path: file.path, sha256: file.sha256, bytes: file.bytes });
  }

  private sendMedia(media: MediaCollector): void {
    this.sendFiles('log', media.files.values());
    for (const chart of media.charts) this.send('log', { t: 'chart', ...chart });
    media.clear(); // encoded and queued
  }

  private flushPending(): void {
    for (const row of this.history.flush()) this.commitRow(row);
  }

  private commitRow(row: CommittedRow): void {
    const data = row.data;
    let ts = Date.now() / 1000;
    let runtime = ts - this.startTime;
    for (const key of RESERVED_TIME_KEYS) {
      if (!(key in data)) continue;
      const value = data[key];
      delete data[key];
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) continue;
      if (key === '_timestamp') ts = value;
      else runtime = value;
    }
    delete data._step; // the step is decided by the step rules, as in W&B
    if (this.stepSync.size > 0) this.syncStepMetrics(data);
    this.ctx.backend.history(row.step, ts, runtime, data);
    const summary = this.summaryStore;
    summary.applyRow(data);
    if (!summary.pinned.has('_step')) summary.values._step = row.step;
    if (!summary.pinned.has('_runtime')) summary.values._runtime = runtime;
    if (!summary.pinned.has('_timestamp')) summary.values._timestamp = ts;
  }

  /** W&B's stepSync: a row with a metric whose step metric it lacks gets the step metric's latest value. */
  private syncStepMetrics(data: PlainObject): void {
    for (const spec of this.stepSync.values()) if (spec.stepMetric! in data) this.stepMetricValues.set(spec.stepMetric!, data[spec.stepMetric!]);
    for (const spec of this.stepSync.values()) {
      const stepMetric = spec.stepMetric!;
      if (stepMetric in data || !this.stepMetricValues.has(stepMetric)) continue;
      const prefix = spec.name.endsWith('*') ? spec.name.slice(0, -1) : null;
      const matches = prefix === null ? spec.name in data : Object.keys(data).some((key) => key.startsWith(prefix) && key !== stepMetric);
      if (matches) data[stepMetric] = this.stepMetricValues.get(stepMetric);
    }
  }

  private onDroppedStep(step: number, current: number): void {
    if (this.ctx.strictSteps) {
      throw new UsageError(`log() step ${step} is smaller than the current step ${current} (settings.strictSteps is on); steps must increase`);
    }
    this.droppedSteps += 1;
    if (this.droppedSteps === 1) {
      this.ctx.warn(
        `Tried to log to step ${step} that is less than the current step ${current}. Steps must be monotonically increasing, ` +
          'so this data will be ignored. See https://wandb.me/define-metric to log data out of order. (Said once per run; the count is in `wandb-daemon runs`.)',
      );
    }
    this.ctx.backend.record({ t: 'dropped', rows: 1, step, currentStep: current });
  }
}
