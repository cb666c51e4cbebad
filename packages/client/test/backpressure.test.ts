/**
 * Memory is bounded: with the daemon stopped (SIGSTOP), `log` blocks once `maxBufferedBytes` of
 * records are unacknowledged, instead of buffering without limit; when the daemon resumes, logging
 * goes on and every row is stored exactly once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeBody } from '@wandb-daemon/protocol/lite';
import { TempDaemon, waitFor } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import { ClientProcess } from './client-process.js';

const LIMIT = 1024 * 1024;
const ROWS = 200_000;
const PAD = 'x'.repeat(20);

const daemon = new TempDaemon();
const scratch = mkdtempSync(join(tmpdir(), 'wdc-backpressure-'));
/** The pid we stopped, so that the after hook always resumes it. */
let stoppedPid: number | null = null;
let child: ClientProcess | null = null;

before(() => daemon.start());
after(async () => {
  if (child && child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
  if (stoppedPid !== null) process.kill(stoppedPid, 'SIGCONT');
  await daemon.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe('backpressure', () => {
  it(`log blocks near maxBufferedBytes (1 MiB) while the daemon is stopped, and loses nothing once it resumes`, async (t) => {
    const go = join(scratch, 'go');
    // init needs the daemon, so the script starts its run, then waits for `go` (made once the daemon
    // is stopped) and logs without ever yielding to the event loop: only backpressure can stop it.
    const body = `
import { existsSync } from 'node:fs';
const run = await wandb.init({ project: 'backpressure', id: 'pressure', settings: { maxBufferedBytes: ${LIMIT} } });
console.log('ready');
while (!existsSync(${JSON.stringify(go)})) await new Promise((resolve) => setTimeout(resolve, 10));
const pad = ${JSON.stringify(PAD)};
for (let i = 0; i < ${ROWS}; i += 1) {
  run.log({ i, pad });
  if ((i + 1) % 1000 === 0) console.log('progress ' + (i + 1));
}
await run.finish();
console.log('finished ' + run.state);
`;
    child = new ClientProcess(body, { ...daemon.env, WANDB_SILENT: 'true' });
    const result = child.finished(120_000);
    await child.waitForOutput('ready', 30_000);
    stoppedPid = daemon.pid;
    process.kill(stoppedPid, 'SIGSTOP');
    writeFileSync(go, '');

    await sleep(3_000);
    const stalledAt = child.progress();
    await sleep(1_000);
    assert.equal(child.child.exitCode, null, `the client exited while the daemon was stopped: ${child.stderr}`);
    assert.equal(child.child.signalCode, null);
    assert.equal(child.progress(), stalledAt, 'progress stalled: log blocks');
    // The encoded size of a row like the script's (seq, step and i of this magnitude take 3 bytes each).
    const rowBytes = encodeBody({ t: 'history', run: 1, seq: 5_000, step: 5_000, ts: Date.now() / 1000, runtime: 1.5, data: { i: 5_000, pad: PAD } }).length;
    const bound = Math.floor(LIMIT / rowBytes);
    t.diagnostic(`a row is ${rowBytes} bytes; log blocked after ${stalledAt} rows (the limit holds ${bound})`);
    assert.ok(stalledAt <= bound, `${stalledAt} rows of ${rowBytes} bytes exceed the 1 MiB bound (${bound} rows)`);
    assert.ok(stalledAt >= bound - 2_000, `log blocked after only ${stalledAt} rows, far below the bound of ${bound}`);

    process.kill(stoppedPid, 'SIGCONT');
    stoppedPid = null;
    const { code, signal, stdout, stderr } = await result;
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, stderr);
    assert.match(stdout, /progress 200000\nfinished finished\n$/);

    const { body: run } = await daemon.http('/api/runs/pressure');
    assert.deepEqual(
      { state: run.state, exitCode: run.exitCode, historyRows: run.historyRows, droppedRows: run.droppedRows },
      { state: 'finished', exitCode: 0, historyRows: ROWS, droppedRows: 0 },
    );
    let expected = 0;
    let next: number | null = 0;
    while (next !== null) {
      const page: { lines: { step: number; line: string }[]; next: number | null } = (await daemon.http(`/api/runs/pressure/history?format=lines&minStep=${next}`)).body;
      for (const { step, line } of page.lines) {
        const row = JSON.parse(line);
        if (step !== expected || row._step !== expected || row.i !== expected || row.pad !== PAD) assert.fail(`row ${expected} is ${line} at step ${step}`);
        expected += 1;
      }
      next = page.next;
    }
    assert.equal(expected, ROWS, 'rows read back: steps 0..199999, each once');
    await waitFor(async () => (await daemon.http('/api/status')).body.clients === 0, 10_000, 'the client to disconnect');
  });
});
