/**
 * Unit tests of the syncer's pure parts: backoff and Retry-After (src/sync/backoff.ts), output lines,
 * config wrapping and config.yaml (src/sync/wire-format.ts), resume tail parsing
 * (src/sync/resume-status.ts), error classification (src/sync/wandb-http.ts), settings
 * (src/sync/sync-settings.ts), and file_stream batch bounds (src/sync/file-stream-batch.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../src/store/migrations/index.js';
import { backoffCeilingMs, backoffDelayMs, parseRetryAfter, retryDelayMs } from '../src/sync/backoff.js';
import { sha256 } from '../src/sha256.js';
import { buildBatch } from '../src/sync/file-stream-batch.js';
import { lastRuntimeOf, lastStepOf } from '../src/sync/resume-status.js';
import { syncSettings } from '../src/sync/sync-settings.js';
import { SyncStore } from '../src/sync/sync-store.js';
import { isRetryableStatus } from '../src/sync/wandb-http.js';
import { configYaml, encodeMetricDefinitions, outputLine, unwrapConfig, utcMicros, wrapConfig } from '../src/sync/wire-format.js';

describe('backoff', () => {
  it('doubles its ceiling from min to max and draws in [min, ceiling]', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((a) => backoffCeilingMs(a, 2_000, 60_000)), [2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    assert.equal(backoffDelayMs(3, 2_000, 60_000, () => 0), 2_000);
    assert.equal(backoffDelayMs(3, 2_000, 60_000, () => 0.5), 5_000);
    assert.equal(backoffDelayMs(50, 2_000, 60_000, () => 0.999), 59_942);
  });

  it('honours Retry-After in seconds or as an HTTP date, and prefers it to backoff', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('7', now), 7_000);
    assert.equal(parseRetryAfter(' 1.5 ', now), 1_500);
    assert.equal(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Sun, 31 Dec 2023 00:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(null, now), null);
    assert.equal(retryDelayMs(1, 9_000, 2_000, 60_000), 9_000);
    assert.equal(retryDelayMs(1, 10 * 3600_000, 2_000, 60_000), 3600_000);
    assert.equal(retryDelayMs(2, null, 2_000, 60_000, () => 1), 4_000);
  });

  it('classifies statuses as W&B clients do', () => {
    for (const status of [400, 401, 403, 404, 409, 410, 413, 422, 501]) assert.equal(isRetryableStatus(status), false, String(status));
    for (const status of [429, 500, 502, 503, 504, 408]) assert.equal(isRetryableStatus(status), true, String(status));
  });
});

describe('settings', () => {
  it('reads the env knobs and refuses malformed ones', () => {
    const s = syncSettings({ WANDB_DAEMON_SYNC_BACKOFF_MIN_MS: '10', WANDB_DAEMON_SYNC_BACKOFF_MAX_MS: '5', WANDB_DAEMON_SYNC_MAX_LINES: '3' });
    assert.equal(s.backoffMinMs, 10);
    assert.equal(s.backoffMaxMs, 10);
    assert.equal(s.maxLines, 3);
    assert.equal(s.debounceMs, 5_000);
    assert.throws(() => syncSettings({ WANDB_DAEMON_SYNC_CONCURRENCY: '0' }), /WANDB_DAEMON_SYNC_CONCURRENCY/);
    assert.throws(() => syncSettings({ WANDB_DAEMON_SYNC_INTERVAL_MS: 'fast' }), /WANDB_DAEMON_SYNC_INTERVAL_MS/);
  });
});

describe('wire format', () => {
  it('formats output.log lines in UTC with microseconds, ERROR for stderr', () => {
    const ts = Date.parse('2024-03-05T07:08:09.123Z') / 1000 + 0.000456;
    assert.equal(utcMicros(ts), '2024-03-05T07:08:09.123456');
    assert.equal(outputLine('stdout', ts, 'epoch 1'), '2024-03-05T07:08:09.123456 epoch 1');
    assert.equal(outputLine('stderr', ts, 'oops'), 'ERROR 2024-03-05T07:08:09.123456 oops');
    assert.equal(utcMicros(0), '1970-01-01T00:00:00.000000');
  });

  it('wraps the config Python-style with _wandb telemetry and metric definitions', () => {
    const wrapped = wrapConfig({ lr: 0.01, model: { layers: 2 } }, [{ name: 'loss', stepMetric: 'epoch', summary: ['min', 'last'], goal: 'minimize' }, { name: 'train/*', hidden: true }], {});
    assert.deepEqual(wrapped, {
      lr: { value: 0.01 },
      model: { value: { layers: 2 } },
      _wandb: { value: { t: {}, m: [{ '1': 'loss', '5': 3, '6': [3], '7': [1, 5], '8': 1 }, { '2': 'train/*', '6': [2, 3] }, { '1': 'epoch' }] } },
    });
    assert.deepEqual(encodeMetricDefinitions([]), []);
  });

  it('unwraps a server config (wrapped, with desc, or plain) without _wandb', () => {
    assert.deepEqual(unwrapConfig({ lr: { value: 1 }, b: { desc: null, value: [1] }, _wandb: { value: {} } }), { lr: 1, b: [1] });
    assert.deepEqual(unwrapConfig({ lr: 1, nested: { value: 2 } }), { lr: 1, nested: { value: 2 } });
    assert.deepEqual(unwrapConfig(null), {});
  });

  it('writes config.yaml with wandb_version: 1 and {desc: null, value} per key', () => {
    const text = configYaml({ lr: { value: 0.5 }, _wandb: { value: { t: {}, m: [] } } });
    assert.match(text, /^wandb_version: 1\n/);
    assert.match(text, /\nlr:\n {2}desc: null\n {2}value: 0.5\n/);
    assert.match(text, /\n_wandb:\n {2}desc: null\n {2}value:\n/);
  });

  it('finds the last _step of a history tail (NaN tokens allowed)', () => {
    assert.equal(lastStepOf(JSON.stringify(['{"_step":4,"x":NaN}', '{"_step":5}'])), 5);
    assert.equal(lastStepOf('[]'), -1);
    assert.equal(lastStepOf(null), -1);
  });

  it('finds the last _runtime of a history tail, null when there is none', () => {
    assert.equal(lastRuntimeOf(JSON.stringify(['{"_step":4,"_runtime":12.5,"x":NaN}', '{"_step":5,"_runtime":13.25}'])), 13.25);
    assert.equal(lastRuntimeOf(JSON.stringify(['{"_step":4}', '{"_runtime":"soon"}', '{"_runtime":-1}'])), null);
    assert.equal(lastRuntimeOf('[]'), null);
    assert.equal(lastRuntimeOf(null), null);
  });
});

describe('file_stream batches', () => {
  function storeWith(history: number, consoleLines: number) {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db);
    db.prepare(`INSERT INTO runs (run_id, project, state, start_time, created_at, updated_at, mode, history_lines, console_lines, summary)
      VALUES ('r1', 'p', 'running', 0, 0, 0, 'online', ?, ?, '{"loss":NaN}')`).run(history, consoleLines);
    const insert = db.prepare('INSERT INTO history (run_pk, line_no, step, ts, line) VALUES (1, ?, ?, 0, ?)');
    for (let i = 0; i < history; i += 1) insert.run(i, i, `{"x":${i === 3 ? 'NaN' : i},"_step":${i}}`);
    const insertConsole = db.prepare("INSERT INTO console (run_pk, line_no, stream, ts, text) VALUES (1, ?, 'stdout', 0, ?)");
    for (let i = 0; i < consoleLines; i += 1) insertConsole.run(i, `line ${i}`);
    const store = new SyncStore(db);
    store.setRemote(1, { baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
    return { db, store };
  }

  it('sends lines from the watermarks, bounded in lines and bytes, and advances only on acknowledge', () => {
    const { db, store } = storeWith(25, 3);
    let batch = buildBatch(store.load(1)!, store, { maxLines: 10, maxBytes: 1 << 20 });
    const files = batch.body.files as Record<string, { offset: number; content: string[] }>;
    assert.equal(files['wandb-history.jsonl']!.offset, 0);
    assert.equal(files['wandb-history.jsonl']!.content.length, 10);
    assert.equal(files['wandb-history.jsonl']!.content[3], '{"x":NaN,"_step":3}');
    assert.deepEqual(files['wandb-summary.json'], { offset: 0, content: ['{"loss":NaN}'] });
    assert.deepEqual(files['output.log']!.content, ['1970-01-01T00:00:00.000000 line 0', '1970-01-01T00:00:00.000000 line 1', '1970-01-01T00:00:00.000000 line 2']);
    assert.equal(batch.more, true);
    // Not acknowledged: the same chunk again.
    assert.equal((buildBatch(store.load(1)!, store, { maxLines: 10, maxBytes: 1 << 20 }).body.files as typeof files)['wandb-history.jsonl']!.offset, 0);
    store.acknowledge(1, store.epochOf(1), batch.ack);
    batch = buildBatch(store.load(1)!, store, { maxLines: 10, maxBytes: 1 << 20 });
    const next = batch.body.files as typeof files;
    assert.equal(next['wandb-history.jsonl']!.offset, 10);
    assert.equal(next['wandb-summary.json'], undefined);
    assert.equal(next['output.log'], undefined);
    // A byte budget of one line's size sends one line per request (never zero).
    const tiny = buildBatch(store.load(1)!, store, { maxLines: 10, maxBytes: 5 });
    assert.equal((tiny.body.files as typeof files)['wandb-history.jsonl']!.content.length, 1);
    assert.equal(tiny.more, true);
    assert.equal(store.load(1)!.summary_hash, sha256('{"loss":NaN}'));
    db.close();
  });

  it('resets sync state when the remote changes and keeps it for the same remote', () => {
    const { db, store } = storeWith(5, 0);
    store.acknowledge(1, store.epochOf(1), { history: 5, uploaded: [], complete: false, stopRequested: false });
    store.setRemote(1, { baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
    assert.equal(store.load(1)!.wm_history, 5);
    store.setRemote(1, { baseUrl: 'http://127.0.0.1:2', apiKey: 'k' });
    assert.equal(store.load(1)!.wm_history, 0);
    store.setRemote(1, null);
    assert.equal(store.load(1), undefined);
    assert.equal(store.backlog(), 0);
    db.close();
  });
});
