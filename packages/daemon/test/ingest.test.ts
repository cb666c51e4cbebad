import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runNode, TempDaemon } from '../test-utils/temp-daemon.js';

const WRITER = fileURLToPath(new URL('../test-utils/writer-process.js', import.meta.url));

describe('durable ingest from many processes', () => {
  const daemon = new TempDaemon();
  before(() => daemon.start());
  after(() => daemon.dispose());

  it('stores exactly 80,000 rows from 16 writer processes × 5,000 rows', async () => {
    const socket = daemon.discovery!.socketPath;
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => runNode([WRITER, socket, `writer-${i}`, '5000', 'finish'])));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const replies = results.map((r) => JSON.parse(r.stdout.trim()));
    for (const reply of replies) {
      assert.equal(reply.state, 'finished');
      assert.equal(reply.rows, 5000);
    }
    const status = (await daemon.http('/api/status')).body;
    assert.equal(status.rows.stored, 80_000);
    assert.equal(status.runs.finished, 16);
    const { body } = await daemon.http('/api/runs');
    for (const run of body.runs) {
      assert.equal(run.historyRows, 5000);
      assert.equal(run.lastStep, 4999);
    }
    const history = (await daemon.http(`/api/runs/writer-3/history?keys=m1&minStep=10&maxStep=12`)).body;
    assert.deepEqual(history.rows, [
      { _step: 10, m1: 1.01 },
      { _step: 11, m1: 1.011 },
      { _step: 12, m1: 1.012 },
    ]);
  });

  it('acknowledges only after commit and drops replayed duplicates', async () => {
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'dupes' });
    for (let step = 0; step < 100; step += 1) client.log(run, step, { x: step });
    await client.flush();
    await client.waitForAck(run, 100);
    await client.close();
    // Reconnect and replay seqs 51..100 (as if their acks were lost), then new rows 101..150.
    const replay = await daemon.client();
    const again = await replay.startRun({ runId: 'dupes' }, 'reattach');
    assert.equal(again.run, run);
    assert.equal(again.resumed, true);
    assert.equal(again.lastSeq, 100);
    assert.equal(again.startingStep, 100);
    for (let step = 50; step < 150; step += 1) replay.record(run, { t: 'history', step, ts: 1, runtime: 0, data: { x: step } }, step + 1);
    const fin = await replay.finish(run);
    assert.equal(fin.rows, 150);
    assert.equal(fin.state, 'finished');
    assert.deepEqual(replay.notices, []);
    const rows = (await daemon.http('/api/runs/dupes/history?keys=x')).body.rows;
    assert.deepEqual(rows.map((r: { x: number }) => r.x), Array.from({ length: 150 }, (_, i) => i));
    await replay.close();
  });

  it('applies resume policies against the store: never, must, allow, overwrite', async () => {
    const client = await daemon.client();
    await assert.rejects(client.startRun({ runId: 'policy' }, 'must'), { code: 'RUN_NOT_FOUND' });
    const first = await client.startRun({ runId: 'policy', config: { lr: 0.1 } }, 'never');
    assert.equal(first.resumed, false);
    client.log(first.run, 0, { x: 1 });
    client.record(first.run, { t: 'history', step: 1, ts: Date.now() / 1000, runtime: 1000.5, data: { x: 2 } });
    await client.finish(first.run, 0);
    await assert.rejects(client.startRun({ runId: 'policy' }, 'never'), { code: 'RUN_EXISTS' });
    const resumed = await client.startRun({ runId: 'policy', config: { batch: 8 } }, 'allow');
    assert.equal(resumed.resumed, true);
    // The clock goes on from the last `_runtime` (1000.5 s), not from the first start.
    assert.ok(Math.abs(Date.now() / 1000 - resumed.startTime - 1000.5) < 5, `start time ${resumed.startTime}`);
    assert.equal(resumed.run, first.run);
    assert.equal(resumed.startingStep, 2);
    assert.deepEqual(resumed.config, { lr: 0.1, batch: 8 });
    assert.equal(resumed.summary.x, 2);
    // Overwrite (W&B's default for a reused id): the earlier run and its rows are replaced.
    const fresh = await client.startRun({ runId: 'policy' }, 'overwrite');
    assert.equal(fresh.resumed, false);
    assert.notEqual(fresh.run, first.run);
    assert.equal(fresh.startingStep, 0);
    client.log(first.run, 5, { stale: true }); // the old handle is gone
    const done = await client.finish(fresh.run);
    assert.equal(done.rows, 0);
    assert.deepEqual(client.notices.map((n) => n.code), ['RUN_NOT_ATTACHED']);
    // A run written by another live connection cannot be taken over.
    const other = await daemon.client();
    const held = await other.startRun({ runId: 'held' });
    await assert.rejects(client.startRun({ runId: 'held' }, 'allow'), { code: 'RUN_IN_USE' });
    await other.finish(held.run);
    await other.close();
    await client.close();
  });
});
