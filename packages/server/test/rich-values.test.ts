/**
 * Rich values through the wire and the read API: media files in subfolders uploaded and served with
 * their content types, history key types and custom charts in the run detail, one key's values
 * over a step window, signed URLs for framed HTML, and an official-client-style round trip.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { toWandbJson } from '@wandb-daemon/protocol';
import { signFileReadToken } from '../src/auth/upload-token.js';
import { SIGNED_FILE_CSP } from '../src/http/signed-files-route.js';
import { DATA_FILES } from '../src/server.js';
import { startTempServer, type TempServer } from '../test-utils/temp-server.js';
import * as doc from '../test-utils/wandb-documents.js';
import { WireClient } from '../test-utils/wire-client.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A media file's name as the Python client makes it: `<key>_<step>_<sha256[:20]>.<ext>`. */
const mediaPath = (dir: string, key: string, step: number, bytes: Buffer, ext: string) => `${dir}/${key}_${step}_${sha256(bytes).slice(0, 20)}.${ext}`;

describe('rich values', () => {
  let server: TempServer;
  let client: WireClient;
  before(async () => {
    server = await startTempServer();
    client = new WireClient(server.url, server.adminKey);
  });
  after(() => server.close());

  /** CreateRunFiles, then a PUT of each file's bytes (no auth, as clients do); returns the upload URLs. */
  async function upload(project: string, run: string, files: Record<string, Buffer>): Promise<string[]> {
    const reply = await client.gql(doc.CREATE_RUN_FILES, { entity: 'admin', project, run, files: Object.keys(files) }, 'CreateRunFiles');
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const urls: string[] = reply.body.data.createRunFiles.files.map((f: { uploadUrl: string }) => f.uploadUrl);
    for (const [i, bytes] of Object.values(files).entries()) assert.equal((await fetch(urls[i]!, { method: 'PUT', body: bytes })).status, 200);
    return urls;
  }

  const history = (path: string, offset: number, rows: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
    client.fileStream(path, { files: { 'wandb-history.jsonl': { offset, content: rows.map(toWandbJson) } }, ...extra });

  it('media paths with subfolders are accepted and served with their content types', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]);
    const files: [string, Buffer, string][] = [
      [mediaPath('media/images/val', 'sample', 3, png, 'png'), png, 'image/png'],
      ['media/images/x_1_0123456789abcdef0123.jpg', Buffer.from([0xff, 0xd8, 0xff, 1]), 'image/jpeg'],
      ['media/videos/v_0_0123456789abcdef0123.gif', Buffer.from('GIF89a...'), 'image/gif'],
      ['media/videos/v_1_0123456789abcdef0123.mp4', Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]), 'video/mp4'],
      ['media/videos/v_2_0123456789abcdef0123.webm', Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), 'video/webm'],
      ['media/audio/a_0_0123456789abcdef0123.wav', Buffer.from('RIFF....WAVEfmt '), 'audio/wav'],
      ['media/html/h_0_0123456789abcdef0123.html', Buffer.from('<p>hi</p>'), 'text/html; charset=utf-8'],
      ['media/object3D/o_0_0123456789abcdef0123.glb', Buffer.from('glTF\x02\x00\x00\x00'), 'model/gltf-binary'],
      ['media/object3D/o_1_0123456789abcdef0123.gltf', Buffer.from('{"asset":{"version":"2.0"}}'), 'model/gltf+json'],
      ['media/object3D/pc_0_0123456789abcdef0123.pts.json', Buffer.from('[[0,0,0],[1,1,1]]'), 'application/json'],
      ['media/table/preds_0_0123456789abcdef0123.table.json', Buffer.from('{"columns":["a"],"data":[[1]]}'), 'application/json'],
      ['media/graph/g_0_0123456789abcdef0123.graph.json', Buffer.from('{"nodes":[]}'), 'application/json'],
    ];
    await upload('media', 'paths', Object.fromEntries(files.map(([path, bytes]) => [path, bytes])));
    const listed = (await client.get('/api/v1/runs/admin/media/paths')).body.files.map((f: { path: string; size: number }) => [f.path, f.size]);
    assert.deepEqual(listed, files.map(([path, bytes]) => [path, bytes.length]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
    for (const [path, bytes, type] of files) {
      const got = await client.getBytes(`/api/v1/runs/admin/media/paths/files/${path}`);
      assert.equal(got.status, 200, path);
      assert.equal(got.contentType, type, path);
      assert.deepEqual(got.bytes, bytes, path);
    }
    const html = await fetch(`${server.url}/api/v1/runs/admin/media/paths/files/${files[6]![0]}`, { headers: { authorization: `Basic ${Buffer.from(`api:${server.adminKey}`).toString('base64')}` } });
    assert.equal(html.headers.get('content-security-policy'), 'sandbox', 'the authenticated route runs no script');
  });

  it('run detail: the type of every history key, and custom charts from _wandb.visualize (junk skipped)', async () => {
    const line = (step: number): Record<string, unknown> => ({
      _step: step,
      loss: step === 2 ? Number.NaN : 1 / (step + 1),
      img: step === 1 ? null : { _type: 'image-file', path: `media/images/img_${step}_0123456789abcdef0123.png`, sha256: 'x', size: 1, format: 'png', width: 1, height: 1 },
      val: { sample: { _type: 'images/separated', width: 1, height: 1, format: 'png', count: 2, filenames: ['a.png', 'b.png'] } },
      switched: step < 3 ? step : { _type: 'histogram', values: [1, 2], bins: [0, 1, 2] },
      text: `t${step}`,
      ...(step === 0 ? { none: null } : {}),
    });
    await history('admin/media/types', 0, [0, 1, 2, 3, 4].map(line));
    const chart = (tableKey: unknown, extra: Record<string, unknown> = {}) => ({
      panel_type: 'Vega2',
      panel_config: {
        panelDefId: 'wandb/line/v0',
        fieldSettings: { x: 'step', y: 'loss', stroke: null },
        stringSettings: { title: 'Loss' },
        transform: { name: 'tableWithLeafColNames' },
        userQuery: { queryFields: [{ name: 'runSets', args: [{ name: 'runSets', value: '${runSets}' }], fields: [{ name: 'id', fields: [] }, { name: 'summaryTable', args: [{ name: 'tableKey', value: tableKey }], fields: [] }] }] },
        ...extra,
      },
    });
    const visualize = {
      loss_chart: chart('loss_chart_table'),
      junk_type: { ...chart('t'), panel_type: 'Other' },
      no_table: chart(5),
      not_object: 'x',
      null_entry: null,
      bad_fields: chart('t', { fieldSettings: ['x'] }),
      no_def: chart('t', { panelDefId: 7 }),
      no_query: chart('t', { userQuery: null }),
    };
    // A user key named "__proto__" (defined as data: a literal would set the prototype instead).
    Object.defineProperty(visualize, '__proto__', { value: chart('proto_table', { fieldSettings: JSON.parse('{"__proto__":"col"}') }), enumerable: true });
    const config = JSON.stringify({ lr: { value: 0.1 }, _wandb: { value: { t: {}, visualize } } });
    const upsert = await client.gql(doc.UPSERT_BUCKET, { ...doc.nullUpsertVariables(), name: 'types', project: 'media', config }, 'UpsertBucket');
    assert.equal(upsert.status, 200, JSON.stringify(upsert.body));
    const detail = (await client.get('/api/v1/runs/admin/media/types')).body;
    assert.deepEqual(detail.historyKeyTypes, { img: 'image-file', loss: 'number', none: 'json', switched: 'histogram', text: 'json', 'val.sample': 'images/separated' });
    assert.deepEqual(Object.keys(detail.historyKeyTypes), detail.historyKeys);
    // A user key named "__proto__" is a key like any other, in the types and in the values.
    const proto = '{"_type":"image-file","path":"media/images/p.png"}';
    await client.fileStream('admin/media/proto', { files: { 'wandb-history.jsonl': { offset: 0, content: [`{"_step":0,"__proto__":${proto}}`] } } });
    const protoTypes = (await client.get('/api/v1/runs/admin/media/proto')).body.historyKeyTypes;
    assert.ok(Object.hasOwn(protoTypes, '__proto__'));
    assert.equal(protoTypes.__proto__, 'image-file');
    const protoValues = (await client.get('/api/v1/runs/admin/media/proto/history/values?key=__proto__')).body;
    assert.deepEqual(protoValues, { key: '__proto__', total: 1, values: [{ step: 0, value: JSON.parse(proto) }] });
    assert.deepEqual(detail.charts, [
      { key: 'loss_chart', panelDefId: 'wandb/line/v0', tableKey: 'loss_chart_table', fields: { x: 'step', y: 'loss' }, stringFields: { title: 'Loss' } },
      JSON.parse('{"key":"__proto__","panelDefId":"wandb/line/v0","tableKey":"proto_table","fields":{"__proto__":"col"},"stringFields":{"title":"Loss"}}'),
    ]);
    for (const [name, bad] of [['no-visualize', { t: {} }], ['visualize-list', { visualize: [chart('t')] }], ['visualize-string', { visualize: 'x' }]] as const) {
      await client.gql(doc.UPSERT_BUCKET, { ...doc.nullUpsertVariables(), name, project: 'media', config: JSON.stringify({ _wandb: { value: bad } }) }, 'UpsertBucket');
      const reply = await client.get(`/api/v1/runs/admin/media/${name}`);
      assert.equal(reply.status, 200, name);
      assert.deepEqual(reply.body.charts, [], name);
      assert.deepEqual(reply.body.historyKeyTypes, {}, name);
    }
  });

  it('history/values: non-null values in step order, NaN as a string, spread evenly over the window; errors', async () => {
    const rows = Array.from({ length: 10_050 }, (_, i) => ({ _step: i * 2, loss: i === 7 ? Number.NaN : i, ...(i % 10 === 0 ? { hist: i === 20 ? null : { _type: 'histogram', values: [i], bins: [0, 1] } } : {}) }));
    assert.equal((await history('admin/media/values', 0, rows)).status, 200);
    const values = (query: string) => client.get(`/api/v1/runs/admin/media/values/history/values?${query}`);
    const all = (await values('key=hist&limit=10000')).body;
    assert.equal(all.key, 'hist');
    assert.equal(all.total, 1004, 'a null is no value');
    assert.deepEqual(all.values.slice(0, 3), [0, 10, 30].map((i) => ({ step: i * 2, value: { _type: 'histogram', values: [i], bins: [0, 1] } })));
    const window = (await values('key=loss&minStep=10&maxStep=20')).body;
    assert.deepEqual(window, { key: 'loss', total: 6, values: [5, 6, 7, 8, 9, 10].map((i) => ({ step: i * 2, value: i === 7 ? 'NaN' : i })) });
    const spread = (await values('key=loss&minStep=0&maxStep=999&limit=3')).body;
    assert.deepEqual(spread, { key: 'loss', total: 500, values: [{ step: 0, value: 0 }, { step: 500, value: 250 }, { step: 998, value: 499 }] });
    const byDefault = (await values('key=loss')).body;
    assert.equal(byDefault.total, 10_050);
    assert.equal(byDefault.values.length, 1000);
    assert.deepEqual([byDefault.values[0], byDefault.values[999]], [{ step: 0, value: 0 }, { step: 20_098, value: 10_049 }]);
    const capped = (await values('key=loss&limit=20000')).body;
    assert.equal(capped.values.length, 10_000, 'the limit is at most 10000');
    assert.deepEqual(capped.values[9999], { step: 20_098, value: 10_049 });
    assert.deepEqual((await values('key=loss&limit=0')).body, { key: 'loss', total: 10_050, values: [] });
    assert.deepEqual((await values('key=absent')).body, { key: 'absent', total: 0, values: [] });
    assert.deepEqual((await values('key=loss&minStep=30&maxStep=20')).body, { key: 'loss', total: 0, values: [] });
    for (const bad of ['', 'key=', 'key=a&key=b', 'key=loss&limit=-1', 'key=loss&limit=x', 'key=loss&minStep=1.5', 'key=loss&maxStep=y']) assert.equal((await values(bad)).status, 400, bad);
    const bob = server.createUser('bob-values');
    assert.equal((await new WireClient(server.url, bob.key).get('/api/v1/runs/admin/media/values/history/values?key=loss')).status, 404);
    assert.equal((await new WireClient(server.url, null).get('/api/v1/runs/admin/media/values/history/values?key=loss')).status, 401);
  });

  it('file-url signs a short-lived URL that serves the file sandboxed, without the key; tampering is refused', async () => {
    const page = Buffer.from('<html><script>document.title = "x"</script></html>');
    const other = Buffer.from('<p>other</p>');
    const path = 'media/html/my page/ü_0_0123456789abcdef0123.html';
    const uploadUrls = await upload('media', 'signed', { [path]: page, 'media/html/o_0_0123456789abcdef0123.html': other });
    const fileUrl = (p: string) => client.get(`/api/v1/runs/admin/media/signed/file-url?${new URLSearchParams({ path: p })}`);
    const signed = await fileUrl(path);
    assert.equal(signed.status, 200);
    const url: string = signed.body.url;
    assert.ok(url.startsWith('/api/v1/signed-files/'), url);
    assert.ok(url.endsWith('/media/html/my%20page/%C3%BC_0_0123456789abcdef0123.html'), url);
    const got = await fetch(`${server.url}${url}`);
    assert.equal(got.status, 200);
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), page);
    assert.equal(got.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(got.headers.get('content-security-policy'), SIGNED_FILE_CSP);
    assert.match(SIGNED_FILE_CSP, /^sandbox allow-scripts; default-src 'none';/, 'scripts run sandboxed, and nothing comes from the network');
    assert.match(SIGNED_FILE_CSP, /frame-ancestors 'self'$/);
    assert.equal(got.headers.get('content-security-policy'), SIGNED_FILE_CSP);
    assert.equal(got.headers.get('cache-control'), 'private, max-age=600');
    assert.equal(got.headers.get('referrer-policy'), 'no-referrer');
    const token = url.split('/')[4]!;
    const [payload, signature] = token.split('.') as [string, string];
    const [runId, , expires] = JSON.parse(Buffer.from(payload, 'base64url').toString()) as [number, string, number];
    assert.ok(Math.abs(expires - (Date.now() / 1000 + 600)) < 60, 'valid for 10 minutes');
    const refused = async (u: string) => assert.equal((await fetch(`${server.url}${u}`)).status, 403, u);
    await refused(`/api/v1/signed-files/${token}/media/html/o_0_0123456789abcdef0123.html`);
    await refused(`/api/v1/signed-files/${payload}.${signature.slice(0, -2)}AA/${url.split('/').slice(5).join('/')}`);
    const forged = Buffer.from(JSON.stringify([runId, 'media/html/o_0_0123456789abcdef0123.html', expires])).toString('base64url');
    await refused(`/api/v1/signed-files/${forged}.${signature}/media/html/o_0_0123456789abcdef0123.html`);
    await refused(`/api/v1/signed-files/garbage/${path}`);
    const secret = Buffer.from(readFileSync(join(server.dataDir, DATA_FILES.secret), 'utf8').trim(), 'hex');
    const expired = signFileReadToken(secret, { runId, path: 'media/html/o_0_0123456789abcdef0123.html', expires: Date.now() / 1000 - 1 });
    await refused(`/api/v1/signed-files/${expired}/media/html/o_0_0123456789abcdef0123.html`);
    const fresh = signFileReadToken(secret, { runId, path: 'media/html/o_0_0123456789abcdef0123.html', expires: Date.now() / 1000 + 60 });
    assert.equal((await fetch(`${server.url}/api/v1/signed-files/${fresh}/media/html/o_0_0123456789abcdef0123.html`)).status, 200, 'the same secret signs a valid one');
    // Upload and read tokens are not interchangeable.
    const uploadToken = uploadUrls[1]!.slice(uploadUrls[1]!.lastIndexOf('/') + 1);
    await refused(`/api/v1/signed-files/${uploadToken}/media/html/o_0_0123456789abcdef0123.html`);
    assert.equal((await fetch(`${server.url}/upload/${token}`, { method: 'PUT', body: 'overwritten' })).status, 403);
    assert.deepEqual(Buffer.from(await (await fetch(`${server.url}${url}`)).arrayBuffer()), page);
    // Asking for a URL needs the key and an uploaded file.
    assert.equal((await new WireClient(server.url, null).get(`/api/v1/runs/admin/media/signed/file-url?path=${encodeURIComponent(path)}`)).status, 401);
    assert.equal((await fileUrl('media/html/absent.html')).status, 404);
    await client.fileStream('admin/media/signed', { uploaded: ['reported-only.html'] });
    assert.equal((await fileUrl('reported-only.html')).status, 404, 'reported uploaded, but no bytes here');
    assert.equal((await client.get('/api/v1/runs/admin/media/signed/file-url')).status, 400);
  });

  it('official-client round trip: history with image, histogram and table values, their files, the summary table of a chart', async () => {
    const run = 'admin/media/roundtrip';
    const config = JSON.stringify({
      epochs: { value: 5 },
      _wandb: { value: { t: { 1: [1] }, visualize: { pr: { panel_type: 'Vega2', panel_config: { panelDefId: 'wandb/area-under-curve/v0', fieldSettings: { x: 'recall', y: 'precision', class: 'class' }, stringSettings: { title: 'PR' }, userQuery: { queryFields: [{ name: 'runSets', args: [], fields: [{ name: 'summaryTable', args: [{ name: 'tableKey', value: 'pr_table' }], fields: [] }] }] } } } } } },
    });
    assert.equal((await client.gql(doc.UPSERT_BUCKET, { ...doc.nullUpsertVariables(), name: 'roundtrip', project: 'media', config }, 'UpsertBucket')).status, 200);
    const steps = [0, 1, 2, 3, 4];
    const images = steps.map((s) => Buffer.from(`png bytes of step ${s}`));
    const tables = steps.map((s) => Buffer.from(JSON.stringify({ columns: ['x', 'y'], data: [[s, s * s]] })));
    const prTable = Buffer.from(JSON.stringify({ columns: ['class', 'recall', 'precision'], data: [['a', 0.5, 0.9]] }));
    const imagePaths = steps.map((s) => mediaPath('media/images/val', 'samples', s, images[s]!, 'png'));
    const tablePaths = steps.map((s) => `media/table/preds_${s}_${sha256(tables[s]!).slice(0, 20)}.table.json`);
    const prPath = `media/table/pr_table_4_${sha256(prTable).slice(0, 20)}.table.json`;
    const rows = steps.map((s) => ({
      _step: s,
      _runtime: s * 1.5,
      _timestamp: 1_700_000_000 + s,
      loss: 1 / (s + 1),
      val: { samples: { _type: 'image-file', path: imagePaths[s], sha256: sha256(images[s]!), size: images[s]!.length, format: 'png', width: 8, height: 8, caption: `step ${s}` } },
      grads: { _type: 'histogram', values: [s, 1, 0], bins: [-1, 0, 1, 2] },
      preds: { _type: 'table-file', path: tablePaths[s], sha256: sha256(tables[s]!), size: tables[s]!.length, ncols: 2, nrows: 1 },
    }));
    // As the Python client sends them: history in two requests, then the files, then `uploaded` and the summary.
    assert.equal((await history(run, 0, rows.slice(0, 3))).status, 200);
    assert.equal((await history(run, 3, rows.slice(3))).status, 200);
    await upload('media', 'roundtrip', Object.fromEntries([...imagePaths.map((p, i) => [p, images[i]!]), ...tablePaths.map((p, i) => [p, tables[i]!]), [prPath, prTable]]));
    const summary = { ...rows[4], pr_table: { _type: 'table-file', path: prPath, sha256: sha256(prTable), size: prTable.length, ncols: 3, nrows: 1 } };
    const end = await client.fileStream(run, { files: { 'wandb-summary.json': { offset: 0, content: [toWandbJson(summary)] } }, uploaded: [...imagePaths, ...tablePaths, prPath], complete: true, exitcode: 0 });
    assert.equal(end.status, 200);
    const detail = (await client.get('/api/v1/runs/admin/media/roundtrip')).body;
    assert.equal(detail.state, 'finished');
    assert.deepEqual(detail.historyKeyTypes, { _runtime: 'number', _timestamp: 'number', grads: 'histogram', loss: 'number', preds: 'table-file', 'val.samples': 'image-file' });
    assert.deepEqual(detail.charts, [{ key: 'pr', panelDefId: 'wandb/area-under-curve/v0', tableKey: 'pr_table', fields: { x: 'recall', y: 'precision', class: 'class' }, stringFields: { title: 'PR' } }]);
    assert.equal(detail.summary.pr_table.path, prPath);
    assert.ok(detail.files.every((f: { uploaded: boolean }) => f.uploaded));
    const values = (key: string, query = '') => client.get(`/api/v1/runs/admin/media/roundtrip/history/values?key=${encodeURIComponent(key)}${query}`).then((r) => r.body);
    const samples = await values('val.samples');
    assert.equal(samples.total, 5);
    assert.deepEqual(samples.values, rows.map((r) => ({ step: r._step, value: r.val.samples })));
    assert.deepEqual((await values('grads', '&minStep=3')).values, [3, 4].map((s) => ({ step: s, value: rows[s]!.grads })));
    const spread = await values('preds', '&limit=2');
    assert.deepEqual(spread.values.map((v: { step: number }) => v.step), [0, 4]);
    // The paths in the values fetch the bytes that were uploaded.
    for (const { value } of [...samples.values, ...(await values('preds')).values]) {
      const got = await client.getBytes(`/api/v1/runs/admin/media/roundtrip/files/${value.path}`);
      assert.equal(got.status, 200, value.path);
      assert.equal(sha256(got.bytes), value.sha256, value.path);
    }
    const pr = await client.getBytes(`/api/v1/runs/admin/media/roundtrip/files/${detail.summary.pr_table.path}`);
    assert.deepEqual(JSON.parse(pr.bytes.toString()), { columns: ['class', 'recall', 'precision'], data: [['a', 0.5, 0.9]] });
    assert.equal(pr.contentType, 'application/json');
  });
});
