/**
 * Sync throughput: rows/s from a client process, through the daemon, onto the server (loopback),
 * against a baseline measured in the same run.
 *
 * - sync: a user script logs ROWS rows of KEYS scalars online, as fast as it can; the clock runs from
 *   its first `log` to the moment the server reports all ROWS history lines. Also printed: when the
 *   script's `finish` resolved (the rows were durable locally) and how far the server was then.
 * - baseline: the same number of history lines, as the daemon writes them, posted straight to a fresh
 *   server through file_stream in chunks of CHUNK lines (the daemon's per-request bound), one request
 *   in flight: the fastest the server takes them without the daemon.
 * Figures are printed; nothing is asserted. BENCH_SCALE scales ROWS.
 */
import { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import { clientEnv, RestartableServer, UserScript } from '../test/stack.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROWS = Math.max(2000, Math.round(100_000 * SCALE));
const KEYS = 5;
const CHUNK = 10_000;

const SCRIPT = `
const rows = Number(process.env.ROWS);
const run = await wandb.init({ project: 'bench', id: 'sync-bench' });
console.log('start ' + Date.now());
for (let i = 0; i < rows; i++) {
  const row = {};
  for (let k = 0; k < ${KEYS}; k++) row['metric_' + k] = Math.sin(i * 0.001 + k);
  run.log(row);
}
await run.finish();
console.log('durable ' + Date.now());
`;

function line(step: number): string {
  const row: Record<string, number> = {};
  for (let k = 0; k < KEYS; k++) row[`metric_${k}`] = Math.sin(step * 0.001 + k);
  return JSON.stringify({ ...row, _step: step, _runtime: step * 1e-4, _timestamp: 1_800_000_000 + step * 1e-4 });
}

async function baseline(): Promise<number> {
  const server = new RestartableServer();
  await server.start();
  try {
    const auth = `Basic ${Buffer.from(`api:${server.adminKey}`).toString('base64')}`;
    const t0 = performance.now();
    for (let offset = 0; offset < ROWS; offset += CHUNK) {
      const content = Array.from({ length: Math.min(CHUNK, ROWS - offset) }, (_, i) => line(offset + i));
      const body = JSON.stringify({ files: { 'wandb-history.jsonl': { offset, content } } });
      const reply = await fetch(`${server.url}/files/admin/bench/direct/file_stream`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body });
      if (!reply.ok) throw new Error(`file_stream answered ${reply.status}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const run = await server.run('admin', 'bench', 'direct');
    if (run.historyLineCount !== ROWS) throw new Error(`server stored ${run.historyLineCount} lines, expected ${ROWS}`);
    return ROWS / seconds;
  } finally {
    await server.stop();
  }
}

async function sync(): Promise<{ rowsPerSecond: number; durableAfterMs: number; serverRowsAtDurable: number; totalMs: number }> {
  const server = new RestartableServer();
  await server.start();
  const daemon = new TempDaemon({ WANDB_DAEMON_IDLE_TIMEOUT: '60' });
  try {
    await daemon.start();
    const script = new UserScript(SCRIPT, clientEnv(daemon, server, server.adminKey, { ROWS: String(ROWS) }));
    let stored = 0;
    let serverRowsAtDurable = -1;
    const deadline = Date.now() + 600_000;
    while (stored < ROWS) {
      if (Date.now() > deadline) throw new Error(`server has ${stored} of ${ROWS} rows after 10 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 25));
      stored = (await server.run('admin', 'bench', 'sync-bench'))?.historyLineCount ?? 0;
      if (serverRowsAtDurable < 0 && script.stdout.includes('durable ')) serverRowsAtDurable = stored;
    }
    const done = Date.now();
    await script.succeeded();
    const start = Number(/start (\d+)/.exec(script.stdout)![1]);
    const durable = Number(/durable (\d+)/.exec(script.stdout)![1]);
    if (serverRowsAtDurable < 0) serverRowsAtDurable = ROWS;
    return { rowsPerSecond: ROWS / ((done - start) / 1000), durableAfterMs: durable - start, serverRowsAtDurable, totalMs: done - start };
  } finally {
    await daemon.dispose();
    await server.stop();
  }
}

const direct = await baseline();
const synced = await sync();
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`sync throughput (${fmt(ROWS)} rows × ${KEYS} scalars, client → daemon → server on loopback)`);
console.log(`  baseline, file_stream posted directly (${fmt(CHUNK)} lines a request): ${fmt(direct)} rows/s`);
console.log(`  client → daemon → server:                               ${fmt(synced.rowsPerSecond)} rows/s (ratio ${(synced.rowsPerSecond / direct).toFixed(2)})`);
console.log(`  durable locally after ${fmt(synced.durableAfterMs)} ms (server had ${fmt(synced.serverRowsAtDurable)} rows); all on the server after ${fmt(synced.totalMs)} ms`);
