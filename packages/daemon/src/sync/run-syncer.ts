/**
 * The sync state machine of one run. Each turn sends at most one request (an upload round counts as
 * one: CreateRunFiles, then its PUTs one at a time), chosen in this order:
 *
 *   1. full UpsertBucket, once per attachment (creates the run; the server answers its names)
 *   2. partial UpsertBucket: config-only, or name/tags/notes, once a change is `debounceMs` old
 *   3. uploads: `wandb-metadata.json` first; `files` entries with policy now/live when they appear or
 *      change; at the end of the run the produced files and `end` entries
 *   4. file_stream: lines from the watermarks, the summary when changed, the `uploaded` list;
 *      at most every `intervalMs` unless a bounded batch left more behind
 *   5. finished/failed and everything delivered: `{"complete": true, "exitcode"}`, then done;
 *      crashed and everything delivered: done without `complete` (the server sees the heartbeats stop)
 *   6. running with nothing to send: a heartbeat `{}` every `heartbeatMs`
 *
 * Retryable failures back off (full jitter, Retry-After honoured) with the time stored, so a restart
 * keeps waiting; fatal ones stop this run's sync with the reason stored. Watermarks move only after a
 * 2xx answer, in one small transaction; a resent chunk is an idempotent upsert on the server.
 */
import type { Logger } from '../log.js';
import { retryDelayMs } from './backoff.js';
import { buildBatch, hasStreamWork, sha256 } from './file-stream-batch.js';
import { CREATE_RUN_FILES, UPSERT_BUCKET, UPSERT_BUCKET_VARIABLES, type CreateRunFilesData, type UpsertBucketData } from './graphql-documents.js';
import { endOfRunFiles, fromFilesTable, metadataFile, notYetUploaded, wrappedConfigOf, type UploadItem } from './run-files.js';
import type { SyncSettings } from './sync-settings.js';
import type { SyncRow, SyncStore } from './sync-store.js';
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

/** A run's sync: one turn at a time (the syncer never runs two turns of one run at once). */
export class RunSyncer {
  /** Epoch ms before which the next turn has nothing to do. */
  nextAt = 0;
  private lastStreamAt = 0;
  private backlogged = false;
  private readonly dirtySince: { config: number | null; params: number | null } = { config: null, params: null };

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
    const http = new WandbHttp({ baseUrl: row.base_url, apiKey: row.api_key }, this.deps.settings.requestTimeoutMs, this.deps.signal);
    try {
      this.nextAt = Date.now() + (await this.step(row, http));
    } catch (error) {
      this.onError(row, error);
    }
  }

  private async step(row: SyncRow, http: WandbHttp): Promise<number> {
    if (!row.upserted) return this.upsert(row, http, 'full');
    const partial = this.partialDue(row);
    if (partial.due) return this.upsert(row, http, partial.due);
    const upload = this.uploadsDue(row);
    if (upload) return this.upload(row, http, upload.items, upload.endOfRun);
    if (hasStreamWork(row, this.deps.store)) return Math.min(partial.wait, await this.stream(row, http));
    if (row.state === 'crashed') return this.finishCrashed(row);
    if (row.state !== 'running') return this.complete(row, http);
    return Math.min(partial.wait, await this.heartbeat(row, http));
  }

  /**
   * Which partial UpsertBucket is due, or how long until one is (Infinity when nothing changed). A
   * change is due once it is `debounceMs` old, or at once when the run has ended.
   */
  private partialDue(row: SyncRow): { due: 'config' | 'params' | null; wait: number } {
    const now = Date.now();
    const waitFor = (kind: 'config' | 'params', changed: boolean): number => {
      if (!changed) {
        this.dirtySince[kind] = null;
        return Infinity;
      }
      this.dirtySince[kind] ??= now;
      return row.state !== 'running' ? 0 : Math.max(0, this.dirtySince[kind] + this.deps.settings.debounceMs - now);
    };
    const config = waitFor('config', configHash(row, this.deps.store) !== row.config_hash);
    const params = waitFor('params', paramsHash(row) !== row.params_hash);
    const due = config === 0 ? 'config' : params === 0 ? 'params' : null;
    return { due, wait: Math.min(config, params) };
  }

  /** UpsertBucket: `full` sends every field; the partial kinds send only theirs (the rest null). */
  private async upsert(row: SyncRow, http: WandbHttp, kind: 'full' | 'config' | 'params'): Promise<number> {
    const variables = upsertVariables(row, this.deps.store, kind);
    // Hashed before the await: what was sent, not what the store holds when the answer arrives.
    const hashes = {
      configHash: kind !== 'params' ? configHash(row, this.deps.store) : null,
      paramsHash: kind !== 'config' ? paramsHash(row) : null,
    };
    const data = await http.graphql<UpsertBucketData>('UpsertBucket', UPSERT_BUCKET, variables);
    const bucket = data.upsertBucket?.bucket;
    const project = bucket?.project?.name ?? row.server_project ?? row.project;
    const entity = bucket?.project?.entity?.name ?? row.server_entity ?? row.entity;
    if (!bucket?.id || !entity) throw new SyncError('fatal', `UpsertBucket from ${new URL(row.base_url).origin} returned no bucket id or entity`);
    this.deps.signal.throwIfAborted();
    this.deps.store.upserted(row.pk, { bucketId: bucket.id, entity, project }, hashes);
    if (kind === 'full') this.deps.log.info({ run: row.pk, runId: row.run_id, server: new URL(row.base_url).origin, entity, project }, 'sync: run upserted');
    return 0;
  }

  /** The uploads due now, if any. */
  private uploadsDue(row: SyncRow): { items: UploadItem[]; endOfRun: boolean } | null {
    const { store } = this.deps;
    const terminal = row.state !== 'running';
    const pending = store.pendingFiles(row.pk, terminal).map(fromFilesTable);
    if (terminal && row.end_files_at !== row.updated_at) {
      return { items: [...notYetUploaded(row.pk, endOfRunFiles(row, store), store), ...pending], endOfRun: true };
    }
    const metadata = store.uploadedVersion(row.pk, 'wandb-metadata.json') === undefined ? [metadataFile(row)] : [];
    const items = [...metadata, ...pending];
    return items.length > 0 ? { items, endOfRun: false } : null;
  }

  /** One upload round: CreateRunFiles for the names, then a PUT per file, each recorded when it succeeds. */
  private async upload(row: SyncRow, http: WandbHttp, all: UploadItem[], endOfRun: boolean): Promise<number> {
    const items = all.slice(0, MAX_FILES_PER_ROUND);
    if (items.length > 0) {
      const { entity, project } = serverNames(row);
      const data = await http.graphql<CreateRunFilesData>('CreateRunFiles', CREATE_RUN_FILES, { entity, project, run: row.run_id, files: items.map((i) => i.path) });
      const urls = new Map((data.createRunFiles?.files ?? []).map((f) => [f.name, f.uploadUrl]));
      for (const item of items) await this.put(row, http, item, urls.get(item.path));
    }
    this.deps.signal.throwIfAborted();
    if (endOfRun && all.length <= MAX_FILES_PER_ROUND) this.deps.store.endFilesUploaded(row.pk, row.updated_at);
    this.deps.store.succeeded(row.pk);
    return 0;
  }

  private async put(row: SyncRow, http: WandbHttp, item: UploadItem, url: string | null | undefined): Promise<void> {
    const bytes = item.read();
    if (bytes === null) {
      this.deps.log.warn({ run: row.pk, path: item.path }, 'sync: file to upload no longer exists; skipped');
      this.deps.store.fileUploaded(row.pk, item.path, item.version, true);
      return;
    }
    // No URL: the server already holds this content (W&B answers null for an unchanged file).
    if (url) await http.put(url, bytes);
    this.deps.signal.throwIfAborted();
    this.deps.store.fileUploaded(row.pk, item.path, item.version);
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

  private async post(row: SyncRow, http: WandbHttp, body: Record<string, unknown>, ack: Parameters<SyncStore['acknowledge']>[1]): Promise<void> {
    const { entity, project } = serverNames(row);
    const reply = await http.fileStream(entity, project, row.run_id, JSON.stringify(body));
    this.deps.signal.throwIfAborted();
    ack.stopRequested = reply.stopped === true;
    if (ack.stopRequested && !row.stop_requested) this.deps.log.warn({ run: row.pk, runId: row.run_id }, 'sync: the server asked to stop this run');
    this.deps.store.acknowledge(row.pk, ack);
  }

  /** The final request of a finished or failed run whose data is all delivered. */
  private async complete(row: SyncRow, http: WandbHttp): Promise<number> {
    if (!row.complete_sent) {
      const exitcode = row.exit_code ?? (row.state === 'finished' ? 0 : 1);
      await this.post(row, http, { complete: true, exitcode }, { uploaded: [], complete: true, stopRequested: false });
    }
    this.deps.store.markDone(row.pk);
    this.deps.log.info({ run: row.pk, runId: row.run_id, state: row.state }, 'sync: run fully delivered');
    return this.deps.settings.intervalMs;
  }

  private finishCrashed(row: SyncRow): number {
    this.deps.store.markDone(row.pk);
    this.deps.log.info({ run: row.pk, runId: row.run_id }, 'sync: crashed run fully delivered (no complete sent)');
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
      store.fatal(row.pk, failure.message);
      log.warn({ run: row.pk, runId: row.run_id, reason: failure.message }, 'sync: stopped for this run (fatal server answer); its data stays local');
      return;
    }
    const attempt = row.attempts + 1;
    const delay = retryDelayMs(attempt, failure.retryAfterMs, settings.backoffMinMs, settings.backoffMaxMs);
    store.failed(row.pk, failure.message, (Date.now() + delay) / 1000);
    this.nextAt = Date.now() + delay;
    const level = attempt === 1 || attempt % 10 === 0 ? 'warn' : 'debug';
    log[level]({ run: row.pk, runId: row.run_id, attempt, retryInMs: delay, reason: failure.message }, 'sync: request failed; will retry');
  }
}

/** The entity and project the server answered (used in URLs), else the run's own. */
function serverNames(row: SyncRow): { entity: string; project: string } {
  return { entity: row.server_entity ?? row.entity ?? '', project: row.server_project ?? row.project };
}

/** Hash of what a config-only UpsertBucket sends. */
export function configHash(row: SyncRow, store: SyncStore): string {
  return sha256(JSON.stringify(wrappedConfigOf(row, store)));
}

/** Hash of the fields a params UpsertBucket sends. */
export function paramsHash(row: SyncRow): string {
  return sha256(JSON.stringify([row.name, row.group_name, row.job_type, row.tags, row.notes]));
}

/** UpsertBucket variables: every one present, unset (or not part of a partial update) as null. */
export function upsertVariables(row: SyncRow, store: SyncStore, kind: 'full' | 'config' | 'params'): Record<string, unknown> {
  const vars: Record<string, unknown> = Object.fromEntries(UPSERT_BUCKET_VARIABLES.map((name) => [name, null]));
  const names = row.server_entity ? serverNames(row) : { entity: row.entity, project: row.project };
  Object.assign(vars, { id: row.bucket_id, name: row.run_id, project: names.project, entity: names.entity });
  if (kind !== 'params') vars.config = JSON.stringify(wrappedConfigOf(row, store));
  if (kind !== 'config') {
    Object.assign(vars, { displayName: row.name, groupName: row.group_name, jobType: row.job_type, tags: JSON.parse(row.tags) as string[], notes: row.notes });
  }
  if (kind === 'full') Object.assign(vars, { host: row.host, program: row.program });
  return vars;
}
