/**
 * A writer process for multi-process tests and benchmarks.
 * Usage: node writer-process.js <socketPath> <runId> <rows> <finish|hang|bench> [scalars]
 * Logs `rows` history rows of `scalars` numbers each; `finish` finishes and prints one JSON line with
 * the reply; `hang` prints the acked seq once all are acked and waits to be killed; `bench` prints
 * `ready`, waits for a line on stdin (a start barrier shared by all writers), then logs and finishes
 * and prints the reply with `endedAt` (epoch ms) and `finishMs` (finish request → durable reply).
 */
import { RawClient } from './raw-client.js';

const [socketPath, runId, rowsArg, mode = 'finish', scalarsArg = '3'] = process.argv.slice(2);
const rows = Number(rowsArg);
const scalars = Number(scalarsArg);

const client = await RawClient.connect(socketPath!);
const start = await client.startRun({ runId: runId!, project: 'writers' });
const data: Record<string, number> = {};
if (mode === 'bench') {
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
}
const t0 = process.hrtime.bigint();
for (let step = 0; step < rows; step += 1) {
  for (let k = 0; k < scalars; k += 1) data[`m${k}`] = step * 0.001 + k;
  client.log(start.run, step, data);
  if (step % 256 === 255) await client.flush();
}
await client.flush();
if (mode === 'hang') {
  const last = client.lastSeq(start.run);
  await client.waitForAck(start.run, last);
  process.stdout.write(`${JSON.stringify({ run: start.run, acked: client.acked.get(start.run) })}\n`);
  setInterval(() => undefined, 60_000);
} else {
  const finishStart = process.hrtime.bigint();
  const reply = await client.finish(start.run);
  const now = process.hrtime.bigint();
  const result = { ...reply, seconds: Number(now - t0) / 1e9, finishMs: Number(now - finishStart) / 1e6, endedAt: performance.timeOrigin + performance.now() };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await client.close();
  process.exit(0);
}
