// The main example: a run logged with the W&B API and synced to a W&B-compatible server. It starts
// a throwaway server (our `wandb-server`, in this process, on a free loopback port); `init` attaches
// to the local wandb-daemon or starts it; `log` only queues; `finish` resolves once the daemon has
// every row on disk, and the daemon uploads the run in the background. The run is then read back
// from the server's API and from the daemon's CLI.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wandb from '@wandb-daemon/client';
import { startServer } from '@wandb-daemon/server';

const dataDir = mkdtempSync(join(tmpdir(), 'quickstart-server-'));
const apiKey = `local-${randomBytes(20).toString('hex')}`;
const server = await startServer({ dataDir, port: 0, adminKey: apiKey });
console.log(`server at ${server.url} (data in ${dataDir})`);

const run = await wandb.init({
  project: 'quickstart',
  name: 'sine-and-loss',
  tags: ['example'],
  config: { lr: 0.01, epochs: 5 },
  settings: { baseUrl: server.url, apiKey }, // or WANDB_BASE_URL + WANDB_API_KEY, or wandb.login()
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

// The daemon syncs in the background; wait until the server has the whole run.
const auth = { authorization: `Basic ${Buffer.from(`api:${apiKey}`).toString('base64')}` };
let remote;
for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
  const response = await fetch(`${server.url}/api/v1/runs/admin/quickstart/${run.id}`, { headers: auth });
  remote = response.ok ? await response.json() : undefined;
  if (remote?.state === 'finished') break;
}
if (remote?.state !== 'finished') throw new Error(`the run did not reach the server within 60 s (state ${remote?.state ?? 'unknown'})`);
console.log(`on the server after ${(performance.now() - t0).toFixed(0)} ms: ${remote.historyLineCount} history rows, state ${remote.state}, best_acc ${remote.summary.best_acc}, loss ${JSON.stringify(remote.summary.loss)}`);

const cli = fileURLToPath(new URL('../packages/daemon/bin/wandb-daemon.js', import.meta.url));
const show = (...args) => console.log(execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8' }).trimEnd());
show('status');
show('export', run.id, '--format', 'csv');

await server.close();
rmSync(dataDir, { recursive: true, force: true });
