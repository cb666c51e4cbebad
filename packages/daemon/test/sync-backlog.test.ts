/**
 * A backlog goes out in back-to-back requests: the send interval paces a run that has caught up, never
 * one whose last batch hit its bounds. With a 60 s interval and 1,000 lines a request, 5,000 stored
 * rows can only arrive within the test's bound if the batches are not paced.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_KEY, assertLines, fakeAndDaemon, FAST_SYNC_ENV, steps } from '../test-utils/sync-env.js';
import { waitFor } from '../test-utils/temp-daemon.js';

describe('sync of a backlog', () => {
  const { fake, daemon } = fakeAndDaemon({ ...FAST_SYNC_ENV, WANDB_DAEMON_SYNC_INTERVAL_MS: '60000', WANDB_DAEMON_SYNC_MAX_LINES: '1000' });

  it('sends every bounded batch of a stored run without waiting the interval between them', async () => {
    const client = await daemon.client();
    const { run } = await client.startRun({ runId: 'backlog1', mode: 'offline' });
    for (let step = 0; step < 5_000; step += 1) client.log(run, step, { x: step });
    await client.finish(run, 0);
    await client.close();
    Object.assign(daemon.env, { WANDB_BASE_URL: fake.url, WANDB_API_KEY: API_KEY });
    const result = await daemon.cli(['sync', 'backlog1']);
    assert.equal(result.code, 0, result.stderr);
    await waitFor(() => fake.run('backlog1')?.complete === true, 20_000, 'the whole backlog and complete');
    assert.deepEqual(steps(assertLines(fake, 'backlog1', 'wandb-history.jsonl', 5_000)), Array.from({ length: 5_000 }, (_, i) => i));
    const batches = fake.requests.filter((r) => r.body?.files?.['wandb-history.jsonl']).map((r) => r.body.files['wandb-history.jsonl'].content.length);
    assert.deepEqual(batches, [1_000, 1_000, 1_000, 1_000, 1_000]);
  });
});
