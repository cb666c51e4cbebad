/**
 * `pnpm bench`, client part: what the library costs in the user's process, each figure next to a
 * baseline measured in the same run (these machines are noisy; nothing is asserted).
 *
 * - log() in the caller, ns per call (median, p99) for 3 and 50 scalars; baseline: msgpack-encoding
 *   the same history record alone, the floor of "validate, encode, queue";
 * - end-to-end rows/s with durability (from a start barrier until every `finish` resolved), 1 and 8
 *   client processes; baseline: the protocol-level test writer (no API layer) under the same load;
 * - init latency, cold (no daemon running) and attached, in fresh processes; baseline: a bare
 *   `ensureDaemon()` connect + handshake, and a cold daemon spawn alone;
 * - finish latency after 100,000 rows, with the rows still queued behind the finish.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { encodeBody } from '@wandb-daemon/protocol/lite';
import { ensureDaemon } from '@wandb-daemon/daemon/ensure';
import { runFromBarrier, spread } from '@wandb-daemon/daemon/test-utils/barrier';
import { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import wandb from '../src/index.js';

const CLIENT_WRITER = fileURLToPath(new URL('./client-writer.js', import.meta.url));
const RAW_WRITER = fileURLToPath(new URL('../../../daemon/dist/test-utils/writer-process.js', import.meta.url));
const SCALE = Number(process.env.BENCH_SCALE ?? 1);

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function percentile(sorted: Float64Array | number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function row(scalars: number, step: number): Record<string, number> {
  const data: Record<string, number> = {};
  for (let k = 0; k < scalars; k += 1) data[`metric_${k}`] = step * 0.001 + k;
  return data;
}

/** Per-call ns of `fn` over `calls` calls, yielding every 1,000 calls as training loops do. */
async function perCall(calls: number, scalars: number, fn: (data: Record<string, number>, step: number) => void): Promise<{ median: number; p99: number; wallNsPerCall: number }> {
  const samples = new Float64Array(calls);
  const rows = Array.from({ length: 1000 }, (_, i) => row(scalars, i));
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i += 1) {
    const data = rows[i % 1000]!;
    const t = process.hrtime.bigint();
    fn(data, i);
    samples[i] = Number(process.hrtime.bigint() - t);
    if (i % 1000 === 999) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const wall = Number(process.hrtime.bigint() - start);
  samples.sort();
  return { median: percentile(samples, 0.5), p99: percentile(samples, 0.99), wallNsPerCall: wall / calls };
}

async function logCost(): Promise<void> {
  const calls = Math.round(200_000 * SCALE);
  console.log(`log() in the caller (${fmt(calls)} calls each, ns per call; wall includes flushing to the socket)`);
  for (const scalars of [3, 50]) {
    const base = await perCall(calls, scalars, (data, step) => {
      encodeBody({ t: 'history', run: 1, seq: step + 1, step, ts: Date.now() / 1000, runtime: 1.5, data });
    });
    const run = await wandb.init({ project: 'bench', reinit: 'create_new' });
    const log = await perCall(calls, scalars, (data) => run.log(data));
    await run.finish();
    console.log(
      `  ${String(scalars).padStart(2)} scalars: log() median ${fmt(log.median)} ns, p99 ${fmt(log.p99)} ns, wall ${fmt(log.wallNsPerCall)} ns/call` +
        `   | baseline encode alone: median ${fmt(base.median)} ns, p99 ${fmt(base.p99)} ns   ratio ${(log.median / base.median).toFixed(2)}`,
    );
  }
}

async function endToEnd(daemon: TempDaemon, socketPath: string): Promise<void> {
  console.log('end to end with durability (3 scalars per row, start barrier → every finish resolved)');
  for (const [count, rowsEach] of [[1, Math.round(200_000 * SCALE)], [8, Math.round(25_000 * SCALE)]] as const) {
    const argLists = (make: (i: number) => string[]) => Array.from({ length: count }, (_, i) => make(i));
    const raw = await runFromBarrier(argLists((i) => [RAW_WRITER, socketPath, `raw-${count}-${i}-${Date.now()}`, String(rowsEach), 'bench']), daemon.env);
    const client = await runFromBarrier(argLists((i) => [CLIENT_WRITER, 'ingest', `client-${count}-${i}-${Date.now()}`, String(rowsEach)]), { ...daemon.env, WANDB_SILENT: 'true' });
    console.log(
      `  ${count} process${count > 1 ? 'es' : ''}: client ${fmt(client.rowsPerSecond)} rows/s   | baseline protocol-level writer ${fmt(raw.rowsPerSecond)} rows/s   ratio ${(client.rowsPerSecond / raw.rowsPerSecond).toFixed(2)}`,
    );
  }
}

function runWriter(args: string[], env: NodeJS.ProcessEnv): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT_WRITER, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, WANDB_SILENT: 'true', ...env } });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`writer exited with ${code}`))));
  });
}

async function initLatency(daemon: TempDaemon): Promise<void> {
  const reps = 5;
  const attached: number[] = [];
  const second: number[] = [];
  const imports: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < reps; i += 1) {
    const r = await runWriter(['init', `init-attached-${i}-${Date.now()}`], daemon.env);
    attached.push(r.initMs);
    second.push(r.secondInitMs);
    imports.push(r.importMs);
    const t = performance.now();
    const ensured = await ensureDaemon({ home: daemon.home });
    bare.push(performance.now() - t);
    ensured.connection.socket.destroy();
  }
  const cold: number[] = [];
  const coldBare: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const fresh = new TempDaemon({ WANDB_DAEMON_IDLE_TIMEOUT: '30' });
    try {
      cold.push((await runWriter(['init', `init-cold-${i}`], fresh.env)).initMs);
    } finally {
      await fresh.dispose();
    }
    const other = new TempDaemon({ WANDB_DAEMON_IDLE_TIMEOUT: '30' });
    try {
      const t = performance.now();
      await other.start();
      coldBare.push(performance.now() - t);
    } finally {
      await other.dispose();
    }
  }
  console.log('init latency (fresh process each time)');
  console.log(`  attached, first init in the process    ${spread(attached)}   | baseline ensureDaemon() attach alone: ${spread(bare)}`);
  console.log(`  attached, second init in the process   ${spread(second)}`);
  console.log(`  cold (spawns the daemon)               ${spread(cold)}   | baseline cold daemon spawn alone: ${spread(coldBare)}`);
  console.log(`  importing the client                   ${spread(imports)}`);
}

async function finishLatency(daemon: TempDaemon): Promise<void> {
  const ms: number[] = [];
  for (let i = 0; i < 5; i += 1) ms.push((await runWriter(['finish', `finish-${i}-${Date.now()}`, '100000'], daemon.env)).finishMs);
  console.log('finish latency after 100,000 rows (rows still queued; resolves once durable)');
  console.log(`  client finish()                        ${spread(ms)}   (protocol-level figures: the daemon benchmark above)`);
}

async function main(): Promise<void> {
  const daemon = new TempDaemon();
  const savedHome = process.env.WANDB_DAEMON_HOME;
  try {
    const { socketPath } = await daemon.start();
    process.env.WANDB_DAEMON_HOME = daemon.home;
    process.env.WANDB_SILENT = 'true';
    await logCost();
    await endToEnd(daemon, socketPath);
    await initLatency(daemon);
    await finishLatency(daemon);
  } finally {
    process.env.WANDB_DAEMON_HOME = savedHome;
    await daemon.dispose();
  }
}

await main();
