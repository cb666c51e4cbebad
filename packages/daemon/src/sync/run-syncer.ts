/**
 * The sync state machine of one run. Each turn sends at most one request (an upload round counts as
 * one: CreateRunFiles, then its PUTs one at a time), chosen in this order:
 *
 *   1. full UpsertBucket, once per attachment (creates the run; the server answers its names)
 *   2. partial UpsertBucket: config-only, or name/tags/notes, once a change is `debounceMs` old
 *   3. uploads: `wandb-metadata.json` first; `files` entries with policy now/live (media included, sent
 *      from their blobs) when they appear or change; at the end of the run the produced files and `end` entries. Each file has its own retry
 *      state: one backing off is skipped (the turn falls through to file_stream and heartbeats), one
 *      refused for good (a fatal PUT answer) is recorded as failed, never failing the run
 *   4. file_stream: lines from the watermarks, the summary when changed, the `uploaded` list;
 *      at most every `intervalMs` unless a bounded batch left more behind
 *   5. finished/failed and everything delivered (files still retrying included; failed ones not):
 *      `{"complete": true, "exitcode"}`, then done;
 *      crashed and everything delivered: done without `complete` (the server sees the heartbeats stop)
 *   6. running with nothing to send: a heartbeat `{}` every `heartbeatMs`
 *
 * Retryable failures back off (jitter, Retry-After honoured) with the time stored, so a restart
 * keeps waiting; fatal ones stop this run's sync with the reason stored. Watermarks move only after a
 * 2xx answer, in one small transaction; a resent chunk is an idempotent upsert on the server.
 *
 * Race with resets: while a request is in flight the run may be resumed locally (`reopen`) or given
 * another server or key (`setRemote`). Both start a new sync generation; every write after an await
 * carries the generation this turn read and is dropped when it no longer holds, so a late answer can
 * neither mark a resumed run done nor advance the new server's watermarks with the old server's.
 */
import type { Logger } from '../log.js';
import { sha256 } from '../sha256.js';
import { retryDelayMs } from './backoff.js';
import { buildBatch, hasStreamWork } from './file-stream-batch.js';
import { CREATE_RUN_FILES, UPSERT_BUCKET, UPSERT_BUCKET_VARIABLES, type CreateRunFilesData, type UpsertBucketData } from './graphql-documents.js';
import { endOfRunFiles, fromFilesTable, metadataFile, notYetUploaded, wrappedConfigOf, type UploadItem } from './run-files.js';
import type { SyncSettings } from './sync-settings.js';
import type { FileRetry, StreamAck, SyncRow, SyncStore } from './sync-store.js';
import { SyncError, WandbHttp } from './wandb-http.js';

/** What a run syncer needs from the syncer. */
export interface RunSyncerDeps {
  store: SyncStore;
  settings: SyncSettings;
  log: Logger;
  /** Aborted when the daemon stops: in-flight requests are abandoned and resent next start. */
  signal: AbortSignal;
}

/** Upload rounds list at most this many files in one CreateRunFiles. */
const MAX_FILES_PER_ROUND = 100;

/** The uploads of a turn: those due now, and how long until the first one backing off is due. */
interface UploadPlan {
  due: UploadItem[];
  /** Failed attempts so far of each due file in its current version. */
  attempts: Map<string, number>;
  /** Whether the list is the run's end-of-run upload (the produced files and every pending one). */
  endOfRun: boolean;
  /** Ms until the first file backing off may be tried again; Infinity when none is. */
  waitMs: number;
}

/**
 * The run's wrapped config as one turn reads it (its stored config, definitions and charts, parsed
 * once): the object (`config.yaml`), its JSON (UpsertBucket's `config`) and the JSON's hash.
 */
interface TurnConfig {
  wrapped: Record<string, unknown>;
  json: string;
  hash: string;
}

/** Where to PUT each file of a round, and the headers the server asked for. */
interface UploadTargets {
  urls: Map<string, string | null>;
  headers: Record<string, string>;
}

/** A run's sync: one turn at a time (the syncer never runs two turns of one run at once). */
export class RunSyncer {
  /** Epoch ms before which the next turn has nothing to do. */
  nextAt = 0;
  private lastStreamAt = 0;
  private backlogged = false;
  private readonly dirtySince: { config: number | null; params: number | null } = { config: null, params: null };
  /** Set by an upload round that left a file retrying: the next turn serves file_stream first. */
  private yieldToStream = false;
  /** The turn in flight: its sync generation, and what aborts its request. */
  private current: { epoch: number; controller: AbortController } | null = null;

  constructor(
    readonly pk: number,
    private readonly deps: RunSyncerDeps,
  ) {}

  /** Runs one turn; never throws. */
  async turn(): Promise<void> {
    const row = this.deps.store.load(this.pk);
    if (!row || row.fatal_error !== null || row.done) return;
    if (row.next_attempt_at !== null && row.next_attempt_at * 1000 > Date.now()) {
      this.nextAt = row.next_attempt_at * 1000;
      return;
    }
    const controller = new AbortController();
    this.current = { epoch: row.sync_epoch, controller };
    const signal = AbortSignal.any([this.deps.signal, controller.signal]);
    const http = new WandbHttp({ baseUrl: row.base_url, apiKey: row.api_key }, this.deps.settings.requestTimeoutMs, signal);
    try {
      this.nextAt = Date.now() + (await this.step(row, http));
    } catch (error) {
      this.onError(row, error);
    } finally {
      this.current = null;
    }
    // Reset while this turn ran: what it learnt is void, the next turn starts the new generation now.
    if (!this.deps.signal.aborted && this.deps.store.epochOf(this.pk) !== row.sync_epoch) this.nextAt = 0;
  }

  /**
   * Abandons the request in flight when the run's sync was reset since its turn began (its answer
   * would be dropped anyway), so that the new generation does not wait for it.
   */
  abandonIfStale(epoch: number): void {
    if (this.current && this.current.epoch !== epoch) this.current.controller.abort();
    this.nextAt = 0;
  }

  private async step(row: SyncRow, http: WandbHttp): Promise<number> {
    const config = turnConfig(row, this.deps.store);
    if (!row.upserted) return this.upsert(row, http, 'full', config);
    const partial = this.partialDue(row, config);
    if (partial.due) return this.upsert(row, http, partial.due, config);
    const uploads = this.uploadsDue(row, config);
    const uploadNow = uploads.due.length > 0 || (uploads.endOfRun && uploads.waitMs === Infinity);
    // After a round that left a file retrying, lines and heartbeats go first: a file that keeps
    // failing must not hold back the run's file_stream (the server would take the run for crashed).
    const deferred = uploadNow && this.yieldToStream;
    this.yieldToStream = false;
    if (uploadNow && !deferred) return this.upload(row, http, uploads);
    const wait = Math.min(partial.wait, uploads.waitMs, deferred ? 0 : Infinity);
    if (hasStreamWork(row, this.deps.store)) return Math.min(wait, await this.stream(row, http));
    if (row.state === 'running') return Math.min(wait, await this.heartbeat(row, http));
    if (uploadNow) return this.upload(row, http, uploads);
    // The end waits for files that are retrying: `complete` tells the server every file is in.
    if (uploads.waitMs < Infinity) return wait;
    if (row.state === 'crashed') return this.finishCrashed(row);
    return this.complete(row, http);
  }

  /**
   * Which partial UpsertBucket is due, or how long until one is (Infinity when nothing changed). A
   * change is due once it is `debounceMs` old, or at once when the run has ended.
   */
  private partialDue(row: SyncRow, config: TurnConfig): { due: 'config' | 'params' | null; wait: number } {
    const now = Date.now();
    const waitFor = (kind: 'config' | 'params', changed: boolean): number => {
      if (!changed) {
        this.dirtySince[kind] = null;
        return Infinity;
      }
      this.dirtySince[kind] ??= now;
      return row.state !== 'running' ? 0 : Math.max(0, this.dirtySince[kind] + this.deps.settings.debounceMs - now);
    };
    const configWait = waitFor('config', config.hash !== row.config_hash);
    const paramsWait = waitFor('params', paramsHash(row) !== row.params_hash);
    const due = configWait === 0 ? 'config' : paramsWait === 0 ? 'params' : null;
    return { due, wait: Math.min(configWait, paramsWait) };
  }

  /** UpsertBucket: `full` sends every field; the partial kinds send only theirs (the rest null). */
  private async upsert(row: SyncRow, http: WandbHttp, kind: 'full' | 'config' | 'params', config: TurnConfig): Promise<number> {
    const variables = upsertVariables(row, config.json, kind);
    // Hashed before the await: what was sent, not what the store holds when the answer arrives.
    const hashes = {
      configHash: kind !== 'params' ? config.hash : null,
      paramsHash: kind !== 'config' ? paramsHash(row) : null,
    };
    const data = await http.graphql<UpsertBucketData>('UpsertBucket', UPSERT_BUCKET, variables);
    const bucket = data.upsertBucket?.bucket;
    const project = bucket?.project?.name ?? row.server_project ?? row.project;
    const entity = bucket?.project?.entity?.name ?? row.server_entity ?? row.entity;
    if (!bucket?.id || !entity) throw new SyncError('fatal', `UpsertBucket from ${new URL(row.base_url).origin} returned no bucket id or entity`);
    if (kind === 'full') this.refuseForeignRun(row, data);
    this.deps.signal.throwIfAborted();
    if (!this.deps.store.upserted(row.pk, row.sync_epoch, { bucketId: bucket.id, entity, project }, hashes)) return 0;
    if (kind === 'full') this.deps.log.info({ run: row.pk, runId: row.run_id, server: new URL(row.base_url).origin, entity, project }, 'sync: run upserted');
    return 0;
  }

  /**
   * A run this remote never acknowledged (no bucket id, not continued from the server, nothing sent)
   * that the server already holds with history: another run with the same id (the server was not asked
   * at start, or could not be). Sending over it would overwrite its lines from 0, so the sync stops.
   */
  private refuseForeignRun(row: SyncRow, data: UpsertBucketData): void {
    if (row.bucket_id !== null || row.wm_history > 0 || row.wm_events > 0 || row.wm_output > 0) return;
    const lines = data.upsertBucket?.bucket?.historyLineCount ?? 0;
    if (data.upsertBucket?.inserted !== false || !(lines > 0)) return;
    throw new SyncError('fatal', `run ${row.run_id} already exists on ${new URL(row.base_url).origin} with ${lines} history lines; resume it (init({ id, resume: 'allow' })) or use another id`);
  }

  /** The uploads due now, and how long until the next file backing off is due. */
  private uploadsDue(row: SyncRow, config: TurnConfig): UploadPlan {
    const { store } = this.deps;
    const terminal = row.state !== 'running';
    const pending = store.pendingFiles(row.pk, terminal).map((file) => fromFilesTable(file, store));
    const endOfRun = terminal && row.end_files_at !== row.updated_at;
    const metadata = store.uploadedVersion(row.pk, 'wandb-metadata.json') === undefined ? [metadataFile(row)] : [];
    const items = endOfRun ? [...notYetUploaded(row.pk, endOfRunFiles(row, store, config.wrapped), store), ...pending] : [...metadata, ...pending];
    return { ...partitionByRetry(items, store.fileRetries(row.pk)), endOfRun };
  }

  /**
   * One upload round: CreateRunFiles for the due names, then a PUT per file, each file's outcome
   * recorded on its own. The end-of-run upload is marked done once no file of it is left retrying.
   */
  private async upload(row: SyncRow, http: WandbHttp, plan: UploadPlan): Promise<number> {
    const { store } = this.deps;
    const items = plan.due.slice(0, MAX_FILES_PER_ROUND);
    let settled = true;
    if (items.length > 0) {
      const { entity, project } = serverNames(row);
      const data = await http.graphql<CreateRunFilesData>('CreateRunFiles', CREATE_RUN_FILES, { entity, project, run: row.run_id, files: items.map((i) => i.path) });
      const targets = uploadTargets(data, items.map((i) => i.path), new URL(row.base_url).origin);
      for (const item of items) {
        this.deps.signal.throwIfAborted();
        if (!(await this.put(row, http, item, targets, plan.attempts.get(item.path) ?? 0))) settled = false;
      }
    }
    this.deps.signal.throwIfAborted();
    this.yieldToStream = !settled;
    if (plan.endOfRun && settled && plan.waitMs === Infinity && plan.due.length <= MAX_FILES_PER_ROUND) store.endFilesUploaded(row.pk, row.sync_epoch, row.updated_at);
    store.succeeded(row.pk, row.sync_epoch);
    return 0;
  }

  /** PUTs one file; false when it is left to retry. */
  private async put(row: SyncRow, http: WandbHttp, item: UploadItem, targets: UploadTargets, attempts: number): Promise<boolean> {
    const { store, log } = this.deps;
    const url = targets.urls.get(item.path);
    // An explicit null URL: the server already holds this content. No PUT, so not listed in `uploaded`.
    if (url === null || url === undefined) {
      store.fileUploaded(row.pk, row.sync_epoch, item.path, item.version, false);
      return true;
    }
    try {
      const body = await item.open();
      if (body === null) {
        this.deps.signal.throwIfAborted();
        log.warn({ run: row.pk, path: item.path }, 'sync: file to upload no longer exists; skipped');
        store.fileUploaded(row.pk, row.sync_epoch, item.path, item.version, false);
        return true;
      }
      try {
        await http.put(url, body, targets.headers);
      } finally {
        await body.close();
      }
    } catch (error) {
      return this.onFileError(row, item, attempts, error);
    }
    this.deps.signal.throwIfAborted();
    store.fileUploaded(row.pk, row.sync_epoch, item.path, item.version);
    return true;
  }

  /** A file's upload failed: failed for good on a fatal answer, else retried with its own backoff. */
  private onFileError(row: SyncRow, item: UploadItem, attempts: number, error: unknown): boolean {
    const { store, settings, log } = this.deps;
    if (!(error instanceof SyncError) || error.kind === 'aborted') throw error;
    if (error.kind === 'fatal') {
      store.fileFailed(row.pk, row.sync_epoch, item, error.message, null);
      log.warn({ run: row.pk, runId: row.run_id, path: item.path, reason: error.message }, 'sync: file upload refused; the run completes without it');
      return true;
    }
    const attempt = attempts + 1;
    const delay = retryDelayMs(attempt, error.retryAfterMs, settings.backoffMinMs, settings.backoffMaxMs);
    store.fileFailed(row.pk, row.sync_epoch, item, error.message, (Date.now() + delay) / 1000);
    const level = attempt === 1 || attempt % 10 === 0 ? 'warn' : 'debug';
    log[level]({ run: row.pk, runId: row.run_id, path: item.path, attempt, retryInMs: delay, reason: error.message }, 'sync: file upload failed; will retry');
    return false;
  }

  /** One file_stream request of lines/summary/uploaded, paced at `intervalMs` unless backlogged. */
  private async stream(row: SyncRow, http: WandbHttp): Promise<number> {
    // Pacing applies to a caught-up run; a backlog (the last batch hit its bounds) goes out back to back.
    // An ended run has all its data: nothing to gain by waiting either.
    const wait = this.lastStreamAt + this.deps.settings.intervalMs - Date.now();
    if (wait > 0 && !this.backlogged && row.state === 'running') return wait;
    const batch = buildBatch(row, this.deps.store, this.deps.settings);
    await this.post(row, http, batch.body, batch.ack);
    this.lastStreamAt = Date.now();
    this.backlogged = batch.more;
    return batch.more || row.state !== 'running' ? 0 : this.deps.settings.intervalMs;
  }

  private async post(row: SyncRow, http: WandbHttp, body: Record<string, unknown>, ack: StreamAck): Promise<boolean> {
    const { entity, project } = serverNames(row);
    const reply = await http.fileStream(entity, project, row.run_id, JSON.stringify(body));
    this.deps.signal.throwIfAborted();
    ack.stopRequested = reply.stopped === true;
    if (!this.deps.store.acknowledge(row.pk, row.sync_epoch, ack)) return false;
    if (ack.stopRequested && !row.stop_requested) this.deps.log.warn({ run: row.pk, runId: row.run_id }, 'sync: the server asked to stop this run');
    return true;
  }

  /** The final request of a finished or failed run whose data is all delivered. */
  private async complete(row: SyncRow, http: WandbHttp): Promise<number> {
    if (!row.complete_sent) {
      const exitcode = row.exit_code ?? (row.state === 'finished' ? 0 : 1);
      if (!(await this.post(row, http, { complete: true, exitcode }, { uploaded: [], complete: true, stopRequested: false }))) return 0;
    }
    if (this.deps.store.markDone(row.pk, row.sync_epoch)) this.deps.log.info({ run: row.pk, runId: row.run_id, state: row.state }, 'sync: run fully delivered');
    return this.deps.settings.intervalMs;
  }

  private finishCrashed(row: SyncRow): number {
    if (this.deps.store.markDone(row.pk, row.sync_epoch)) this.deps.log.info({ run: row.pk, runId: row.run_id }, 'sync: crashed run fully delivered (no complete sent)');
    return this.deps.settings.intervalMs;
  }

  /** `{}` every `heartbeatMs` while a run runs with nothing to send; else wait for data. */
  private async heartbeat(row: SyncRow, http: WandbHttp): Promise<number> {
    const { heartbeatMs, intervalMs } = this.deps.settings;
    const due = (row.last_sent_at ?? 0) * 1000 + heartbeatMs - Date.now();
    if (due > 0) return Math.min(due, intervalMs);
    await this.post(row, http, {}, { uploaded: [], complete: false, stopRequested: false });
    return intervalMs;
  }

  private onError(row: SyncRow, error: unknown): void {
    const { store, settings, log, signal } = this.deps;
    if (signal.aborted || (error instanceof SyncError && error.kind === 'aborted')) return;
    const failure = error instanceof SyncError ? error : new SyncError('retry', `internal error: ${(error as Error).message}`);
    if (!(error instanceof SyncError)) log.error({ err: error, run: row.pk }, 'sync: unexpected error');
    if (failure.kind === 'fatal') {
      if (store.fatal(row.pk, row.sync_epoch, failure.message)) log.warn({ run: row.pk, runId: row.run_id, reason: failure.message }, 'sync: stopped for this run (fatal server answer); its data stays local');
      return;
    }
    const attempt = row.attempts + 1;
    const delay = retryDelayMs(attempt, failure.retryAfterMs, settings.backoffMinMs, settings.backoffMaxMs);
    if (!store.failed(row.pk, row.sync_epoch, failure.message, (Date.now() + delay) / 1000)) return;
    this.nextAt = Date.now() + delay;
    const level = attempt === 1 || attempt % 10 === 0 ? 'warn' : 'debug';
    log[level]({ run: row.pk, runId: row.run_id, attempt, retryInMs: delay, reason: failure.message }, 'sync: request failed; will retry');
  }
}

/**
 * Splits a list of uploads by their retry state: a file failed for good in this version is left out,
 * one backing off waits (its time counted in `waitMs`), every other one is due.
 */
function partitionByRetry(items: UploadItem[], retries: ReadonlyMap<string, FileRetry>): Omit<UploadPlan, 'endOfRun'> {
  const now = Date.now();
  const due: UploadItem[] = [];
  const attempts = new Map<string, number>();
  let waitMs = Infinity;
  for (const item of items) {
    const retry = retries.get(item.path);
    if (retry && retry.version === item.version) {
      if (retry.failed) continue;
      const at = (retry.next_attempt_at ?? 0) * 1000;
      if (at > now) {
        waitMs = Math.min(waitMs, at - now);
        continue;
      }
      attempts.set(item.path, retry.attempts);
    }
    due.push(item);
  }
  return { due, attempts, waitMs };
}

/**
 * The PUT URL of each requested file and the upload headers, from a CreateRunFiles answer. As in
 * wandb-core, an answer without one entry per requested name is an error (retried): a file must never
 * be reported uploaded when no PUT happened. An entry whose URL is null means "no upload needed".
 */
function uploadTargets(data: CreateRunFilesData, paths: readonly string[], origin: string): UploadTargets {
  const answer = data.createRunFiles;
  if (!answer || !Array.isArray(answer.files)) throw new SyncError('retry', `CreateRunFiles from ${origin} returned no files`);
  const urls = new Map(answer.files.map((f) => [f.name, f.uploadUrl ?? null]));
  const missing = paths.filter((path) => !urls.has(path));
  if (answer.files.length !== paths.length || missing.length > 0) {
    throw new SyncError('retry', `CreateRunFiles from ${origin} returned ${answer.files.length} files for ${paths.length} requested${missing.length > 0 ? ` (none for ${missing.slice(0, 3).join(', ')})` : ''}`);
  }
  return { urls, headers: parseUploadHeaders(answer.uploadHeaders ?? []) };
}

/**
 * `CreateRunFiles.uploadHeaders` ("Name:Value" strings, as wandb-core reads them) as a header map with
 * lower-case names, so that they replace the defaults (content-type) rather than duplicate them.
 */
function parseUploadHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === 'content-length' || name === 'host') continue;
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** The entity and project the server answered (used in URLs), else the run's own. */
function serverNames(row: SyncRow): { entity: string; project: string } {
  return { entity: row.server_entity ?? row.entity ?? '', project: row.server_project ?? row.project };
}

/** The run's wrapped config for one turn, read and serialised once. */
function turnConfig(row: SyncRow, store: SyncStore): TurnConfig {
  const wrapped = wrappedConfigOf(row, store);
  const json = JSON.stringify(wrapped);
  return { wrapped, json, hash: sha256(json) };
}

/** Hash of the fields a params UpsertBucket sends. */
export function paramsHash(row: SyncRow): string {
  return sha256(JSON.stringify([row.name, row.group_name, row.job_type, row.tags, row.notes]));
}

/** UpsertBucket variables: every one present, unset (or not part of a partial update) as null. */
function upsertVariables(row: SyncRow, configJson: string, kind: 'full' | 'config' | 'params'): Record<string, unknown> {
  const vars: Record<string, unknown> = Object.fromEntries(UPSERT_BUCKET_VARIABLES.map((name) => [name, null]));
  const names = row.server_entity ? serverNames(row) : { entity: row.entity, project: row.project };
  Object.assign(vars, { id: row.bucket_id, name: row.run_id, project: names.project, entity: names.entity });
  if (kind !== 'params') vars.config = configJson;
  if (kind !== 'config') {
    Object.assign(vars, { displayName: row.name, groupName: row.group_name, jobType: row.job_type, tags: JSON.parse(row.tags) as string[], notes: row.notes });
  }
  if (kind === 'full') Object.assign(vars, { host: row.host, program: row.program });
  return vars;
}
