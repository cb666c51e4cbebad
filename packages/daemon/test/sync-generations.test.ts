/**
 * Late answers against a reset sync (src/sync/sync-store.ts generations, src/sync/run-syncer.ts): a
 * request is held in flight at the fake server while the run is resumed locally or given another
 * remote; its answer, released afterwards, must change nothing. Also `wandb-daemon sync` reopening a
 * run that an older daemon left marked done with lines undelivered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeWandbServer } from '../test-utils/fake-wandb-server.js';
import { API_KEY, assertLines, steps } from '../test-utils/sync-env.js';
import { appendHistory, holdRequest, remoteRun, setState, turnsUntil } from '../test-utils/sync-harness.js';
import { waitFor } from '../test-utils/temp-daemon.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('sync generations: late answers after a reset', () => {
  const fake = new FakeWandbServer(API_KEY);
  const other = new FakeWandbServer(API_KEY);
  before(async () => {
    await fake.listen();
    await other.listen();
  });
  after(async () => {
    await fake.close();
    await other.close();
  });

  it('a late answer to the complete of a run resumed meanwhile does not mark the resumed run done', async () => {
    const { db, pk, store, syncer } = remoteRun(fake, { runId: 'resumed', state: 'finished', exitCode: 0 }, 3);
    const { inFlight, release } = await holdRequest(fake, syncer, (req) => req.body?.complete === true);
    // The client re-inits with resume 'allow' (handle-run-start: resume, then reopen) and logs more.
    setState(db, pk, 'running');
    store.reopen(pk);
    appendHistory(db, pk, 5);
    release();
    await inFlight;
    const state = db.prepare('SELECT done, complete_sent FROM sync_state WHERE run_pk = ?').get(pk);
    assert.deepEqual(state, { done: 0, complete_sent: 0 }, 'the late answer marked the resumed run done');
    assert.deepEqual(store.activeRuns(), [pk]);
    setState(db, pk, 'finished', 0);
    await turnsUntil(syncer, () => store.load(pk)!.done === 1);
    assert.deepEqual(steps(assertLines(fake, 'resumed', 'wandb-history.jsonl', 8)), range(8));
    assert.equal(fake.run('resumed')!.complete, true);
    db.close();
  });

  it('a late file_stream answer from the old server does not advance the new server\'s watermarks', async () => {
    const { db, pk, store, syncer } = remoteRun(fake, { runId: 'moved' }, 100);
    const { inFlight, release } = await holdRequest(fake, syncer, (req) => req.body?.files?.['wandb-history.jsonl'] !== undefined);
    // `wandb-daemon sync moved` against another server (handle-sync: setRemote, retryFatal).
    db.transaction(() => {
      store.setRemote(pk, { baseUrl: other.url, apiKey: API_KEY });
      store.retryFatal(pk);
    })();
    release();
    await inFlight;
    const row = store.load(pk)!;
    assert.equal(row.wm_history, 0, 'the old server\'s answer moved the new server\'s watermark');
    assert.equal(row.upserted, 0);
    await turnsUntil(syncer, () => store.load(pk)!.wm_history === 100);
    assert.deepEqual(steps(assertLines(other, 'moved', 'wandb-history.jsonl', 100)), range(100));
    db.close();
  });

  it('a late UpsertBucket answer from the old server leaves the new remote unattached', async () => {
    const { db, pk, store, syncer } = remoteRun(fake, { runId: 'moved-early' }, 2);
    const { inFlight, release } = await holdRequest(fake, syncer, (req) => req.operationName === 'UpsertBucket');
    store.setRemote(pk, { baseUrl: other.url, apiKey: API_KEY });
    release();
    await inFlight;
    const row = store.load(pk)!;
    assert.deepEqual({ upserted: row.upserted, bucket: row.bucket_id, entity: row.server_entity }, { upserted: 0, bucket: null, entity: null });
    await turnsUntil(syncer, () => store.load(pk)!.wm_history === 2);
    assert.equal(other.run('moved-early')!.id, store.load(pk)!.bucket_id);
    db.close();
  });

  it('abandons the request in flight when poked after a reset', { timeout: 20_000 }, async () => {
    const { db, pk, store, syncer } = remoteRun(fake, { runId: 'abandoned', state: 'finished', exitCode: 0 }, 0, { requestTimeoutMs: 10 * 60_000 });
    fake.hangWhen = (req) => req.operationName === 'UpsertBucket' && req.body.variables.name === 'abandoned';
    const inFlight = syncer.turn();
    await waitFor(() => fake.requests.some((req) => req.operationName === 'UpsertBucket' && req.body.variables.name === 'abandoned'), 5_000, 'the UpsertBucket to arrive');
    syncer.abandonIfStale(store.epochOf(pk)); // same generation: nothing is abandoned
    setState(db, pk, 'running');
    store.reopen(pk);
    syncer.abandonIfStale(store.epochOf(pk));
    await inFlight; // without the abort this waits for the 10 min request timeout
    fake.hangWhen = null;
    assert.equal((db.prepare('SELECT last_error FROM sync_state WHERE run_pk = ?').get(pk) as { last_error: string | null }).last_error, null, 'an abandoned request is not a failure');
    assert.equal(syncer.nextAt, 0);
    db.close();
  });

  it('wandb-daemon sync reopens a run left marked done with lines undelivered', async () => {
    const { db, pk, store, syncer } = remoteRun(fake, { runId: 'stuck' }, 10);
    await turnsUntil(syncer, () => store.load(pk)!.wm_history === 10);
    appendHistory(db, pk, 5);
    // What an older daemon's race left behind: done, complete sent, the run running with lines unsent.
    db.prepare('UPDATE sync_state SET done = 1, complete_sent = 1 WHERE run_pk = ?').run(pk);
    assert.deepEqual(store.activeRuns(), []);
    store.setRemote(pk, { baseUrl: fake.url, apiKey: API_KEY });
    store.retryFatal(pk);
    assert.deepEqual(store.activeRuns(), [pk], 'wandb-daemon sync left the run stuck');
    await turnsUntil(syncer, () => store.load(pk)!.wm_history === 15);
    setState(db, pk, 'finished', 0);
    await turnsUntil(syncer, () => store.load(pk)!.done === 1);
    assert.deepEqual(steps(assertLines(fake, 'stuck', 'wandb-history.jsonl', 15)), range(15));
    // A run fully delivered is left alone.
    const epoch = store.epochOf(pk);
    store.retryFatal(pk);
    assert.equal(store.epochOf(pk), epoch);
    assert.deepEqual(store.activeRuns(), []);
    db.close();
  });
});

/** Waits (yielding to the event loop) until the fake has received a matching request. */
