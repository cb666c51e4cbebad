/**
 * System metrics sampled by a real daemon (in a temporary home, sampling every 0.2 s) for runs written
 * by real live processes: W&B's keys with sane values as events lines, one per run per sample, counted
 * in the run's row; nothing for a run that opted out, finished, or whose process exited, nor when the
 * daemon's sampling is off; and the lines reach the server as wandb-events.jsonl.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { FIRST_SAMPLE_MAX_DELAY_MS } from '../src/stats/stats-settings.js';
import { FakeWandbServer } from '../test-utils/fake-wandb-server.js';
import type { RawClient } from '../test-utils/raw-client.js';
import { API_KEY, FAST_SYNC_ENV, remoteOf } from '../test-utils/sync-env.js';
import { TempDaemon, waitFor } from '../test-utils/temp-daemon.js';

type EventLine = Record<string, number | boolean>;

/** Reads a daemon's events lines through a read-only connection (WAL: it sees every commit). */
class EventsReader {
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[string]>;
  private readonly counter: Database.Statement<[string]>;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.select = this.db.prepare('SELECT e.line FROM events e JOIN runs r ON r.pk = e.run_pk WHERE r.run_id = ? ORDER BY e.line_no');
    this.counter = this.db.prepare('SELECT event_lines AS n FROM runs WHERE run_id = ?');
  }

  lines(runId: string): EventLine[] {
    return (this.select.all(runId) as { line: string }[]).map((row) => JSON.parse(row.line) as EventLine);
  }

  /** The run row's `event_lines` counter (written back by the group commit). */
  counted(runId: string): number {
    return (this.counter.get(runId) as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}

/** A live process that keeps one core about half busy. */
function busyChild(): ChildProcess {
  const script = 'setInterval(() => { const end = Date.now() + 50; while (Date.now() < end); }, 100);';
  return spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
}

const inRange = (value: unknown, min: number, max: number): boolean => typeof value === 'number' && value >= min && value <= max;

describe('system metrics sampled by the daemon', () => {
  const fake = new FakeWandbServer(API_KEY);
  const daemon = new TempDaemon({ ...FAST_SYNC_ENV, WANDB_DAEMON_STATS_INTERVAL: '0.2', NETRC: '/nonexistent/netrc' });
  const children: ChildProcess[] = [];
  let events: EventsReader;
  let client: RawClient;
  before(async () => {
    await fake.listen();
    await daemon.start();
    events = new EventsReader(daemon.paths.database);
    client = await daemon.client();
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await client.close();
    events.close();
    await daemon.dispose();
    await fake.close();
  });

  /** Waits until `runId` has at least `n` events lines; returns them. */
  async function atLeast(runId: string, n: number): Promise<EventLine[]> {
    await waitFor(() => events.lines(runId).length >= n, 20_000, `${n} events lines of ${runId}`);
    return events.lines(runId);
  }

  it('writes W&B system metrics with sane values for a run of a live process', async () => {
    const child = busyChild();
    children.push(child);
    const { run } = await client.startRun({ runId: 'sampled', pid: child.pid! });
    await waitFor(() => events.lines('sampled').some((line) => (line['system.cpu'] as number) > 0), 20_000, 'a sample with CPU use');
    const lines = await atLeast('sampled', 3);
    const now = Date.now() / 1000;
    for (const line of lines) {
      assert.equal(line._wandb, true);
      assert.ok(inRange(line._timestamp, now - 60, now + 1), `_timestamp ${line._timestamp}`);
      assert.ok(inRange(line._runtime, 0, 60), `_runtime ${line._runtime}`);
      assert.ok(inRange(line['system.cpu'], 0, 100), `cpu ${line['system.cpu']}`);
      assert.ok(inRange(line['system.proc.memory.rssMB'], 1, 1e6), `rss ${line['system.proc.memory.rssMB']}`);
      assert.ok(inRange(line['system.proc.memory.percent'], Number.MIN_VALUE, 100));
      assert.ok(inRange(line['system.memory_percent'], 0, 100));
      assert.ok(inRange(line['system.proc.memory.availableMB'], Number.MIN_VALUE, 1e9));
      assert.ok(inRange(line['system.disk./.usagePercent'], 0, 100));
      assert.ok(inRange(line['system.disk./.usageGB'], 0, 1e9));
      assert.ok(inRange(line['system.cpu.0.cpu_percent'], 0, 100), `per core ${line['system.cpu.0.cpu_percent']}`);
      if (process.platform === 'linux') {
        assert.ok(inRange(line['system.proc.cpu.threads'], 1, 1e5));
        assert.ok(inRange(line['system.network.sent'], 0, Number.MAX_SAFE_INTEGER));
        assert.ok(inRange(line['system.network.recv'], 0, Number.MAX_SAFE_INTEGER));
        for (const key of Object.keys(line).filter((k) => /^system\.disk\.[^/]+\.(in|out)$/.test(k))) assert.ok(inRange(line[key], 0, 1e9), key);
      }
    }
    const runtimes = lines.map((line) => line._runtime as number);
    assert.deepEqual(runtimes, [...runtimes].sort((a, b) => a - b), '_runtime grows');
    const fin = await client.finish(run, 0);
    assert.equal(fin.state, 'finished');
    assert.equal(events.counted('sampled'), events.lines('sampled').length, 'the run row counts every line');
  });

  it('gives each run of one process its own lines, and none after the run finished', async () => {
    const clock = await client.startRun({ runId: 'clock' });
    const ending = await client.startRun({ runId: 'ending' });
    const [first] = await atLeast('ending', 2);
    const [shared] = await atLeast('clock', 2);
    assert.ok(first && shared && 'system.proc.memory.rssMB' in first && 'system.proc.memory.rssMB' in shared);
    await client.finish(ending.run, 0);
    const stored = events.lines('ending').length;
    assert.equal(events.counted('ending'), stored);
    // The other run of the same process is the clock: several more samples go by.
    await atLeast('clock', events.lines('clock').length + 5);
    assert.equal(events.lines('ending').length, stored, 'a finished run gets no more lines');
    await client.finish(clock.run, 0);
  });

  it('skips a run whose process exited', async () => {
    const child = busyChild();
    children.push(child);
    const clock = await client.startRun({ runId: 'clock-2' });
    const exits = await client.startRun({ runId: 'exits', pid: child.pid! });
    await atLeast('exits', 1);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const stored = events.lines('exits').length;
    await atLeast('clock-2', events.lines('clock-2').length + 5);
    // At most one sample read before the kill may commit after it.
    assert.ok(events.lines('exits').length <= stored + 1, `${events.lines('exits').length} lines, ${stored} at the exit`);
    await client.finish(exits.run, 1);
    await client.finish(clock.run, 0);
  });

  it('writes nothing for a run whose settings disable stats (xDisableStats or disableStats)', async () => {
    const optedOut = await client.startRun({ runId: 'x-disabled', settings: { xDisableStats: true } });
    const legacy = await client.startRun({ runId: 'disabled', settings: { disableStats: true } });
    const control = await client.startRun({ runId: 'control', settings: { xDisableStats: false } });
    await atLeast('control', 5);
    assert.equal(events.lines('x-disabled').length, 0);
    assert.equal(events.lines('disabled').length, 0);
    for (const { run } of [optedOut, legacy, control]) await client.finish(run, 0);
  });

  it('syncs the sampled lines to the server as wandb-events.jsonl', async () => {
    const { run } = await client.startRun({ runId: 'online-stats', mode: 'online' }, 'overwrite', remoteOf(fake));
    await waitFor(() => fake.lines('online-stats', 'wandb-events.jsonl').length >= 2, 20_000, 'events lines at the server');
    const line = JSON.parse(fake.lines('online-stats', 'wandb-events.jsonl')[0]!) as EventLine;
    assert.equal(line._wandb, true);
    assert.ok(inRange(line['system.proc.memory.rssMB'], 1, 1e6));
    await client.finish(run, 0);
    await waitFor(() => fake.run('online-stats')?.complete === true, 20_000, 'complete');
    assert.equal(fake.lines('online-stats', 'wandb-events.jsonl').length, events.lines('online-stats').length);
  });
});

describe('system metrics off daemon-wide (WANDB_DAEMON_STATS_INTERVAL=0)', () => {
  const daemon = new TempDaemon({ WANDB_DAEMON_STATS_INTERVAL: '0' });
  before(() => daemon.start());
  after(() => daemon.dispose());

  it('samples no run', async () => {
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'unsampled' });
    // Absence can only be shown by waiting: longer than any run's first sample could take.
    await sleep(FIRST_SAMPLE_MAX_DELAY_MS + 1_000);
    const reader = new EventsReader(daemon.paths.database);
    try {
      assert.equal(reader.lines('unsampled').length, 0);
    } finally {
      reader.close();
    }
    await client.finish(run, 0);
    await client.close();
  });
});
