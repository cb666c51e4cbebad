/**
 * The group commit's failure path: a transaction that throws rolls back the whole batch, nothing of
 * it is acknowledged, senders hear STORE_FAILED, memory matches the disk again, and the next batch
 * (the client's replay) is stored exactly once. And the daemon's own system metrics samples: counted
 * with the run's lines, never stored for a run that ended earlier in the same batch.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RecordMessage, RunInfo, WireError } from '@wandb-daemon/protocol';
import { CommitQueue, type QueueConnection } from '../src/ingest/commit-queue.js';
import { RunRegistry } from '../src/ingest/run-registry.js';
import { createLogger } from '../src/log.js';
import { openDatabase } from '../src/store/open-database.js';
import { RecordWriter, type ApplyOutcome } from '../src/store/record-writer.js';
import { RunStore } from '../src/store/run-store.js';
import type { ActiveRun } from '../src/store/active-run.js';

/** A RecordWriter that throws while `failing` is set, as a full disk would mid-batch. */
class FlakyWriter extends RecordWriter {
  failing = false;
  override apply(run: ActiveRun, record: RecordMessage): ApplyOutcome {
    const outcome = super.apply(run, record);
    if (this.failing && record.seq === 3) throw new Error('SQLITE_FULL: database or disk is full');
    return outcome;
  }
}

function fakeConnection() {
  const seen = { acks: [] as { run: number; seq: number }[], notices: [] as WireError[], replies: [] as unknown[], errors: [] as WireError[] };
  const conn: QueueConnection = {
    id: 1,
    closed: false,
    ownedRuns: new Set(),
    sendAcks: (acks) => seen.acks.push(...acks),
    sendNotice: (error) => seen.notices.push(error),
    reply: (_id, result) => seen.replies.push(result),
    replyError: (_id, error) => seen.errors.push(error),
  };
  return { conn, seen };
}

const info: RunInfo = {
  runId: 'flaky', entity: null, project: 'p', name: null, group: null, jobType: null, tags: [], notes: null, config: {},
  host: null, program: null, pid: process.pid, mode: 'offline', settings: {}, startTime: 0,
};
const row = (seq: number): RecordMessage => ({ t: 'history', run: 1, seq, step: seq - 1, ts: 1, runtime: 0, data: { x: seq } });

describe('CommitQueue when a commit fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wdt-queue-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('rolls back the batch, acknowledges nothing, and stores the replay exactly once', () => {
    const db = openDatabase(join(dir, 'store.sqlite'));
    const runs = new RunStore(db);
    const writer = new FlakyWriter(db);
    const registry = new RunRegistry();
    const queue = new CommitQueue(db, runs, writer, registry, createLogger(join(dir, 'daemon.log')));
    const { conn, seen } = fakeConnection();
    const pk = runs.create(info);
    registry.attach(runs.load(pk), conn);

    queue.push({ kind: 'records', conn, records: [row(1), row(2)] });
    queue.flush();
    assert.deepEqual(seen.acks, [{ run: pk, seq: 2 }]);

    writer.failing = true;
    queue.push({ kind: 'records', conn, records: [row(3), row(4)] });
    queue.push({ kind: 'finish', conn, request: { t: 'finish', id: 7, run: pk, seq: 5, exitCode: 0 } });
    queue.flush();
    assert.deepEqual(seen.acks, [{ run: pk, seq: 2 }], 'nothing of the failed batch is acknowledged');
    assert.deepEqual(seen.notices.map((n) => n.code), ['STORE_FAILED']);
    assert.deepEqual(seen.errors.map((e) => e.code), ['STORE_FAILED']);
    assert.match(seen.notices[0]!.message, /disk is full/);
    const attached = registry.get(pk)!.active;
    assert.equal(attached.lastSeq, 2, 'memory was reloaded from the rolled-back database');
    assert.equal(attached.historyLines, 2);
    assert.equal(runs.get(pk)!.state, 'running');

    writer.failing = false;
    queue.push({ kind: 'records', conn, records: [row(1), row(2), row(3), row(4)] }); // the client replays all unacknowledged
    queue.push({ kind: 'finish', conn, request: { t: 'finish', id: 8, run: pk, seq: 5, exitCode: 0 } });
    queue.flush();
    assert.deepEqual(seen.acks.at(-1), { run: pk, seq: 4 });
    assert.deepEqual(seen.replies, [{ run: pk, state: 'finished', exitCode: 0, lastSeq: 5, rows: 4 }]);
    const steps = db.prepare('SELECT step FROM history WHERE run_pk = ? ORDER BY line_no').all(pk).map((r) => (r as { step: number }).step);
    assert.deepEqual(steps, [0, 1, 2, 3]);
    db.close();
  });
});

describe('CommitQueue with system metrics samples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wdt-queue-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stores a sample as an events line counted in the run, and drops one queued behind the run\'s finish', () => {
    const db = openDatabase(join(dir, 'store.sqlite'));
    const runs = new RunStore(db);
    const registry = new RunRegistry();
    const queue = new CommitQueue(db, runs, new RecordWriter(db), registry, createLogger(join(dir, 'daemon.log')));
    const { conn, seen } = fakeConnection();
    const pk = runs.create({ ...info, runId: 'sampled', startTime: 100 });
    registry.attach(runs.load(pk), conn);
    const sample = (ts: number) => ({ kind: 'samples' as const, samples: [{ run: pk, ts, metrics: { cpu: 12.5 } }] });

    queue.push(sample(102.5));
    queue.flush();
    assert.equal(runs.get(pk)!.event_lines, 1);
    assert.equal(registry.get(pk)!.active.lastSeq, 0, 'a sample has no seq');

    queue.push({ kind: 'finish', conn, request: { t: 'finish', id: 1, run: pk, seq: 1, exitCode: 0 } });
    queue.push(sample(103));
    queue.flush();
    assert.equal(seen.replies.length, 1);
    assert.equal(registry.get(pk), undefined);
    const lines = db.prepare('SELECT line FROM events WHERE run_pk = ? ORDER BY line_no').all(pk).map((r) => (r as { line: string }).line);
    assert.deepEqual(lines, ['{"_wandb":true,"_timestamp":102.5,"_runtime":2.5,"system.cpu":12.5}']);
    assert.equal(runs.get(pk)!.event_lines, 1);
    queue.push(sample(104)); // after the detach: no run to write to
    queue.flush();
    assert.equal(runs.get(pk)!.event_lines, 1);
    db.close();
  });
});
