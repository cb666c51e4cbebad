/** The series request and reply: smoothing asked only when on, strict-JSON tokens turned into numbers. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { fetchSeries, seriesReplyOf } from '../src/api.js';

const realFetch = globalThis.fetch;

describe('series API', () => {
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('converts the tokens of points and smoothed points', () => {
    const reply = seriesReplyOf({ key: 'loss', x: '_step', rawCount: 3, aggregated: false, bucketWidth: null, points: [[0, 1], [1, 'NaN'], [2, 'Infinity']], smoothed: [[0, 1], [1, '-Infinity'], [2, 2]] });
    assert.deepEqual(reply.points, [[0, 1], [1, Number.NaN], [2, Number.POSITIVE_INFINITY]]);
    assert.deepEqual(reply.smoothed, [[0, 1], [1, Number.NEGATIVE_INFINITY], [2, 2]]);
    const without = seriesReplyOf({ key: 'loss', x: '_step', rawCount: 0, aggregated: false, bucketWidth: null, points: [] });
    assert.equal('smoothed' in without, false, 'a server without smoothing: no smoothed field');
    assert.equal(seriesReplyOf({ ...without, smoothed: null }).smoothed, null);
  });

  it('asks for smoothing only when the weight is above 0', async () => {
    const urls: string[] = [];
    globalThis.fetch = (async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify({ key: 'loss', x: '_step', rawCount: 1, aggregated: false, bucketWidth: null, points: [[0, 'NaN']], smoothed: [[0, 'NaN']] }));
    }) as typeof fetch;
    const path = { entity: 'e', project: 'p', run: 'r' };
    const reply = await fetchSeries(path, { key: 'loss', buckets: 100, smoothing: 0.6 });
    await fetchSeries(path, { key: 'loss', buckets: 100, smoothing: 0 });
    assert.match(urls[0]!, /[?&]smoothing=0\.6(&|$)/);
    assert.doesNotMatch(urls[1]!, /smoothing/);
    assert.ok(Number.isNaN(reply.smoothed![0]![1]));
  });
});
