/**
 * `pnpm bench`: durable ingest through the daemon, against a baseline measured in the same run.
 *
 * - ingest: rows/s from 1 and from 8 writer processes (3 scalars per row), from a shared start
 *   barrier until every writer has its durable `finish` reply;
 * - finish latency after 100,000 rows: from the finish request to its durable reply, once with the
 *   rows still queued (the daemon drains them first) and once after they were all acknowledged;
 * - baseline: the same rows (same W&B JSON lines, same schema and pragmas) inserted straight into
 *   better-sqlite3 in transactions of 1,000 rows, in one process, one INSERT per row; and, since the
 *   daemon itself inserts HISTORY_ROWS_PER_INSERT rows per statement, the same with that many, so
 *   that the ratio against that stronger baseline is printed too.
 * Figures are printed; nothing is asserted (these machines are noisy).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toWandbJson } from '@wandb-daemon/protocol';
import { openDatabase } from '../src/store/open-database.js';
import { HISTORY_ROWS_PER_INSERT } from '../src/store/record-writer.js';
import { runFromBarrier, spread, type WriterResult } from '../test-utils/barrier.js';
import { TempDaemon } from '../test-utils/temp-daemon.js';

const WRITER = fileURLToPath(new URL('../test-utils/writer-process.js', import.meta.url));
const SCALE = Number(process.env.BENCH_SCALE ?? 1);

/** Spawns `count` writers, releases them together, returns rows/s over the wall time. */
async function ingest(socket: string, count: number, rowsEach: number, tag: string): Promise<{ rowsPerSecond: number; results: WriterResult[] }> {
  const result = await runFromBarrier(Array.from({ length: count }, (_, i) => [WRITER, socket, `${tag}-${i}`, String(rowsEach), 'bench']));
  const rows = result.results.reduce((n, r) => n + r.rows, 0);
  if (rows !== count * rowsEach) throw new Error(`stored ${rows} rows, expected ${count * rowsEach}`);
  return result;
}

/** The same rows straight into better-sqlite3, batched, with the daemon's schema and pragmas. */
function baseline(rows: number, rowsPerInsert: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'wdb-base-'));
  try {
    const db = openDatabase(join(dir, 'base.sqlite'));
    const pk = Number(db.prepare("INSERT INTO runs (run_id, project, state, start_time, created_at, updated_at, mode) VALUES ('b', 'bench', 'running', 0, 0, 0, 'offline')").run().lastInsertRowid);
    const values = Array.from({ length: rowsPerInsert }, () => '(?, ?, ?, ?, ?)').join(', ');
    const insert = db.prepare(`INSERT INTO history (run_pk, line_no, step, ts, line) VALUES ${values}`);
    const batch = db.transaction((from: number, to: number) => {
      let params: unknown[] = [];
      for (let step = from; step < to; step += 1) {
        const ts = Date.now() / 1000;
        const line = toWandbJson({ m0: step * 0.001, m1: step * 0.001 + 1, m2: step * 0.001 + 2, _step: step, _runtime: 0, _timestamp: ts });
        params.push(pk, step, step, ts, line);
        if (params.length === 5 * rowsPerInsert) {
          insert.run(params);
          params = [];
        }
      }
    });
    const t0 = performance.now();
    // Batches of 1,000 rows, rounded to whole statements.
    const perBatch = Math.ceil(1000 / rowsPerInsert) * rowsPerInsert;
    for (let from = 0; from < rows; from += perBatch) batch(from, Math.min(rows, from + perBatch));
    const seconds = (performance.now() - t0) / 1000;
    db.close();
    return rows / seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Finish latency after 100,000 rows, queued and acknowledged, over `reps` runs each. */
async function finishLatency(daemon: TempDaemon, rows: number, reps: number): Promise<{ drainingMs: number[]; ackedMs: number[] }> {
  const measure = async (runId: string, waitForAcks: boolean) => {
    const client = await daemon.client();
    const { run } = await client.startRun({ runId });
    for (let step = 0; step < rows; step += 1) {
      client.log(run, step, { m0: step, m1: step + 1, m2: step + 2 });
      if (step % 4096 === 4095) await client.flush();
    }
    await client.flush();
    if (waitForAcks) await client.waitForAck(run, client.lastSeq(run));
    const t0 = performance.now();
    await client.finish(run);
    const ms = performance.now() - t0;
    await client.close();
    return ms;
  };
  const drainingMs: number[] = [];
  const ackedMs: number[] = [];
  for (let i = 0; i < reps; i += 1) {
    drainingMs.push(await measure(`finish-draining-${i}`, false));
    ackedMs.push(await measure(`finish-acked-${i}`, true));
  }
  return { drainingMs, ackedMs };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const daemon = new TempDaemon();
  try {
    const { socketPath } = await daemon.start();
    const rows = Math.round(400_000 * SCALE);
    const baseRate = baseline(rows, 1);
    const multiRate = baseline(rows, HISTORY_ROWS_PER_INSERT);
    const one = await ingest(socketPath, 1, Math.round(200_000 * SCALE), 'one');
    const eight = await ingest(socketPath, 8, Math.round(50_000 * SCALE), 'eight');
    const finish = await finishLatency(daemon, 100_000, 5);
    // Measured again at the end: the machine may have changed pace; the faster run counts.
    const base = Math.max(baseRate, baseline(rows, 1));
    const multi = Math.max(multiRate, baseline(rows, HISTORY_ROWS_PER_INSERT));
    const ratios = (rate: number) => `ratio ${(rate / base).toFixed(2)} (${(rate / multi).toFixed(2)} vs multi-row)`;
    console.log('durable ingest (3 scalars per row, client → socket → daemon → SQLite, until durable finish)');
    console.log(`  baseline: straight better-sqlite3, batches of 1,000   ${fmt(base)} rows/s`);
    console.log(`  baseline, ${HISTORY_ROWS_PER_INSERT} rows per INSERT (as the daemon does)  ${fmt(multi)} rows/s`);
    console.log(`  daemon, 1 writer process                            ${fmt(one.rowsPerSecond)} rows/s   ${ratios(one.rowsPerSecond)}`);
    console.log(`  daemon, 8 writer processes                          ${fmt(eight.rowsPerSecond)} rows/s   ${ratios(eight.rowsPerSecond)}`);
    console.log('finish latency after 100,000 rows (request → durable reply)');
    console.log(`  rows already acknowledged                           ${spread(finish.ackedMs)}`);
    console.log(`  rows still queued behind it (socket buffers full)   ${spread(finish.drainingMs)}`);
    console.log(`  each writer of the 8-process run (queue shared)     ${spread(eight.results.map((r) => r.finishMs))}`);
  } finally {
    await daemon.dispose();
  }
}

await main();
