/**
 * Fetch scheduling of a chart: one request in flight per run, stale requests aborted, one follow-up
 * fetch for live changes during a request, and no old reply ever delivered over a newer one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunPath, SeriesQuery, SeriesReply } from '../src/api.js';
import { LIVE_REFETCH_MS, requestKey, SeriesLoader, slotOf, type LoaderClock, type LoadResult } from '../src/charts/series-loader.js';

interface Call {
  path: RunPath;
  query: SeriesQuery;
  signal: AbortSignal;
  resolve(reply: SeriesReply): void;
  reject(error: Error): void;
}

/** A fetch whose requests the test settles by hand. */
function fakeFetch() {
  const calls: Call[] = [];
  const fetch = (path: RunPath, query: SeriesQuery, signal: AbortSignal) =>
    new Promise<SeriesReply>((resolve, reject) => {
      calls.push({ path, query, signal, resolve, reject });
      signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
    });
  return { calls, fetch };
}

const reply = (tag: number): SeriesReply => ({ key: 'loss', x: '_step', rawCount: tag, aggregated: false, bucketWidth: null, points: [[tag, tag]] });
const path: RunPath = { entity: 'e', project: 'p', run: 'r1' };
const other: RunPath = { entity: 'e', project: 'p', run: 'r2' };
const request = (buckets: number, min?: number, max?: number, p = path) => ({ path: p, query: { key: 'loss', x: '_step', buckets, ...(min !== undefined ? { min, max } : {}) } });
const tick = () => new Promise((r) => setImmediate(r));

/** A clock the test moves by hand; due timers run in order as it advances. */
function fakeClock() {
  let now = 1000;
  let timers: { at: number; fn: () => void }[] = [];
  const clock: LoaderClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimeout: (handle) => void (timers = timers.filter((t) => t !== handle)),
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      now = due.at;
      due.fn();
    }
    now = until;
  };
  /** Sets the clock back (a wall clock corrected); timers keep their due times. */
  const setBack = (ms: number) => void (now -= ms);
  return { clock, advance, setBack, pending: () => timers.length };
}

function setup() {
  const { calls, fetch } = fakeFetch();
  const results: [string, LoadResult][] = [];
  const time = fakeClock();
  const loader = new SeriesLoader(fetch, (slot, result) => results.push([slot, result]), LIVE_REFETCH_MS, time.clock);
  return { calls, results, loader, time };
}

describe('SeriesLoader', () => {
  it('fetches once per slot and delivers the reply', async () => {
    const { calls, results, loader } = setup();
    loader.want(slotOf(path), request(500), 0);
    loader.want(slotOf(path), request(500), 0);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.query.buckets, 500);
    calls[0]!.resolve(reply(1));
    await tick();
    assert.equal(results.length, 1);
    assert.equal(results[0]![1].reply?.rawCount, 1);
    assert.equal(results[0]![1].key, requestKey(request(500)));
    loader.want(slotOf(path), request(500), 0);
    assert.equal(calls.length, 1, 'nothing new to fetch');
  });

  it('live changes during a request: one follow-up fetch after it, never two in flight', async () => {
    const { calls, results, loader, time } = setup();
    loader.want(slotOf(path), request(500), 1);
    loader.want(slotOf(path), request(500), 2);
    loader.want(slotOf(path), request(500), 3);
    loader.want(slotOf(path), request(500), 4);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.signal.aborted, false, 'a live change does not abort');
    time.advance(LIVE_REFETCH_MS);
    calls[0]!.resolve(reply(1));
    await tick();
    assert.equal(calls.length, 2, 'exactly one more fetch');
    assert.equal(results.length, 1);
    calls[1]!.resolve(reply(2));
    await tick();
    assert.equal(calls.length, 2);
    assert.deepEqual(results.map(([, r]) => r.reply?.rawCount), [1, 2]);
    assert.equal(loader.busy, false);
  });

  it('a new query aborts the stale request, whose late reply is never delivered', async () => {
    const { calls, results, loader } = setup();
    loader.want(slotOf(path), request(500), 0);
    loader.want(slotOf(path), request(500, 10, 20), 0);
    assert.equal(calls.length, 2);
    assert.equal(calls[0]!.signal.aborted, true);
    calls[1]!.resolve(reply(2));
    calls[0]!.resolve(reply(1)); // too late: already rejected by the abort
    await tick();
    assert.deepEqual(results.map(([, r]) => r.reply?.rawCount), [2]);
    assert.equal(results[0]![1].request.query.min, 10);
  });

  it('a reply racing its abort is dropped (resolved before the abort is seen)', async () => {
    const results: LoadResult[] = [];
    const resolvers: ((r: SeriesReply) => void)[] = [];
    const loader = new SeriesLoader(() => new Promise<SeriesReply>((resolve) => resolvers.push(resolve)), (_s, r) => results.push(r));
    loader.want('a', request(100), 0);
    resolvers[0]!(reply(1)); // settles, but its then() runs only after the abort below
    loader.want('a', request(200), 0);
    resolvers[1]!(reply(2));
    await tick();
    assert.deepEqual(results.map((r) => r.reply?.rawCount), [2]);
  });

  it('runs have their own slots; dropped runs are aborted', async () => {
    const { calls, results, loader } = setup();
    loader.want(slotOf(path), request(500), 0);
    loader.want(slotOf(other), request(500, undefined, undefined, other), 0);
    assert.equal(calls.length, 2);
    loader.retain(new Set([slotOf(other)]));
    assert.equal(calls[0]!.signal.aborted, true);
    calls[1]!.resolve(reply(7));
    await tick();
    assert.deepEqual(results.map(([slot]) => slot), [slotOf(other)]);
  });

  it('delivers errors once, without retrying the same request', async () => {
    const { calls, results, loader, time } = setup();
    loader.want('a', request(500), 0);
    calls[0]!.reject(new Error('503 Service Unavailable'));
    await tick();
    assert.equal(results[0]![1].error?.message, '503 Service Unavailable');
    loader.want('a', request(500), 0);
    assert.equal(calls.length, 1);
    loader.want('a', request(500), 1);
    assert.equal(calls.length, 1, 'not within the live interval');
    time.advance(LIVE_REFETCH_MS);
    assert.equal(calls.length, 2, 'a live change tries again');
  });

  it('dispose aborts everything and delivers nothing more', async () => {
    const { calls, results, loader } = setup();
    loader.want('a', request(500), 0);
    loader.dispose();
    assert.equal(calls[0]!.signal.aborted, true);
    calls[0]!.resolve(reply(1));
    loader.want('a', request(500), 1);
    await tick();
    assert.equal(calls.length, 1);
    assert.equal(results.length, 0);
  });

  it('a fetch function that throws synchronously becomes an error result', async () => {
    const results: LoadResult[] = [];
    const loader = new SeriesLoader(() => {
      throw new Error('boom');
    }, (_s, r) => results.push(r));
    loader.want('a', request(500), 0);
    await tick();
    assert.equal(results[0]?.error?.message, 'boom');
  });

  it('live versions of a slot fetch at most once per interval, the trailing one always', async () => {
    const { calls, loader, time } = setup();
    loader.want('a', request(500), 0);
    calls[0]!.resolve(reply(0));
    await tick();
    time.advance(100);
    for (let v = 1; v <= 10; v++) {
      loader.want('a', request(500), v);
      time.advance(30);
    }
    assert.equal(calls.length, 1, 'a storm of versions within the interval: no fetch yet');
    time.advance(LIVE_REFETCH_MS);
    assert.equal(calls.length, 2, 'one trailing fetch at the end of the interval');
    calls[1]!.resolve(reply(10));
    await tick();
    time.advance(5 * LIVE_REFETCH_MS);
    assert.equal(calls.length, 2, 'nothing more once the last version is had');
    loader.want('a', request(500), 11);
    assert.equal(calls.length, 3, 'after a quiet interval a version fetches at once');
  });

  it('a clock set back does not hold the trailing fetch back longer than one interval', async () => {
    const { calls, loader, time } = setup();
    loader.want('a', request(500), 0);
    calls[0]!.resolve(reply(0));
    await tick();
    time.setBack(60_000);
    loader.want('a', request(500), 1);
    assert.equal(calls.length, 1, 'inside the interval as far as the clock says');
    time.advance(LIVE_REFETCH_MS);
    assert.equal(calls.length, 2, 'the trailing fetch after one interval, not after the jump');
  });

  it('refetches only the slots whose version moved', async () => {
    const { calls, loader, time } = setup();
    loader.want(slotOf(path), request(500), 3);
    loader.want(slotOf(other), request(500, undefined, undefined, other), 7);
    calls[0]!.resolve(reply(1));
    calls[1]!.resolve(reply(2));
    await tick();
    time.advance(LIVE_REFETCH_MS);
    loader.want(slotOf(path), request(500), 3);
    loader.want(slotOf(other), request(500, undefined, undefined, other), 8);
    assert.deepEqual(calls.slice(2).map((c) => c.path.run), ['r2']);
  });

  it('a new query is not held back by the live interval', async () => {
    const { calls, loader } = setup();
    loader.want('a', request(500), 0);
    calls[0]!.resolve(reply(0));
    await tick();
    loader.want('a', request(500, 10, 20), 0);
    assert.equal(calls.length, 2);
    assert.equal(calls[1]!.query.min, 10);
  });

  it('the smoothing weight is part of the query', () => {
    const plain = request(500);
    const smooth = { path, query: { ...plain.query, smoothing: 0.6 } };
    assert.notEqual(requestKey(plain), requestKey(smooth));
    assert.equal(requestKey(plain), requestKey({ path, query: { ...plain.query, smoothing: 0 } }));
  });

  it('dropping a slot cancels its trailing fetch', async () => {
    const { calls, loader, time } = setup();
    loader.want('a', request(500), 0);
    calls[0]!.resolve(reply(0));
    await tick();
    loader.want('a', request(500), 1);
    assert.equal(time.pending(), 1);
    loader.retain(new Set());
    assert.equal(time.pending(), 0);
    time.advance(LIVE_REFETCH_MS);
    assert.equal(calls.length, 1);
  });
});
