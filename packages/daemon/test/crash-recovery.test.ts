/**
 * Nothing acknowledged is lost: writers killed mid-run, the daemon killed right after `finish`,
 * and a restart that finds runs of dead processes.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TempDaemon, waitFor } from '../test-utils/temp-daemon.js';

const WRITER = fileURLToPath(new URL('../test-utils/writer-process.js', import.meta.url));

/** Starts a writer that logs `rows` rows, waits for all acks, prints them and hangs. */
async function hangingWriter(socket: string, runId: string, rows: number): Promise<{ child: ChildProcess; acked: number }> {
  const child = spawn(process.execPath, [WRITER, socket, runId, String(rows), 'hang'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
  });
  return { child, acked: JSON.parse(line).acked };
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('crash recovery', () => {
  const daemon = new TempDaemon();
  before(() => daemon.start());
  after(() => daemon.dispose());

  it('a writer killed with -9 leaves its run crashed with every acknowledged row', async () => {
    const { child, acked } = await hangingWriter(daemon.discovery!.socketPath, 'killed-writer', 3_000);
    assert.equal(acked, 3_000);
    await kill9(child);
    await waitFor(async () => (await daemon.http('/api/runs/killed-writer')).body.state === 'crashed', 10_000, 'run to be marked crashed');
    const run = (await daemon.http('/api/runs/killed-writer')).body;
    assert.equal(run.historyRows, 3_000);
    assert.equal(run.lastStep, 2_999);
  });

  it('kill -9 of the daemon right after a finish reply loses nothing', async () => {
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'durable-finish' });
    for (let step = 0; step < 20_000; step += 1) client.log(run, step, { loss: 1 / (step + 1), acc: step / 20_000, lr: 0.01 });
    client.record(run, { t: 'summary', set: { best: 42 }, remove: [] });
    client.record(run, { t: 'console', stream: 'stdout', ts: 1, lines: ['epoch 1 done'] });
    const reply = await client.finish(run);
    await daemon.kill9(); // no chance to checkpoint or close the database cleanly
    assert.equal(reply.rows, 20_000);
    await daemon.start();
    const stored = (await daemon.http('/api/runs/durable-finish')).body;
    assert.equal(stored.state, 'finished');
    assert.equal(stored.exitCode, 0);
    assert.equal(stored.historyRows, 20_000);
    assert.equal(stored.consoleLines, 1);
    assert.equal(stored.summary.best, 42);
    assert.equal(stored.summary._step, 19_999);
    const last = (await daemon.http('/api/runs/durable-finish/history?minStep=19999')).body.rows;
    assert.deepEqual(last, [{ loss: 1 / 20_000, acc: 19_999 / 20_000, lr: 0.01, _step: 19_999, _runtime: 0, _timestamp: last[0]._timestamp }]);
  });

  it('a restarted daemon marks runs of dead processes crashed', async () => {
    const { child, acked } = await hangingWriter(daemon.discovery!.socketPath, 'orphan', 500);
    await daemon.kill9(); // the run is still `running` on disk
    await kill9(child); // and its process is gone too
    await daemon.start();
    const run = (await daemon.http('/api/runs/orphan')).body;
    assert.equal(run.state, 'crashed');
    assert.equal(run.historyRows, acked);
  });
});
