/**
 * The dashboard in headless Chromium against the whole product: runs logged by client processes
 * through a daemon to a real server, then signed in, browsed, charted, compared and watched live.
 * Assertions read the data the page holds (each chart's `chartData`), not pixels; screenshots of the
 * run page and the compare view are saved under test-output/dashboard.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import { launchChromium, screenshot, signedInPage, signIn } from './browser.js';
import { clientEnv, daemonFor, RestartableServer, UserScript, waitFor } from './stack.js';

/** 50 steps, console output on both streams, then one more point once told to (SIGUSR2). */
const LIVE_RUN = `
const run = await wandb.init({ project: 'dash', id: 'live1', name: 'live one', config: { lr: 0.01, optimizer: 'adam' }, tags: ['baseline'] });
for (let i = 0; i < 50; i++) run.log({ loss: 1 / (i + 1), 'train/acc': i / 50, 'val/loss': 2 / (i + 1) });
console.log('hello from stdout');
console.error('trouble on stderr');
console.log('paused');
const alive = setInterval(() => undefined, 1000);
await new Promise((resolve) => process.once('SIGUSR2', resolve));
clearInterval(alive);
run.log({ loss: 42.5 });
await run.finish();
`;

/** 5,000 flat steps with one spike: more points than pixel columns, so the chart is M4-aggregated. */
const SPIKY_RUN = `
const run = await wandb.init({ project: 'dash', id: 'spiky', name: 'spiky', config: { lr: 0.1, optimizer: 'sgd' } });
for (let i = 0; i < 5000; i++) run.log({ loss: i === 2345 ? 1000 : 1, 'train/acc': 0.5 });
await run.finish();
`;

/** A step metric from defineMetric: `val/acc` is charted against `epoch` by default. */
const METRIC_RUN = `
const run = await wandb.init({ project: 'dash', id: 'metric1', name: 'metric one' });
run.defineMetric('val/acc', { stepMetric: 'epoch' });
for (let i = 0; i < 20; i++) run.log({ epoch: i * 10, 'val/acc': i / 20, loss: 20 - i });
await run.finish();
`;

interface ChartSeries {
  label: string;
  rawCount: number;
  aggregated: boolean;
  points: [number, number][];
}

/** The data a chart draws, once it is ready. */
async function chartData(page: Page, key: string): Promise<{ key: string; x: string; series: ChartSeries[] }> {
  const selector = `.chart[data-chart-key="${key}"][data-state="ready"]`;
  await page.waitForSelector(selector, { timeout: 30_000 });
  return page.$eval(selector, (el) => (el as unknown as { chartData: any }).chartData);
}

describe('dashboard in Chromium', () => {
  const server = new RestartableServer();
  let daemon: TempDaemon;
  let browser: Browser;
  let live: UserScript;

  before(async () => {
    await server.start();
    daemon = daemonFor();
    browser = await launchChromium();
    const spiky = new UserScript(SPIKY_RUN, clientEnv(daemon, server, server.adminKey));
    live = new UserScript(LIVE_RUN, clientEnv(daemon, server, server.adminKey));
    const metric = new UserScript(METRIC_RUN, clientEnv(daemon, server, server.adminKey));
    await spiky.succeeded();
    await metric.succeeded();
    await live.printed('paused');
    await waitFor(async () => (await server.run('admin', 'dash', 'spiky'))?.state === 'finished', 60_000, 'spiky to be finished on the server');
    await waitFor(async () => (await server.run('admin', 'dash', 'live1'))?.historyLineCount === 50, 60_000, 'live1 history on the server');
    await waitFor(async () => (await server.run('admin', 'dash', 'metric1'))?.state === 'finished', 60_000, 'metric1 to be finished on the server');
  });
  after(async () => {
    await browser?.close();
    await daemon?.dispose();
    await server.stop();
  });

  test('a refused key stays on the login page with an error and is not kept', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, `local-${'x'.repeat(40)}`);
    await page.waitForSelector('[data-page="login"] [role="alert"]', { timeout: 15_000 });
    assert.match(await page.locator('[role="alert"]').innerText(), /refused|invalid/i);
    assert.equal(await page.evaluate('sessionStorage.length'), 0);
    await page.close();
  });

  test('sign in, projects, runs table, run page with the logged values and console output', async () => {
    const page = await signedInPage(browser, server.url, server.adminKey);
    assert.ok(!page.url().includes(server.adminKey), 'the key never appears in the URL');
    await page.getByRole('link', { name: 'dash', exact: true }).click();
    await page.waitForSelector('[data-page="runs"] [data-run-id="live1"]');
    assert.ok(await page.locator('[data-run-id="spiky"]').isVisible());
    assert.match(await page.locator('[data-run-id="live1"]').innerText(), /running/);
    assert.match(await page.locator('[data-run-id="spiky"]').innerText(), /finished/);

    await page.locator('[data-run-id="live1"] a').first().click();
    await page.waitForSelector('[data-page="run"]');
    const loss = await chartData(page, 'loss');
    assert.equal(loss.x, '_step');
    assert.equal(loss.series.length, 1);
    assert.equal(loss.series[0]!.aggregated, false);
    assert.equal(loss.series[0]!.rawCount, 50);
    assert.deepEqual(loss.series[0]!.points, Array.from({ length: 50 }, (_, i) => [i, 1 / (i + 1)]));
    assert.ok(await page.locator('[data-section="train"] .chart[data-chart-key="train/acc"]').count(), 'train/acc is in the train section');
    assert.ok(await page.locator('[data-section="val"] .chart[data-chart-key="val/loss"]').count(), 'val/loss is in the val section');
    await page.waitForSelector('[data-stream="stderr"]', { timeout: 30_000 });
    assert.match(await page.locator('[data-stream="stderr"]').first().innerText(), /trouble on stderr/);
    assert.match(await page.locator('[data-page="run"]').innerText(), /adam/);

    // A point logged after the page opened appears without a reload.
    const before = Date.now();
    process.kill(live.pid, 'SIGUSR2');
    // Both polled from here: the dashboard's CSP forbids eval, which Playwright's string predicates use.
    const onServer = waitFor(async () => (await server.run('admin', 'dash', 'live1'))?.historyLineCount === 51, 30_000, 'the live point on the server').then(() => Date.now());
    const onPage = waitFor(async () => (await chartData(page, 'loss')).series[0]!.points.some(([x, y]) => x === 50 && y === 42.5), 30_000, 'the live point on the loss chart').then(() => Date.now());
    const [serverAt, pageAt] = await Promise.all([onServer, onPage]);
    await live.succeeded();
    console.log(`live point: on the server ${serverAt - before} ms after it was logged, drawn ${pageAt - serverAt} ms after that (each polled every 20 ms)`);
    await screenshot(page, 'run-page');
    await page.close();
  });

  test('a spike among 5,000 points survives M4 aggregation', async () => {
    const page = await signedInPage(browser, server.url, server.adminKey, '#/r/admin/dash/spiky');
    const loss = await chartData(page, 'loss');
    const series = loss.series[0]!;
    assert.equal(series.aggregated, true);
    assert.equal(series.rawCount, 5000);
    assert.ok(series.points.length < 5000, `drew ${series.points.length} points`);
    assert.ok(series.points.some(([x, y]) => x === 2345 && y === 1000), 'the spike is drawn');
    assert.equal(Math.min(...series.points.map(([, y]) => y)), 1);
    assert.match(await page.locator('.chart[data-chart-key="loss"]').innerText(), /5,000/);
    await page.close();
  });

  test('compare overlays the selected runs on the same charts', async () => {
    const page = await signedInPage(browser, server.url, server.adminKey, '#/p/admin/dash');
    await page.locator('[data-run-id="live1"] input[type="checkbox"]').check();
    await page.locator('[data-run-id="spiky"] input[type="checkbox"]').check();
    await page.locator('[data-action="compare"]').click();
    await page.waitForSelector('[data-page="compare"]');
    const loss = await chartData(page, 'loss');
    assert.deepEqual(loss.series.map((s) => s.label).sort(), ['live one', 'spiky']);
    const liveSeries = loss.series.find((s) => s.label === 'live one')!;
    assert.equal(liveSeries.rawCount, 51);
    assert.ok(liveSeries.points.some(([x, y]) => x === 50 && y === 42.5));
    assert.ok(loss.series.find((s) => s.label === 'spiky')!.points.some(([x, y]) => x === 2345 && y === 1000));
    await screenshot(page, 'compare');
    await page.close();
  });

  test('x axes: the step metric from defineMetric by default, then _runtime for every chart; smoothing', async () => {
    const page = await signedInPage(browser, server.url, server.adminKey, '#/r/admin/dash/metric1');
    const acc = await chartData(page, 'val/acc');
    assert.equal(acc.x, 'epoch');
    assert.deepEqual(acc.series[0]!.points, Array.from({ length: 20 }, (_, i) => [i * 10, i / 20]));
    assert.equal((await chartData(page, 'loss')).x, '_step');
    await page.locator('[data-control="x-axis"]').selectOption('_runtime');
    await waitFor(async () => (await chartData(page, 'loss')).x === '_runtime' && (await chartData(page, 'val/acc')).x === '_runtime', 15_000, 'charts on _runtime');
    const loss = await chartData(page, 'loss');
    const runtimes = loss.series[0]!.points.map(([x]) => x);
    assert.equal(runtimes.length, 20);
    assert.ok(runtimes.every((x, i) => i === 0 || x >= runtimes[i - 1]!), 'runtime grows');
    assert.deepEqual(loss.series[0]!.points.map(([, y]) => y), Array.from({ length: 20 }, (_, i) => 20 - i));

    // Smoothing: TensorBoard's debiased EMA of the raw values, the raw line kept.
    await page.locator('[data-control="smoothing"]').fill('0.6');
    await waitFor(async () => ((await chartData(page, 'loss')).series[0] as { smoothed?: unknown }).smoothed != null, 15_000, 'a smoothed loss line');
    const smoothed = (await chartData(page, 'loss')).series[0] as ChartSeries & { smoothed: [number, number][] };
    let last = 0;
    const expected = Array.from({ length: 20 }, (_, i) => {
      last = last * 0.6 + 0.4 * (20 - i);
      return last / (1 - 0.6 ** (i + 1));
    });
    assert.deepEqual(smoothed.smoothed.map(([x]) => x), runtimes);
    smoothed.smoothed.forEach(([, y], i) => assert.ok(Math.abs(y - expected[i]!) < 1e-9, `smoothed[${i}] = ${y}, expected ${expected[i]}`));
    assert.deepEqual(smoothed.points.map(([, y]) => y), Array.from({ length: 20 }, (_, i) => 20 - i), 'the raw line is still drawn');
    await page.close();
  });

  test('dragging zooms every chart on the same x axis and fetches the window; double-click resets', async () => {
    const page = await signedInPage(browser, server.url, server.adminKey, '#/r/admin/dash/spiky');
    await chartData(page, 'loss');
    await chartData(page, 'train/acc');
    const over = page.locator('.chart[data-chart-key="loss"] .u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const zoomed = async (key: string) => {
      const data = await page.$eval(`.chart[data-chart-key="${key}"]`, (el) => (el as unknown as { chartData: any }).chartData);
      return data.window ? data : null;
    };
    await waitFor(async () => (await zoomed('loss')) !== null && (await zoomed('train/acc')) !== null, 15_000, 'both charts zoomed');
    const loss = (await zoomed('loss'))!;
    const acc = (await zoomed('train/acc'))!;
    assert.deepEqual(acc.window, loss.window, 'zoom is shared by charts on the same x axis');
    assert.ok(loss.window.min > 1500 && loss.window.max < 2700, `window ${JSON.stringify(loss.window)} is about 40%-50% of 5,000 steps`);
    await waitFor(async () => (await chartData(page, 'loss')).series[0]!.rawCount < 5000, 15_000, 'the window fetched from the server');
    const inWindow = (await chartData(page, 'loss')).series[0]!;
    assert.ok(inWindow.points.some(([x, y]) => x === 2345 && y === 1000), 'the spike is in the zoomed window');
    await over.dblclick({ position: { x: box.width / 2, y: box.height / 2 } });
    await waitFor(async () => (await zoomed('loss')) === null && (await zoomed('train/acc')) === null, 15_000, 'zoom reset on both charts');
    await page.close();
  });

  test('runs table: text and state filters; the run page downloads a file', async () => {
    const page = await signedInPage(browser, server.url, server.adminKey, '#/p/admin/dash');
    await page.waitForSelector('[data-run-id="metric1"]');
    await page.locator('[data-filter="text"]').fill('spik');
    await waitFor(async () => (await page.locator('[data-run-id]').count()) === 1, 10_000, 'only spiky listed');
    assert.equal(await page.locator('[data-run-id]').getAttribute('data-run-id'), 'spiky');
    await page.locator('[data-filter="text"]').fill('');
    await waitFor(async () => (await page.locator('[data-run-id]').count()) === 3, 10_000, 'all three listed');
    await screenshot(page, 'runs-table');
    await page.locator('[data-filter-state="failed"]').click();
    await waitFor(async () => (await page.locator('[data-run-id]').count()) === 0, 10_000, 'no failed runs listed');
    await page.locator('[data-filter-state="failed"]').click();
    await page.locator('[data-filter-state="finished"]').click();
    await waitFor(async () => (await page.locator('[data-run-id]').count()) === 3, 10_000, 'the three finished runs listed');

    await page.goto(`${server.url}/#/r/admin/dash/spiky`);
    const button = page.locator('[data-panel="files"] tr', { hasText: 'wandb-metadata.json' }).locator('[data-action="download"]');
    await button.waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    assert.equal(download.suggestedFilename(), 'wandb-metadata.json');
    const { readFileSync } = await import('node:fs');
    const metadata = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    assert.equal(typeof metadata, 'object');
    await page.close();
  });
});
