/**
 * Rich values end to end: a client process logs every type (histograms, images, a table with image
 * cells, plots, video, audio, HTML, a point cloud) and watches a tiny TensorFlow.js model; the daemon
 * stores and syncs the values and their files; the server keeps and serves them; headless Chromium
 * shows each in the dashboard. Assertions read what the server answers and what the page holds
 * (data attributes), not pixels; a screenshot of the media area goes to test-output/dashboard.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import { launchChromium, screenshot, signIn } from './browser.js';
import { clientEnv, daemonFor, RestartableServer, UserScript, waitFor } from './stack.js';

const TFJS_URL = pathToFileURL(createRequire(import.meta.url).resolve('@tensorflow/tfjs')).href;
const STEPS = 10;
const CLASSES = ['cat', 'dog', 'bird'];
const Y_TRUE = [0, 0, 1, 1, 2, 2, 0, 1];
const Y_PRED = [0, 1, 1, 1, 2, 0, 0, 2];

/** Every rich type, at several steps where a slider matters, plus watch() on a 2-layer tfjs model. */
const MEDIA_RUN = `
const tf = await import(${JSON.stringify(TFJS_URL)});
await tf.setBackend('cpu');
const run = await wandb.init({ project: 'media', id: 'rich1', name: 'rich values' });
const pixels = (seed) => ({ data: Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 7 + seed * 40) & 255), shape: [16, 16, 3] });
const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }), tf.layers.dense({ units: 2 })] });
model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
run.watch(model, { log: 'all', logFreq: 2 });
await model.fit(tf.randomNormal([32, 3]), tf.randomNormal([32, 2]), { epochs: 1, batchSize: 8, verbose: 0 });
for (let step = 0; step < ${STEPS}; step++) {
  const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i + step) * (step + 1));
  run.log({ weights: new wandb.Histogram(values), samples: new wandb.Image(pixels(step), { caption: 'sample ' + step }), loss: 1 / (step + 1) });
}
const table = new wandb.Table({ columns: ['id', 'label', 'picture'] });
for (let i = 0; i < 60; i++) table.addData(i, i % 2 ? 'odd' : 'even', new wandb.Image(pixels(i % 3)));
const frames = { data: Uint8Array.from({ length: 4 * 3 * 8 * 8 }, (_, i) => (i * 13) & 255), shape: [4, 3, 8, 8] };
run.log({
  grid: [0, 1, 2].map((i) => new wandb.Image(pixels(i), { caption: 'grid ' + i })),
  predictions: table,
  cm: wandb.plot.confusionMatrix({ yTrue: ${JSON.stringify(Y_TRUE)}, preds: ${JSON.stringify(Y_PRED)}, classNames: ${JSON.stringify(CLASSES)} }),
  roc: wandb.plot.rocCurve(${JSON.stringify(Y_TRUE)}, ${JSON.stringify(Y_TRUE.map((t) => [0, 1, 2].map((c) => (c === t ? 0.7 : 0.15))))}, undefined, undefined, 'ROC'),
  clip: new wandb.Video(frames, { fps: 2, caption: 'a clip' }),
  tone: new wandb.Audio(Float32Array.from({ length: 800 }, (_, i) => Math.sin(i / 5)), { sampleRate: 8000, caption: 'a tone' }),
  report: new wandb.Html('<h1 id="title">report</h1><script>document.title = "ran"</script>', { inject: false }),
  cloud: new wandb.Object3D(Array.from({ length: 50 }, (_, i) => [i, i % 5, i % 7])),
});
await run.finish();
`;

/** The media panel of `key`, once ready, with its data attributes. */
async function panel(page: Page, key: string): Promise<Record<string, string>> {
  const selector = `.media-panel[data-media-key="${key}"][data-state="ready"]`;
  await page.waitForSelector(selector, { timeout: 30_000 });
  return attributes(page, selector);
}

async function attributes(page: Page, selector: string): Promise<Record<string, string>> {
  return page.$eval(selector, (el) => Object.fromEntries(Array.from(el.attributes as ArrayLike<{ name: string; value: string }>, (a) => [a.name, a.value])));
}

/** Polls from Node (the dashboard's CSP forbids eval, which Playwright's string predicates use). */
async function until(page: Page, selector: string, check: (attrs: Record<string, string>) => boolean, what: string): Promise<Record<string, string>> {
  let last: Record<string, string> = {};
  try {
    await waitFor(async () => {
      last = (await page.$(selector)) ? await attributes(page, selector) : {};
      return check(last);
    }, 30_000, what);
  } catch {
    const panels = await page.$$eval('.media-panel', (els) => els.map((el) => `${el.getAttribute('data-media-key')}:${el.getAttribute('data-state')}`));
    assert.fail(`timed out waiting for ${what}; last attributes ${JSON.stringify(last)}; panels on the page: ${panels.join(', ')}`);
  }
  return last;
}

describe('rich values through the whole product', () => {
  const server = new RestartableServer();
  let daemon: TempDaemon;
  let browser: Browser;

  before(async () => {
    await server.start();
    daemon = daemonFor();
    browser = await launchChromium();
    await new UserScript(MEDIA_RUN, clientEnv(daemon, server, server.adminKey)).succeeded(180_000);
    await waitFor(async () => {
      const run = await server.run('admin', 'media', 'rich1');
      return run?.state === 'finished' && run.files.filter((f: { path: string; uploaded: boolean }) => f.path.startsWith('media/') && f.uploaded).length >= 20;
    }, 90_000, 'rich1 and its media on the server');
  });
  after(async () => {
    await browser?.close();
    await daemon?.dispose();
    await server.stop();
  });

  test('the server holds W&B JSON for every type and serves the files it names', async () => {
    const run = await server.run('admin', 'media', 'rich1');
    const types = run.historyKeyTypes as Record<string, string>;
    for (const [key, type] of Object.entries({
      weights: 'histogram', samples: 'image-file', grid: 'images/separated', predictions: 'table-file', cm_table: 'table-file', roc_table: 'table-file',
      clip: 'video-file', tone: 'audio-file', report: 'html-file', cloud: 'object3D-file', loss: 'number',
    })) assert.equal(types[key], type, `type of ${key}`);
    const gradientKeys = Object.keys(types).filter((k) => k.startsWith('gradients/'));
    const parameterKeys = Object.keys(types).filter((k) => k.startsWith('parameters/'));
    assert.equal(gradientKeys.length, 4, `kernel and bias of two layers: ${gradientKeys.join(', ')}`);
    assert.equal(parameterKeys.length, 4);
    assert.equal(run.summary.graph_0._type, 'graph-file');
    assert.deepEqual(run.charts.map((c: { key: string; panelDefId: string; tableKey: string }) => [c.key, c.panelDefId, c.tableKey]).sort(), [
      ['cm', 'wandb/confusion_matrix/v1', 'cm_table'],
      ['roc', 'wandb/area-under-curve/v0', 'roc_table'],
    ]);

    const samples = await server.get(`/api/v1/runs/admin/media/rich1/history/values?key=samples`);
    assert.equal(samples.total, STEPS);
    assert.deepEqual(samples.values.map((v: { step: number }) => v.step), Array.from({ length: STEPS }, (_, i) => i));
    const first = samples.values[0].value;
    assert.equal(first._type, 'image-file');
    assert.match(first.path, /^media\/images\/samples_0_[0-9a-f]{20}\.png$/);
    assert.deepEqual([first.width, first.height, first.format, first.caption], [16, 16, 'png', 'sample 0']);
    // The file the JSON names is on the server, byte for byte what its sha256 says.
    const bytes = await server.bytes(`/api/v1/runs/admin/media/rich1/files/${first.path}`);
    assert.equal(bytes.length, first.size);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), first.sha256);
    assert.deepEqual([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG');
  });

  test('the dashboard shows every type: sliders, heatmap, table, charts, players, sandboxed HTML, 3D, graph', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await signIn(page, server.url, server.adminKey);
    await page.waitForSelector('[data-page="projects"]');
    await page.goto(`${server.url}/#/r/admin/media/rich1`);
    await page.waitForSelector('[data-page="run"]');

    const samples = await panel(page, 'samples');
    assert.equal(samples['data-media-type'], 'image-file');
    assert.equal(samples['data-step-count'], String(STEPS));
    assert.equal(samples['data-following'], 'true');
    assert.deepEqual(JSON.parse(samples['data-captions']!), [`sample ${STEPS - 1}`]);
    await page.waitForSelector('.media-panel[data-media-key="samples"] img[data-state="ready"]');
    // Moving the slider to the first step shows that step's image and stops following.
    await page.locator('.media-panel[data-media-key="samples"] input[type="range"]').fill('0');
    const moved = await until(page, '.media-panel[data-media-key="samples"]', (a) => a['data-step'] === '0', 'the slider to show step 0');
    assert.deepEqual(JSON.parse(moved['data-captions']!), ['sample 0']);
    assert.equal(moved['data-following'], 'false');

    const grid = await panel(page, 'grid');
    assert.deepEqual(JSON.parse(grid['data-captions']!), ['grid 0', 'grid 1', 'grid 2']);
    assert.equal(JSON.parse(grid['data-paths']!).length, 3);

    const weights = await panel(page, 'weights');
    assert.equal(weights['data-heatmap-steps'], String(STEPS));
    assert.ok(Number(weights['data-heatmap-bins']) >= 64, `bins ${weights['data-heatmap-bins']}`);
    const gradient = await page.$$eval('.media-panel[data-media-type="histogram"]', (els) => els.map((el) => el.getAttribute('data-media-key')));
    assert.equal(gradient.filter((k) => k?.startsWith('gradients/')).length, 4, gradient.join(', '));

    const table = await panel(page, 'predictions');
    assert.equal(table['data-row-total'], '60');
    assert.equal(table['data-row-count'], '50');
    assert.equal(table['data-pages'], '2');
    await page.waitForSelector('.media-panel[data-media-key="predictions"] img[data-state="ready"]');
    await page.locator('.media-panel[data-media-key="predictions"] [data-control="table-filter"]').fill('odd');
    await until(page, '.media-panel[data-media-key="predictions"]', (a) => a['data-row-matches'] === '30', 'the filter to keep 30 rows');
    await page.locator('.media-panel[data-media-key="predictions"] button[data-column="id"]').click();
    await page.locator('.media-panel[data-media-key="predictions"] button[data-column="id"]').click();
    await until(page, '.media-panel[data-media-key="predictions"]', (a) => a['data-sort'] === 'id:desc', `a descending sort on id (page errors: ${pageErrors.join('; ')})`);

    const matrix = await page.waitForSelector('.custom-chart[data-chart-key="cm"][data-state="ready"]', { timeout: 30_000 });
    const cm = JSON.parse((await matrix.getAttribute('data-matrix'))!) as { labels: string[]; counts: number[][] };
    assert.deepEqual(cm.labels, CLASSES);
    const expected = CLASSES.map((_, actual) => CLASSES.map((__, predicted) => Y_TRUE.filter((t, i) => t === actual && Y_PRED[i] === predicted).length));
    assert.deepEqual(cm.counts, expected);
    const roc = await page.waitForSelector('.custom-chart[data-chart-key="roc"][data-state="ready"]', { timeout: 30_000 });
    assert.equal(await roc.getAttribute('data-series'), '3');

    await panel(page, 'clip');
    await page.waitForSelector('.media-panel[data-media-key="clip"] img[data-state="ready"]', { timeout: 30_000 });
    await panel(page, 'tone');
    await page.waitForSelector('.media-panel[data-media-key="tone"] audio[data-state="ready"]', { timeout: 30_000 });

    await panel(page, 'report');
    const frame = page.locator('.media-panel[data-media-key="report"] iframe');
    assert.equal(await frame.getAttribute('sandbox'), 'allow-scripts');
    assert.match((await frame.getAttribute('src'))!, /^\/api\/v1\/signed-files\//);
    const title = await page.frameLocator('.media-panel[data-media-key="report"] iframe').locator('#title').innerText();
    assert.equal(title, 'report');

    await panel(page, 'cloud');
    const viewer = await page.waitForSelector('.media-panel[data-media-key="cloud"] .object3d-panel[data-state="ready"], .media-panel[data-media-key="cloud"] .object3d-panel[data-state="error"]', { timeout: 30_000 });
    assert.equal(await viewer.getAttribute('data-object3d-points'), '50');

    const graph = await page.waitForSelector('.graph-panel[data-state="ready"]', { timeout: 30_000 });
    const run = await server.run('admin', 'media', 'rich1');
    const graphFile = JSON.parse((await server.bytes(`/api/v1/runs/admin/media/rich1/files/${run.summary.graph_0.path}`)).toString('utf8'));
    assert.deepEqual(graphFile.nodes.filter((n: { class_name: string }) => n.class_name === 'Dense').length, 2, 'both dense layers are in the graph');
    assert.equal(await graph.getAttribute('data-graph-nodes'), String(graphFile.nodes.length));
    await screenshot(page, 'media');
    assert.deepEqual(pageErrors, [], 'no script errors or refused loads on the page');
    await page.close();
  });
});
