/**
 * Benchmark helpers shared by the daemon's and the client's benchmarks: writer processes released
 * together from a start barrier, and how figures are summarised.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** What a writer prints once done: at least the wall-clock end (epoch ms) and its finish latency. */
export interface WriterResult {
  rows: number;
  finishMs: number;
  endedAt: number;
}

/**
 * Spawns one `node` process per argument list; each prints a line once ready, waits for a line on stdin,
 * works, and prints its WriterResult as JSON. Returns rows/s from the release to the last end.
 */
export async function runFromBarrier(argLists: string[][], env: NodeJS.ProcessEnv = {}): Promise<{ rowsPerSecond: number; results: WriterResult[] }> {
  const writers = argLists.map((args) => spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } }));
  const lines = writers.map((w) => createInterface({ input: w.stdout! })[Symbol.asyncIterator]());
  await Promise.all(lines.map(async (it) => (await it.next()).value)); // every writer is connected, its run started
  const go = performance.timeOrigin + performance.now();
  for (const w of writers) w.stdin!.write('go\n');
  const results = await Promise.all(lines.map(async (it) => JSON.parse((await it.next()).value as string) as WriterResult));
  await Promise.all(writers.map((w) => new Promise((resolve) => (w.exitCode !== null ? resolve(null) : w.once('exit', resolve)))));
  const wallSeconds = (Math.max(...results.map((r) => r.endedAt)) - go) / 1000;
  return { rowsPerSecond: results.reduce((n, r) => n + r.rows, 0) / wallSeconds, results };
}

/** `median (min–max, n runs)` of some milliseconds. */
export function spread(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(1)} ms (${sorted[0]!.toFixed(1)}–${sorted.at(-1)!.toFixed(1)}, ${ms.length} runs)`;
}
