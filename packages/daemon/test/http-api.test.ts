/**
 * The read-only HTTP API: token required, run views, history selection, live rows over websocket.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { TempDaemon } from '../test-utils/temp-daemon.js';

describe('HTTP API', () => {
  const daemon = new TempDaemon();
  before(() => daemon.start());
  after(() => daemon.dispose());

  it('refuses requests without the right token, and listens on loopback only', async () => {
    assert.equal((await daemon.http('/api/status', 'wrong')).status, 401);
    const bare = await fetch(`http://127.0.0.1:${daemon.discovery!.httpPort}/api/runs`);
    assert.equal(bare.status, 401);
    assert.equal(readFileSync(daemon.paths.httpToken, 'utf8').trim().length, 64);
  });

  it('serves status, runs, one run with config and summary, and history by keys and step range', async () => {
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'api-run', project: 'p', config: { lr: 0.1, layers: [64, 32] }, tags: ['a'] });
    client.record(run, { t: 'metric', name: 'loss', summary: ['min', 'last'] });
    for (let step = 0; step < 10; step += 1) client.log(run, step, { loss: 1 / (step + 1), acc: { train: step / 10 }, weird: step === 9 ? Number.NaN : step });
    client.record(run, { t: 'config', set: { batch: 32 }, remove: [] });
    client.log(run, 10, { loss: 5 });
    await client.finish(run, 1);
    await client.close();
    const status = (await daemon.http('/api/status')).body;
    assert.equal(status.running, true);
    assert.equal(status.runs.failed, 1);
    assert.equal(status.rows.stored, 11);
    const one = (await daemon.http('/api/runs/api-run')).body;
    assert.equal(one.state, 'failed');
    assert.equal(one.exitCode, 1);
    assert.deepEqual(one.tags, ['a']);
    assert.deepEqual(one.config, { lr: 0.1, layers: [64, 32], batch: 32 });
    assert.equal(one.summary.weird, 'NaN');
    assert.deepEqual(one.summary.acc, { train: 0.9 });
    assert.deepEqual(one.summary.loss, { min: 1 / 10, last: 5 });
    const rows = (await daemon.http('/api/runs/api-run/history?keys=loss,acc&minStep=3&maxStep=4')).body.rows;
    assert.deepEqual(rows, [
      { _step: 3, loss: 0.25, acc: { train: 0.3 } },
      { _step: 4, loss: 0.2, acc: { train: 0.4 } },
    ]);
    assert.equal((await daemon.http('/api/runs/api-run/history?minStep=x')).status, 400);
    assert.equal((await daemon.http('/api/runs/nope')).status, 404);
  });

  it('pages large histories: at most 10,000 rows per response, with the next minStep', async () => {
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'paged' });
    for (let step = 0; step < 25_000; step += 1) client.log(run, step * 2, { v: step });
    await client.finish(run);
    await client.close();
    const steps: number[] = [];
    let next: number | null = 0;
    let pages = 0;
    while (next !== null) {
      const body: { rows: { _step: number }[]; next: number | null } = (await daemon.http(`/api/runs/paged/history?keys=v&minStep=${next}`)).body;
      assert.ok(body.rows.length <= 10_000);
      steps.push(...body.rows.map((r) => r._step));
      next = body.next;
      pages += 1;
    }
    assert.equal(pages, 3);
    assert.deepEqual(steps, Array.from({ length: 25_000 }, (_, i) => i * 2));
    const lines = (await daemon.http('/api/runs/paged/history?format=lines&minStep=49990')).body;
    assert.deepEqual(lines.lines.map((l: { step: number }) => l.step), [49_990, 49_992, 49_994, 49_996, 49_998]);
    assert.equal(lines.next, null);
    assert.match(lines.lines[0].line, /^\{"v":24995,"_step":49990,"_runtime":0,"_timestamp":[\d.]+\}$/);
  });

  it('streams committed rows live over websocket', async () => {
    const token = readFileSync(daemon.paths.httpToken, 'utf8').trim();
    const ws = new WebSocket(`ws://127.0.0.1:${daemon.discovery!.httpPort}/api/live?run=live-run`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'live-run' });
    const received = new Promise<any[]>((resolve) => {
      const got: any[] = [];
      ws.on('message', (data) => {
        got.push(JSON.parse(String(data)));
        if (got.length === 3) resolve(got);
      });
    });
    for (let step = 0; step < 3; step += 1) client.log(run, step, { v: step });
    await client.flush();
    const messages = await Promise.race([received, new Promise<any[]>((resolve) => setTimeout(() => resolve([]), 5_000))]);
    ws.close();
    await client.finish(run);
    await client.close();
    assert.deepEqual(messages.map((m) => [m.type, m.runId, m.step, m.row.v]), [
      ['history', 'live-run', 0, 0],
      ['history', 'live-run', 1, 1],
      ['history', 'live-run', 2, 2],
    ]);
  });
});
