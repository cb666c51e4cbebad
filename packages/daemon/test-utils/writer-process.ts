/**
 * A writer process for multi-process tests and benchmarks.
 * Usage: node writer-process.js <socketPath> <runId> <rows> <finish|hang> [scalars]
 * Logs `rows` history rows of `scalars` numbers each; `finish` finishes and prints one JSON line with
 * the reply; `hang` prints the acked seq as acks arrive and waits to be killed.
 */
import { RawClient } from './raw-client.js';

const [socketPath, runId, rowsArg, mode = 'finish', scalarsArg = '3'] = process.argv.slice(2);
const rows = Number(rowsArg);
const scalars = Number(scalarsArg);

const client = await RawClient.connect(socketPath!);
const start = await client.startRun({ runId: runId!, project: 'writers' });
const data: Record<string, number> = {};
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
  const reply = await client.finish(start.run);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(`${JSON.stringify({ ...reply, seconds })}\n`);
  await client.close();
}
