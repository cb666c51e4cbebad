// The main example: start (or attach to) the local wandb-daemon, log a run through the run
// protocol, finish it durably, and read it back with the daemon's CLI.
//
// Until the client library's run API lands (`wandb.init` / `run.log` / `run.finish`), this speaks
// the protocol directly, which also shows what the client does underneath.
import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ensureDaemon } from '@wandb-daemon/client';
import { decodeBody, encodeFrame } from '@wandb-daemon/protocol';

const cli = fileURLToPath(new URL('../packages/daemon/bin/wandb-daemon.js', import.meta.url));
const { connection, discovery, spawned } = await ensureDaemon({ program: 'quickstart' });
console.log(`${spawned ? 'started' : 'attached to'} wandb-daemon pid ${discovery.pid} (socket ${discovery.socketPath})`);

// Replies arrive as frames; match them to requests by id.
const waiting = new Map();
const onFrame = (frame) => {
  const message = decodeBody(frame);
  if (message.t === 'reply') waiting.get(message.id)?.(message);
};
connection.pending.forEach(onFrame);
connection.socket.on('data', (chunk) => connection.reader.push(chunk).forEach(onFrame));
let nextId = 1;
const request = (message) =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, (reply) => (reply.ok ? resolve(reply.result) : reject(new Error(reply.error.message))));
    connection.socket.write(encodeFrame({ ...message, id }));
  });

const runId = `quick${Date.now().toString(36)}`;
const startTime = Date.now() / 1000;
const started = await request({
  t: 'run.start',
  resume: 'allow',
  run: {
    runId, entity: null, project: 'quickstart', name: 'sine-and-loss', group: null, jobType: 'train', tags: ['example'],
    notes: null, config: { lr: 0.01, epochs: 5 }, host: hostname(), program: 'examples/quickstart.mjs', pid: process.pid,
    mode: 'offline', settings: {}, startTime,
  },
});

// Records are fire-and-forget, numbered per run, written in batches.
let seq = started.lastSeq;
const records = [];
for (let step = 0; step < 1000; step += 1) {
  const ts = startTime + step * 0.01;
  records.push({ t: 'history', run: started.run, seq: ++seq, step, ts, runtime: ts - startTime,
    data: { loss: Math.exp(-step / 250) + 0.02 * Math.sin(step), wave: Math.sin(step / 50), acc: { train: 1 - Math.exp(-step / 300) } } });
}
records.push({ t: 'summary', run: started.run, seq: ++seq, set: { best_acc: 0.96 }, remove: [] });
connection.socket.write(encodeFrame({ t: 'batch', records }));

// finish resolves only once every record before it is on disk.
const t0 = performance.now();
const finished = await request({ t: 'finish', run: started.run, seq: ++seq, exitCode: 0 });
console.log(`run ${runId}: ${finished.rows} rows, ${finished.state}, durable in ${(performance.now() - t0).toFixed(1)} ms`);
connection.socket.end();

const show = (...args) => console.log(execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8' }).trimEnd());
show('status');
show('export', runId, '--format', 'csv');
