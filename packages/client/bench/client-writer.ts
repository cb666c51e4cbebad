/**
 * A training-like process for the client benchmarks.
 * Usage: node client-writer.js <mode> <runId> <rows> [scalars]
 * - `ingest`: init, print `ready`, wait for a line on stdin (a start barrier shared by all writers),
 *   log `rows` rows (yielding to the event loop every 1,000, as a training loop does between batches),
 *   finish, and print `{ rows, finishMs, endedAt }`;
 * - `finish`: log `rows` rows, then time `finish()` at once (rows still queued) and print `{ finishMs }`;
 * - `init`: time the import and `init` (cold or attached, as the caller arranged), then a second `init`
 *   in the same process, and print `{ importMs, initMs, secondInitMs }`.
 */
const t0 = performance.now();
const { default: wandb } = await import('../src/index.js');
const importMs = performance.now() - t0;

const [mode = 'ingest', runId = 'bench', rowsArg = '0', scalarsArg = '3'] = process.argv.slice(2);
const rows = Number(rowsArg);
const scalars = Number(scalarsArg);
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function logRows(run: Awaited<ReturnType<typeof wandb.init>>): Promise<void> {
  const row: Record<string, number> = {};
  for (let step = 0; step < rows; step += 1) {
    for (let k = 0; k < scalars; k += 1) row[`m${k}`] = step * 0.001 + k;
    run.log(row);
    if (step % 1000 === 999) await yieldTurn();
  }
}

if (mode === 'init') {
  const t1 = performance.now();
  const run = await wandb.init({ project: 'bench', id: runId });
  const initMs = performance.now() - t1;
  const t2 = performance.now();
  const second = await wandb.init({ project: 'bench', id: `${runId}-2`, reinit: 'create_new' });
  const secondInitMs = performance.now() - t2;
  await Promise.all([run.finish(), second.finish()]);
  process.stdout.write(`${JSON.stringify({ importMs, initMs, secondInitMs })}\n`);
} else if (mode === 'finish') {
  const run = await wandb.init({ project: 'bench', id: runId });
  await logRows(run);
  const t1 = performance.now();
  await run.finish();
  process.stdout.write(`${JSON.stringify({ finishMs: performance.now() - t1 })}\n`);
} else {
  const run = await wandb.init({ project: 'bench', id: runId });
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  await logRows(run);
  const t1 = performance.now();
  await run.finish();
  const endedAt = performance.timeOrigin + performance.now();
  process.stdout.write(`${JSON.stringify({ rows, finishMs: endedAt - performance.timeOrigin - t1, endedAt })}\n`);
  process.stdin.destroy();
}
