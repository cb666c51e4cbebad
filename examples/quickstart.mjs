// The main example: a run logged with the W&B API. `init` attaches to the local wandb-daemon or
// starts it; `log` only queues; `finish` resolves once the daemon has every row on disk. The run is
// then read back with the daemon's CLI.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import wandb from '@wandb-daemon/client';

const run = await wandb.init({
  project: 'quickstart',
  name: 'sine-and-loss',
  tags: ['example'],
  config: { lr: 0.01, epochs: 5 },
  mode: 'offline', // no server yet: everything stays in the local daemon
});

run.defineMetric('loss', { summary: 'min' });
for (let step = 0; step < 1000; step += 1) {
  run.log({ loss: Math.exp(-step / 250) + 0.02 * Math.sin(step), wave: Math.sin(step / 50), acc: { train: 1 - Math.exp(-step / 300) } });
}
run.log({ 'eval/acc': 0.93 }, { commit: false }); // joins the next committed step
run.summary.best_acc = 0.96;

const t0 = performance.now();
await run.finish();
console.log(`run ${run.id}: ${run.step} steps, durable in ${(performance.now() - t0).toFixed(1)} ms; summary loss ${JSON.stringify(run.summary.loss)}`);

const cli = fileURLToPath(new URL('../packages/daemon/bin/wandb-daemon.js', import.meta.url));
const show = (...args) => console.log(execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8' }).trimEnd());
show('status');
show('export', run.id, '--format', 'csv');
