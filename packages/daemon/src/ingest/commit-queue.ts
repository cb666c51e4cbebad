/**
 * Group commit. Records from every connection are queued as they are decoded and written together in
 * one transaction per turn of the event loop (setImmediate runs after the I/O callbacks that queued
 * them). Acknowledgements and `finish` replies go out only after that transaction committed, so a
 * client never drops from its replay buffer anything that is not on disk.
 */
import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import type { Finish, FinishReply, RecordMessage, WireError } from '@wandb-daemon/protocol';
import type { Logger } from '../log.js';
import type { ActiveRun } from '../store/active-run.js';
import type { RecordWriter } from '../store/record-writer.js';
import type { RunStore } from '../store/run-store.js';
import type { ConnectionHandle, RunRegistry } from './run-registry.js';

/** What the queue needs to answer a connection. */
export interface QueueConnection extends ConnectionHandle {
  sendAcks(acks: { run: number; seq: number }[]): void;
  sendNotice(error: WireError, about?: { run?: number; seq?: number }): void;
  reply(id: number, result: unknown): void;
  replyError(id: number, error: WireError): void;
}

/** One system metrics sample the daemon took for a run (`_runtime` is derived from the run's start when applied). */
export interface DaemonSample {
  run: number;
  /** Unix seconds. */
  ts: number;
  /** W&B metric names without the `system.` prefix. */
  metrics: Record<string, number>;
}

export type QueueEntry =
  | { kind: 'records'; conn: QueueConnection; records: RecordMessage[] }
  | { kind: 'finish'; conn: QueueConnection; request: Finish }
  | { kind: 'disconnect'; conn: QueueConnection }
  | { kind: 'samples'; samples: DaemonSample[] };

/** A history line just committed, for live subscribers. */
export interface CommittedHistory {
  run: number;
  runId: string;
  lineNo: number;
  step: number;
}

/** Records per transaction, at most (roughly: a queued batch is never split); the rest wait a turn. */
export const MAX_RECORDS_PER_COMMIT = 20_000;

interface BatchEffects {
  acks: Map<QueueConnection, Map<number, number>>;
  after: (() => void)[];
  touched: Set<ActiveRun>;
  history: CommittedHistory[];
  /** Runs finished or crashed in this batch: they stay in the registry until it commits. */
  ended: Set<number>;
}

export class CommitQueue extends EventEmitter<{ committed: [CommittedHistory[]] }> {
  private pending: QueueEntry[] = [];
  /** One transaction: every entry of the batch, then each touched run's row. */
  private readonly applyBatch: (batch: QueueEntry[], effects: BatchEffects) => void;
  private scheduled = false;

  constructor(
    private readonly db: Database.Database,
    private readonly runs: RunStore,
    private readonly writer: RecordWriter,
    private readonly registry: RunRegistry,
    private readonly log: Logger,
  ) {
    super();
    this.applyBatch = db.transaction((batch: QueueEntry[], effects: BatchEffects) => {
      for (const entry of batch) this.applyEntry(entry, effects);
      this.writer.flushPending();
      for (const run of effects.touched) this.runs.flush(run);
    });
  }

  push(entry: QueueEntry): void {
    this.pending.push(entry);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Commits everything queued now (used before run.start and at shutdown). */
  flush(): void {
    this.scheduled = false;
    while (this.pending.length > 0) {
      let end = 0;
      for (let records = 0; end < this.pending.length && records < MAX_RECORDS_PER_COMMIT; end += 1) {
        const entry = this.pending[end]!;
        records += entry.kind === 'records' ? entry.records.length : entry.kind === 'samples' ? entry.samples.length : 1;
      }
      const batch = end === this.pending.length ? this.pending : this.pending.slice(0, end);
      this.pending = batch === this.pending ? [] : this.pending.slice(end);
      this.commit(batch);
    }
  }

  private commit(batch: QueueEntry[]): void {
    const effects: BatchEffects = { acks: new Map(), after: [], touched: new Set(), history: [], ended: new Set() };
    const durable = batch.some((e) => e.kind === 'finish');
    try {
      // A finish reply promises durability even against power loss: fsync the WAL for that commit.
      if (durable) this.db.pragma('synchronous = FULL');
      this.applyBatch(batch, effects);
    } catch (error) {
      this.writer.discardPending();
      this.recover(batch, effects, error as Error);
      return;
    } finally {
      if (durable) this.db.pragma('synchronous = NORMAL');
    }
    this.announce(effects);
  }

  private applyEntry(entry: QueueEntry, effects: BatchEffects): void {
    if (entry.kind === 'records') this.applyRecords(entry.conn, entry.records, effects);
    else if (entry.kind === 'finish') this.applyFinish(entry.conn, entry.request, effects);
    else if (entry.kind === 'samples') this.applySamples(entry.samples, effects);
    else this.applyDisconnect(entry.conn, effects);
  }

  /**
   * The sampler's events lines, through the same writer and counters as records. A sample taken just
   * before its run finished (or its writer vanished) may be queued behind the finish: it is dropped,
   * so an ended run never gets another line.
   */
  private applySamples(samples: DaemonSample[], effects: BatchEffects): void {
    for (const sample of samples) {
      const run = this.registry.get(sample.run)?.active;
      if (!run || effects.ended.has(run.pk)) continue;
      this.writer.appendSystemLine(run, { ts: sample.ts, runtime: Math.max(0, sample.ts - run.startTime), metrics: sample.metrics });
      effects.touched.add(run);
    }
  }

  private applyRecords(conn: QueueConnection, records: RecordMessage[], effects: BatchEffects): void {
    let perRun = effects.acks.get(conn);
    if (!perRun) effects.acks.set(conn, (perRun = new Map()));
    const live = this.listenerCount('committed') > 0;
    let run: ActiveRun | undefined;
    for (const record of records) {
      // Consecutive records of one batch almost always belong to the same run.
      if (run?.pk !== record.run) run = this.attachedRun(conn, record, effects);
      if (!run) continue;
      const lineNo = run.historyLines;
      const outcome = this.writer.apply(run, record);
      effects.touched.add(run);
      perRun.set(run.pk, run.lastSeq);
      if (outcome.kind === 'dropped') {
        const reason = outcome.reason;
        effects.after.push(() => conn.sendNotice({ code: 'BAD_MESSAGE', message: reason }, record));
      } else if (live && outcome.kind === 'stored' && record.t === 'history') {
        effects.history.push({ run: run.pk, runId: run.runId, lineNo, step: record.step });
      }
    }
  }

  /** The run a record names, if this connection writes it; otherwise a notice and undefined. */
  private attachedRun(conn: QueueConnection, record: RecordMessage, effects: BatchEffects): ActiveRun | undefined {
    const attached = this.registry.get(record.run);
    if (attached && attached.owner === conn) return attached.active;
    effects.after.push(() => conn.sendNotice({ code: 'RUN_NOT_ATTACHED', message: `run ${record.run} is not attached to this connection; send run.start first` }, record));
    return undefined;
  }

  private applyFinish(conn: QueueConnection, request: Finish, effects: BatchEffects): void {
    const attached = this.registry.get(request.run);
    if (!attached || attached.owner !== conn) {
      // A finish replayed after a reconnect, for a run already finished: answer what is stored.
      const row = this.runs.get(request.run);
      if (row && row.state !== 'running' && row.last_seq >= request.seq) {
        const reply: FinishReply = { run: row.pk, state: row.state, exitCode: row.exit_code ?? request.exitCode, lastSeq: row.last_seq, rows: row.history_lines };
        effects.after.push(() => conn.reply(request.id, reply));
      } else {
        effects.after.push(() => conn.replyError(request.id, { code: 'RUN_NOT_ATTACHED', message: `run ${request.run} is not attached to this connection` }));
      }
      return;
    }
    const run = attached.active;
    run.lastSeq = Math.max(run.lastSeq, request.seq);
    this.runs.flush(run);
    effects.touched.delete(run);
    effects.ended.add(run.pk);
    const state = this.runs.finish(run.pk, request.exitCode);
    const reply: FinishReply = { run: run.pk, state, exitCode: request.exitCode, lastSeq: run.lastSeq, rows: run.historyLines };
    effects.after.push(() => {
      this.registry.detach(run.pk);
      conn.reply(request.id, reply);
    });
  }

  private applyDisconnect(conn: QueueConnection, effects: BatchEffects): void {
    for (const pk of conn.ownedRuns) {
      effects.ended.add(pk);
      const attached = this.registry.get(pk);
      if (attached) {
        this.runs.flush(attached.active);
        effects.touched.delete(attached.active);
      }
      if (this.runs.crash(pk)) this.log.warn({ run: pk }, 'client disconnected without finishing: run marked crashed');
    }
    const owned = [...conn.ownedRuns];
    effects.after.push(() => owned.forEach((pk) => this.registry.detach(pk)));
  }

  private announce(effects: BatchEffects): void {
    for (const [conn, perRun] of effects.acks) {
      if (!conn.closed) conn.sendAcks([...perRun].map(([run, seq]) => ({ run, seq })));
    }
    for (const action of effects.after) action();
    if (effects.history.length > 0) this.emit('committed', effects.history);
  }

  /**
   * The transaction rolled back: reload the touched runs from the database so memory matches disk,
   * and tell every sender. Nothing is acknowledged, so clients keep the records for replay.
   */
  private recover(batch: QueueEntry[], effects: BatchEffects, error: Error): void {
    this.log.error({ err: error, entries: batch.length }, 'group commit failed; batch rolled back');
    for (const run of effects.touched) this.registry.replaceState(run.pk, this.runs.load(run.pk));
    for (const entry of batch) {
      if (entry.kind === 'finish' && this.registry.get(entry.request.run)) this.registry.replaceState(entry.request.run, this.runs.load(entry.request.run));
      // Crash marking must still happen; try again once the disk may have recovered.
      if (entry.kind === 'disconnect') setTimeout(() => this.push(entry), 1_000).unref();
    }
    const wire: WireError = { code: 'STORE_FAILED', message: `the daemon could not write to its database: ${error.message}` };
    const notified = new Set<QueueConnection>();
    for (const entry of batch) {
      if (entry.kind === 'finish') entry.conn.replyError(entry.request.id, wire);
      else if (entry.kind === 'records' && !notified.has(entry.conn)) {
        notified.add(entry.conn);
        entry.conn.sendNotice(wire);
      }
    }
  }
}
