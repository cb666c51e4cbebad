/**
 * Server ingest: history lines posted through file_stream, against a baseline measured in the same
 * run.
 *
 * - server: a server on loopback in a temp data dir; ROWS history lines of 10 scalar keys posted in
 *   chunks of CHUNK lines, one request in flight (as the Python client does), rows/s from the first
 *   request to the last reply. Each line is stored raw and as 10 per-key values.
 * - baseline: the same line texts inserted into a bare one-column SQLite table (same pragmas), in
 *   transactions of CHUNK rows, one INSERT per row.
 * - reads: a run of READ_STEPS steps (3 keys a line) written through the store directly (no HTTP,
 *   chunks of READ_CHUNK lines; its rows/s is printed too), then one key read over its whole range,
 *   as the store's columns (HistoryBlocks.series) and as row objects (historyByKeys), and as M4
 *   with M4_BUCKETS buckets: aligned over `_step` and aligned against x = `_runtime`
 *   (historySeries: the key paired with `_runtime` line by line from both keys' blocks); the first
 *   (cold) read and the median of READ_REPEAT warm ones.
 * - smoothed reads: the aligned M4 against `_step` and `_runtime` with smoothing SMOOTHING
 *   (historySeries: the EMA over every point up to the window's end, then M4 of it as well), over
 *   the whole range and over a zoomed window of the middle 10% of the steps, each printed beside
 *   the same read without smoothing.
 * - media reads: a run of READ_STEPS steps with a number and an image-file value every line and a
 *   histogram every HISTOGRAM_EVERY lines, written through the store (its rows/s printed); then the
 *   run's key types (historyKeyTypes, kept at ingest) and one key's values spread over the whole
 *   range and over the middle 10% (historyValues, VALUES_LIMIT values), first and median.
 * Figures are printed; nothing is asserted. BENCH_SCALE scales the row and step counts (the read run
 * is capped at 1,000,000 steps).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SeriesQuery } from '../src/store/history-series.js';
import { HistoryBlocks, MAX_STEP, MIN_STEP } from '../src/store/sqlite/history-blocks.js';
import { SqliteServerStore } from '../src/store/sqlite/sqlite-store.js';
import { startTempServer } from '../test-utils/temp-server.js';
import { WireClient } from '../test-utils/wire-client.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROWS = Math.max(1000, Math.round(200_000 * SCALE));
const CHUNK = 1000;
const KEYS = 10;
const READ_STEPS = Math.min(1_000_000, Math.max(10_000, Math.round(1_000_000 * SCALE)));
const READ_CHUNK = 10_000;
const M4_BUCKETS = 1000;
const READ_REPEAT = 5;
const SMOOTHING = 0.9;
const HISTOGRAM_EVERY = 1000;
const VALUES_LIMIT = 1000;

/** History line `step` as a Python client writes it. */
function line(step: number): string {
  const row: Record<string, number> = { _step: step, _runtime: step * 0.01, _timestamp: 1_700_000_000 + step * 0.01 };
  for (let k = 0; k < KEYS - 2; k += 1) row[`metric_${k}`] = Math.sin(step * 0.001 + k) * (k + 1);
  return JSON.stringify(row);
}

async function serverIngest(lines: string[]): Promise<number> {
  const server = await startTempServer();
  try {
    const client = new WireClient(server.url, server.adminKey);
    const t0 = performance.now();
    for (let offset = 0; offset < lines.length; offset += CHUNK) {
      const reply = await client.fileStream('admin/bench/run', { files: { 'wandb-history.jsonl': { offset, content: lines.slice(offset, offset + CHUNK) } } });
      if (reply.status !== 200) throw new Error(`file_stream answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const detail = await client.get('/api/v1/runs/admin/bench/run');
    if (detail.body.historyLineCount !== lines.length) throw new Error(`stored ${detail.body.historyLineCount} lines, expected ${lines.length}`);
    return lines.length / seconds;
  } finally {
    await server.close();
  }
}

function baseline(lines: string[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'wandb-server-base-'));
  try {
    const db = new Database(join(dir, 'base.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE lines (line TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO lines (line) VALUES (?)');
    const batch = db.transaction((from: number) => {
      for (let i = from; i < Math.min(lines.length, from + CHUNK); i += 1) insert.run(lines[i]);
    });
    const t0 = performance.now();
    for (let from = 0; from < lines.length; from += CHUNK) batch(from);
    const seconds = (performance.now() - t0) / 1000;
    db.close();
    return lines.length / seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Milliseconds of `fn`: the first call, and the median of `repeat` more. */
function timed(repeat: number, fn: () => number, expected: number): { first: number; median: number } {
  const once = () => {
    const t0 = performance.now();
    const n = fn();
    if (n !== expected) throw new Error(`read ${n} values, expected ${expected}`);
    return performance.now() - t0;
  };
  const first = once();
  const rest = Array.from({ length: repeat }, once).sort((a, b) => a - b);
  return { first, median: rest[Math.floor(repeat / 2)]! };
}

interface ReadFigures {
  ingest: number;
  columns: { first: number; median: number };
  full: { first: number; median: number };
  stepSeries: { first: number; median: number };
  runtimeSeries: { first: number; median: number };
  runtimePoints: number;
  smoothed: SmoothedFigures[];
}

/** One smoothed read and the same read unsmoothed. */
interface SmoothedFigures {
  label: string;
  plain: { first: number; median: number };
  smoothed: { first: number; median: number };
  smoothedPoints: number;
}

/** The aligned M4 read of `loss` against `x` in [min, max], with and without smoothing. */
function smoothedReads(store: SqliteServerStore, runId: number, label: string, query: SeriesQuery): SmoothedFigures {
  const expected = store.historySeries(runId, 'loss', query).rawCount;
  const plain = timed(READ_REPEAT, () => store.historySeries(runId, 'loss', query).rawCount, expected);
  let smoothedPoints = 0;
  const smoothed = timed(READ_REPEAT, () => {
    const result = store.historySeries(runId, 'loss', { ...query, smoothing: SMOOTHING });
    smoothedPoints = result.smoothed!.points.length;
    return result.rawCount;
  }, expected);
  return { label: `${label} (${expected.toLocaleString('en-US')} points in the window)`, plain, smoothed, smoothedPoints };
}

function reads(): ReadFigures {
  const dir = mkdtempSync(join(tmpdir(), 'wandb-server-read-'));
  const store = SqliteServerStore.open(join(dir, 'read.sqlite'));
  try {
    const viewer = store.createUser('bench');
    const run = store.ensureRun(viewer.defaultEntity, 'bench', 'long');
    const t0 = performance.now();
    for (let offset = 0; offset < READ_STEPS; offset += READ_CHUNK) {
      const content = Array.from({ length: Math.min(READ_CHUNK, READ_STEPS - offset) }, (_, k) => {
        const step = offset + k;
        return `{"_step":${step},"_runtime":${step * 0.01},"loss":${Math.exp(-step / 200_000) + 0.01 * Math.sin(step)}}`;
      });
      store.applyFileStream(run.id, { history: { offset, content } }, 1);
    }
    const ingest = READ_STEPS / ((performance.now() - t0) / 1000);
    const keyId = (store.db.prepare("SELECT id FROM history_keys WHERE name = 'loss'").get() as { id: number }).id;
    const blocks = new HistoryBlocks(store.db);
    const columns = timed(READ_REPEAT, () => blocks.series(run.id, keyId, MIN_STEP, MAX_STEP, READ_STEPS).length, READ_STEPS);
    const full = timed(READ_REPEAT, () => store.historyByKeys(run.id, ['loss'], { limit: READ_STEPS }).length, READ_STEPS);
    const stepSeries = timed(READ_REPEAT, () => store.historySeries(run.id, 'loss', { x: '_step', buckets: M4_BUCKETS, raw: 1000 }).rawCount, READ_STEPS);
    let runtimePoints = 0;
    const runtimeSeries = timed(READ_REPEAT, () => {
      const result = store.historySeries(run.id, 'loss', { x: '_runtime', buckets: M4_BUCKETS, raw: 1000 });
      runtimePoints = result.points.length;
      return result.rawCount;
    }, READ_STEPS);
    const zoom = { min: Math.round(READ_STEPS * 0.45), max: Math.round(READ_STEPS * 0.55) - 1 };
    const smoothed = [
      smoothedReads(store, run.id, 'against _step, whole range', { x: '_step', buckets: M4_BUCKETS, raw: 1000 }),
      smoothedReads(store, run.id, 'against _step, middle 10%', { x: '_step', ...zoom, buckets: M4_BUCKETS, raw: 1000 }),
      smoothedReads(store, run.id, 'against _runtime, whole range', { x: '_runtime', buckets: M4_BUCKETS, raw: 1000 }),
      smoothedReads(store, run.id, 'against _runtime, middle 10%', { x: '_runtime', min: zoom.min * 0.01, max: zoom.max * 0.01, buckets: M4_BUCKETS, raw: 1000 }),
    ];
    return { ingest, columns, full, stepSeries, runtimeSeries, runtimePoints, smoothed };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface MediaFigures {
  ingest: number;
  types: { first: number; median: number };
  values: { label: string; time: { first: number; median: number } }[];
}

/** A history line with an image every step and a histogram every HISTOGRAM_EVERY steps. */
function mediaLine(step: number): string {
  const image = `{"_type":"image-file","path":"media/images/val/samples_${step}_0123456789abcdef0123.png","sha256":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","size":12345,"format":"png","width":64,"height":64}`;
  const histogram = step % HISTOGRAM_EVERY === 0 ? `,"grads":{"_type":"histogram","values":[${Array.from({ length: 64 }, (_, i) => (i * step) % 97).join(',')}],"bins":[${Array.from({ length: 65 }, (_, i) => i / 64).join(',')}]}` : '';
  return `{"_step":${step},"_runtime":${step * 0.01},"loss":${Math.exp(-step / 200_000)},"val":{"samples":${image}}${histogram}}`;
}

function mediaReads(): MediaFigures {
  const dir = mkdtempSync(join(tmpdir(), 'wandb-server-media-'));
  const store = SqliteServerStore.open(join(dir, 'media.sqlite'));
  try {
    const viewer = store.createUser('bench');
    const run = store.ensureRun(viewer.defaultEntity, 'bench', 'media');
    const t0 = performance.now();
    for (let offset = 0; offset < READ_STEPS; offset += READ_CHUNK) {
      const content = Array.from({ length: Math.min(READ_CHUNK, READ_STEPS - offset) }, (_, k) => mediaLine(offset + k));
      store.applyFileStream(run.id, { history: { offset, content } }, 1);
    }
    const ingest = READ_STEPS / ((performance.now() - t0) / 1000);
    const types = timed(READ_REPEAT, () => store.historyKeyTypes(run.id).filter((k) => k.type !== 'number').length, 2);
    const zoom = { minStep: Math.round(READ_STEPS * 0.45), maxStep: Math.round(READ_STEPS * 0.55) - 1 };
    const values = [
      { label: 'val.samples (image-file), whole range', key: 'val.samples', query: {} },
      { label: 'val.samples (image-file), middle 10%', key: 'val.samples', query: zoom },
      { label: `grads (histogram every ${HISTOGRAM_EVERY}), whole range`, key: 'grads', query: {} },
      { label: 'loss (number), whole range', key: 'loss', query: {} },
    ].map(({ label, key, query }) => {
      const expected = Math.min(VALUES_LIMIT, store.historyValues(run.id, key, { ...query, limit: 0 }).total);
      return { label, time: timed(READ_REPEAT, () => store.historyValues(run.id, key, { ...query, limit: VALUES_LIMIT }).values.length, expected) };
    });
    return { ingest, types, values };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines = Array.from({ length: ROWS }, (_, step) => line(step));
const base = baseline(lines);
const server = await serverIngest(lines);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`server ingest: ${fmt(ROWS)} history lines × ${KEYS} keys, chunks of ${CHUNK}, one request in flight`);
console.log(`  server (file_stream → lines + per-key values): ${fmt(server)} rows/s`);
console.log(`  baseline (bare one-column SQLite table):        ${fmt(base)} rows/s`);
console.log(`  ratio server/baseline: ${(server / base).toFixed(3)} (${(base / server).toFixed(1)}× slower)`);
const read = reads();
const ms = (t: { first: number; median: number }) => `${t.first.toFixed(1)} ms first, ${t.median.toFixed(1)} ms median of ${READ_REPEAT}`;
console.log(`reads: one key of a ${fmt(READ_STEPS)}-step run (3 keys a line, written through the store at ${fmt(read.ingest)} rows/s)`);
console.log(`  full range as columns (HistoryBlocks.series):     ${ms(read.columns)}`);
console.log(`  full range as rows (historyByKeys, ${fmt(READ_STEPS)} rows): ${ms(read.full)}`);
console.log(`  M4 aligned against _step, ${M4_BUCKETS} buckets:      ${ms(read.stepSeries)}`);
console.log(`  M4 aligned against _runtime, ${M4_BUCKETS} buckets (${fmt(read.runtimePoints)} points): ${ms(read.runtimeSeries)}`);
console.log(`smoothed reads (EMA ${SMOOTHING} over every point up to the window's end), aligned M4, ${M4_BUCKETS} buckets:`);
for (const f of read.smoothed) {
  console.log(`  ${f.label}:`);
  console.log(`    unsmoothed: ${ms(f.plain)}`);
  console.log(`    smoothed (${fmt(f.smoothedPoints)} smoothed points): ${ms(f.smoothed)}`);
}
const media = mediaReads();
console.log(`media reads: a ${fmt(READ_STEPS)}-step run with an image every step (written through the store at ${fmt(media.ingest)} rows/s)`);
console.log(`  key types (historyKeyTypes):  ${ms(media.types)}`);
for (const v of media.values) console.log(`  ${VALUES_LIMIT} values of ${v.label}: ${ms(v.time)}`);
