/** The media read API: URLs built, the key sent, replies read. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { fetchFile, fetchHistoryValues, fetchSignedFileUrl, historyValuesUrl, runFileUrl, signedFileUrlEndpoint } from '../src/api.js';

const realFetch = globalThis.fetch;
const run = { entity: 'me', project: 'my proj', run: 'r/1' };

describe('media API URLs', () => {
  it('encodes the run and each file path segment, keeping the slashes', () => {
    assert.equal(runFileUrl(run, 'media/images/sub dir/a#1?.png'), '/api/v1/runs/me/my%20proj/r%2F1/files/media/images/sub%20dir/a%231%3F.png');
  });
  it('asks for history values with only the bounds given', () => {
    assert.equal(historyValuesUrl(run, { key: 'img', limit: 500 }), '/api/v1/runs/me/my%20proj/r%2F1/history/values?key=img&limit=500');
    const url = new URL(historyValuesUrl(run, { key: 'a b&c=d', minStep: 0, maxStep: 99, limit: 2 }), 'http://x');
    assert.equal(url.pathname, '/api/v1/runs/me/my%20proj/r%2F1/history/values');
    assert.deepEqual(Object.fromEntries(url.searchParams), { key: 'a b&c=d', minStep: '0', maxStep: '99', limit: '2' });
  });
  it('asks to sign a file path as a query parameter', () => {
    const url = new URL(signedFileUrlEndpoint(run, 'media/html/p&q.html'), 'http://x');
    assert.equal(url.pathname, '/api/v1/runs/me/my%20proj/r%2F1/file-url');
    assert.equal(url.searchParams.get('path'), 'media/html/p&q.html');
  });
});

describe('media API requests', () => {
  afterEach(() => {
    globalThis.fetch = realFetch;
  });
  const capture = (body: unknown, status = 200) => {
    const calls: { url: string; init: RequestInit }[] = [];
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
    }) as typeof fetch;
    return calls;
  };

  it('fetches history values with the API headers and the abort signal', async () => {
    const calls = capture({ key: 'img', values: [{ step: 3, value: { _type: 'image-file', path: 'media/images/a.png' } }], total: 9 });
    const controller = new AbortController();
    const reply = await fetchHistoryValues(run, { key: 'img', limit: 1 }, controller.signal);
    assert.equal(reply.total, 9);
    assert.equal(reply.values[0]!.step, 3);
    assert.equal(calls[0]!.init.signal, controller.signal);
    assert.equal((calls[0]!.init.headers as Record<string, string>)['x-requested-with'], 'wandb-dashboard');
  });
  it('returns the signed URL, and turns a refusal into an ApiError', async () => {
    capture({ url: '/signed/abc?sig=1' });
    assert.equal(await fetchSignedFileUrl(run, 'media/html/a.html'), '/signed/abc?sig=1');
    capture({ errors: [{ message: 'no uploaded file media/html/a.html' }] }, 404);
    await assert.rejects(fetchSignedFileUrl(run, 'media/html/a.html'), (e: Error & { status?: number }) => e.status === 404 && /no uploaded file/.test(e.message));
  });
  it('fetches file bytes from the encoded file URL', async () => {
    const calls = capture('bytes');
    const blob = await fetchFile(run, 'media/images/a b.png');
    assert.equal(await blob.text(), 'bytes');
    assert.equal(calls[0]!.url, '/api/v1/runs/me/my%20proj/r%2F1/files/media/images/a%20b.png');
  });
});

describe('run file paths from logged values', () => {
  it('refuses paths that would leave the run (the browser resolves .. before sending, encoded or not)', () => {
    assert.match(runFileUrl(run, 'media/images/val/a_1_abc.png'), /\/files\/media\/images\/val\/a_1_abc\.png$/);
    for (const bad of ['media/../../../e2/p2/r2/files/x.png', 'media/%2E%2e/x', '/media/x', 'media//x', 'media/./x', 'media\\x']) {
      assert.throws(() => runFileUrl(run, bad), /refused file path/, bad);
    }
  });
});
