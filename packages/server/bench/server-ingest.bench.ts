/**
 * Server ingest: history lines posted through file_stream, against a baseline measured in the same
 * run.
 *
 * - server: a server on loopback in a temp data dir; ROWS history lines of 10 scalar keys posted in
 *   chunks of CHUNK lines, one request in flight (as the Python client does), rows/s from the first
 *   request to the last reply. Each line is stored raw and as 10 per-key values.
 * - baseline: the same line texts inserted into a bare one-column SQLite table (same pragmas), in
 *   transactions of CHUNK rows, one INSERT per row.
 * Figures are printed; nothing is asserted. BENCH_SCALE scales the row count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startTempServer } from '../test-utils/temp-server.js';
import { WireClient } from '../test-utils/wire-client.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROWS = Math.max(1000, Math.round(200_000 * SCALE));
const CHUNK = 1000;
const KEYS = 10;

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

const lines = Array.from({ length: ROWS }, (_, step) => line(step));
const base = baseline(lines);
const server = await serverIngest(lines);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`server ingest: ${fmt(ROWS)} history lines × ${KEYS} keys, chunks of ${CHUNK}, one request in flight`);
console.log(`  server (file_stream → lines + per-key values): ${fmt(server)} rows/s`);
console.log(`  baseline (bare one-column SQLite table):        ${fmt(base)} rows/s`);
console.log(`  ratio server/baseline: ${(server / base).toFixed(3)} (${(base / server).toFixed(1)}× slower)`);
