/**
 * History rows dropped for a step behind the run's: counted once per `dropped` record (a replayed
 * seq is not counted again), added to the rows the daemon drops itself, kept across restarts, and
 * shown by `status`, `runs` and the HTTP API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseResult, REPLY_SCHEMAS } from '@wandb-daemon/protocol';
import { TempDaemon } from '../test-utils/temp-daemon.js';

/** droppedRows per run id, from a list of run views. */
const droppedById = (runs: { id: string; droppedRows: number }[]) => Object.fromEntries(runs.map((r) => [r.id, r.droppedRows]));

describe('dropped history rows', () => {
  const daemon = new TempDaemon();
  before(() => daemon.start());
  after(() => daemon.dispose());

  it('counts reported rows once per seq, together with the rows the daemon drops', async () => {
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'drops', project: 'dp' });
    for (let step = 0; step < 5; step += 1) client.log(run, step, { x: step });
    const first = client.record(run, { t: 'dropped', rows: 3, step: 2, currentStep: 4 });
    const second = client.record(run, { t: 'dropped', rows: 2, step: 1, currentStep: 4 });
    await client.flush();
    await client.waitForAck(run, second);
    assert.equal((await daemon.http('/api/runs/drops')).body.droppedRows, 5);
    // Replayed after a lost ack: already stored, so not counted again.
    client.record(run, { t: 'dropped', rows: 100, step: 0, currentStep: 4 }, first);
    client.record(run, { t: 'dropped', rows: 50, step: 0, currentStep: 4 }, second);
    const repeated = client.log(run, 4, { x: 44 }); // the daemon drops a repeated step itself
    client.log(run, 5, { x: 5 });
    const done = await client.finish(run);
    await client.close();
    assert.equal(done.rows, 6);
    assert.deepEqual(client.notices.map((n) => [n.code, n.seq]), [['BAD_MESSAGE', repeated]]);
    const view = (await daemon.http('/api/runs/drops')).body;
    assert.equal(view.droppedRows, 6);
    assert.equal(view.historyRows, 6);
    assert.equal(view.lastStep, 5);
  });

  it('status sums the runs; runs and the HTTP API show each run', async () => {
    const client = await daemon.client();
    const other = await client.startRun({ runId: 'drops-2', project: 'dp' });
    for (let step = 0; step < 3; step += 1) client.log(other.run, step, { y: step });
    client.record(other.run, { t: 'dropped', rows: 1234, step: 0, currentStep: 2 });
    await client.finish(other.run);
    const clean = await client.startRun({ runId: 'clean', project: 'dp' });
    client.log(clean.run, 0, { z: 0 });
    await client.finish(clean.run);

    const status = parseResult(REPLY_SCHEMAS.status, await client.status(), 'status');
    await client.close();
    assert.deepEqual(status.rows, { stored: 10, unsynced: 10, dropped: 1240 });
    assert.deepEqual((await daemon.http('/api/status')).body.rows, { stored: 10, unsynced: 10, dropped: 1240 });
    const expected = { drops: 6, 'drops-2': 1234, clean: 0 };
    assert.deepEqual(droppedById((await daemon.http('/api/runs')).body.runs), expected);
    assert.equal((await daemon.http('/api/runs/drops-2')).body.droppedRows, 1234);

    const json = await daemon.cli(['runs', '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(droppedById(JSON.parse(json.stdout)), expected);
    const table = await daemon.cli(['runs']);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /\bROWS\s+LAST STEP\s+DROPPED\s+STARTED\b/);
    // ROWS, LAST STEP and DROPPED of each run.
    assert.match(lines.find((l) => / drops-2 /.test(l))!, /\bfinished\s+3\s+2\s+1,234\s+\d{4}-/);
    assert.match(lines.find((l) => / drops /.test(l))!, /\bfinished\s+6\s+5\s+6\s+\d{4}-/);
    assert.match(lines.find((l) => / clean /.test(l))!, /\bfinished\s+1\s+0\s+0\s+\d{4}-/);

    const human = await daemon.cli(['status']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^ {2}rows: +10 stored, 10 unsynced, 1,240 dropped$/m);
    const statusJson = await daemon.cli(['status', '--json']);
    assert.deepEqual(JSON.parse(statusJson.stdout).rows, { stored: 10, unsynced: 10, dropped: 1240 });
  });

  it('keeps acknowledged counts across a kill -9 and a restart, and a reattached run counts on', async () => {
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'restarted', project: 'dp' });
    client.log(run, 0, { v: 0 });
    client.log(run, 1, { v: 1 });
    const reported = client.record(run, { t: 'dropped', rows: 7, step: 0, currentStep: 1 });
    await client.flush();
    await client.waitForAck(run, reported);
    await daemon.kill9();
    await client.close();
    await daemon.start();
    assert.equal((await daemon.http('/api/runs/restarted')).body.droppedRows, 7);
    assert.equal((await daemon.http('/api/status')).body.rows.dropped, 1247);

    const again = await daemon.client();
    const reattached = await again.startRun({ runId: 'restarted', project: 'dp' }, 'reattach');
    assert.equal(reattached.run, run);
    assert.equal(reattached.lastSeq, reported);
    again.record(run, { t: 'dropped', rows: 7, step: 0, currentStep: 1 }, reported); // replayed: not counted
    again.record(run, { t: 'dropped', rows: 5, step: 0, currentStep: 1 });
    await again.finish(run);
    await again.close();
    assert.equal((await daemon.http('/api/runs/restarted')).body.droppedRows, 12);

    await daemon.stop();
    await daemon.start();
    assert.equal((await daemon.http('/api/runs/restarted')).body.droppedRows, 12);
    assert.equal((await daemon.http('/api/status')).body.rows.dropped, 1252);
    const runs = await daemon.cli(['runs', '--json']);
    assert.deepEqual(droppedById(JSON.parse(runs.stdout)), { restarted: 12, clean: 0, 'drops-2': 1234, drops: 6 });
  });
});
