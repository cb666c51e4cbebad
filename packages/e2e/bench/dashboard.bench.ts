/**
 * Dashboard: opening a run page until its chart of a 1,000,000-step key is drawn, in headless Chromium
 * against a real server on loopback, beside baselines from the same run.
 *
 * - long: a run of LONG_STEPS steps (one key, `loss`, with `_runtime`), written through the server's
 *   store before the server starts. Each repeat loads the run page afresh and reads the chart's
 *   `data-drawn-at` (performance.now() after uPlot drew the data: navigation → fetch → M4 → draw),
 *   and the duration of the M4 request from the page's resource timing.
 * - short: the same for a run of SHORT_STEPS steps (drawn raw): what a page costs without the length.
 * - raw download: what drawing every point would need before the first pixel, fetching the key's
 *   LONG_STEPS values through the paged history API in the page (once).
 * - runs table: a project of MANY_RUNS runs (config, summary, tags) against one of FEW_RUNS: the page
 *   opened until its first row is shown, and a click on a column header until the re-sorted rows are
 *   laid out (measured in the page: click → render → forced layout).
 * Figures are printed (medians of REPEAT); nothing is asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, startServer, type RunningServer } from '@wandb-daemon/server';
import { launchChromium, signedInPage } from '../test/browser.js';

const LONG_STEPS = 1_000_000;
const SHORT_STEPS = 1_000;
const CHUNK = 10_000;
const REPEAT = 5;
const MANY_RUNS = 5_000;
const FEW_RUNS = 50;

function writeRun(dataDir: string, adminKey: string, run: string, steps: number): void {
  const store = openStore(dataDir);
  try {
    const entity = store.authenticate(adminKey)!.defaultEntity;
    const record = store.ensureRun(entity, 'bench', run);
    for (let offset = 0; offset < steps; offset += CHUNK) {
      const content = Array.from({ length: Math.min(CHUNK, steps - offset) }, (_, k) => {
        const step = offset + k;
        return `{"_step":${step},"_runtime":${(step * 0.01).toFixed(2)},"loss":${Math.exp(-step / (steps / 5)) + 0.01 * Math.sin(step)}}`;
      });
      store.applyFileStream(record.id, { history: { offset, content } }, Date.now() / 1000);
    }
  } finally {
    store.close();
  }
}

/** Distinct runtimes in a shuffled order, so sorting by runtime moves rows. */
const runtimeOf = (i: number, count: number) => ((i * 7919) % count) + 1;

/** A project of `count` runs with a W&B-style wrapped config, tags and a summary each. */
function writeProject(dataDir: string, adminKey: string, project: string, count: number): void {
  const store = openStore(dataDir);
  try {
    const entity = store.authenticate(adminKey)!.defaultEntity;
    for (let i = 0; i < count; i += 1) {
      const config = { lr: { value: 10 ** -(1 + (i % 4)) }, batch: { value: 2 ** (4 + (i % 5)) }, optimizer: { value: i % 3 === 0 ? 'adam' : 'sgd' }, seed: { value: i } };
      const { run } = store.upsertRun(entity, { name: `r${i}`, project, displayName: `run ${i}`, config: JSON.stringify(config), tags: i % 10 === 0 ? ['baseline'] : ['sweep'], group: `g${i % 20}`, jobType: 'train' });
      const summary = { loss: 1 / (i + 1), acc: (i % 97) / 97, _runtime: runtimeOf(i, count), _step: 1000 };
      store.applyFileStream(run.id, { summary: JSON.stringify(summary), complete: true, exitcode: 0 }, Date.now() / 1000);
    }
  } finally {
    store.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

const dataDir = mkdtempSync(join(tmpdir(), 'wandb-dash-bench-'));
let server: RunningServer | null = null;
const browser = await launchChromium();
try {
  const first = await startServer({ dataDir, port: 0 });
  const adminKey = first.adminKey!;
  await first.close();
  const t0 = performance.now();
  writeRun(dataDir, adminKey, 'long', LONG_STEPS);
  writeRun(dataDir, adminKey, 'short', SHORT_STEPS);
  writeProject(dataDir, adminKey, 'many', MANY_RUNS);
  writeProject(dataDir, adminKey, 'few', FEW_RUNS);
  console.log(`dashboard: wrote ${LONG_STEPS.toLocaleString('en-US')} + ${SHORT_STEPS.toLocaleString('en-US')} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  server = await startServer({ dataDir, port: 0 });
  const page = await signedInPage(browser, server.url, adminKey);

  const open = async (run: string) => {
    await page.goto('about:blank');
    await page.goto(`${server!.url}/#/r/admin/bench/${run}`);
    const chart = page.locator('.chart[data-chart-key="loss"][data-state="ready"][data-drawn-at]');
    await chart.waitFor({ timeout: 60_000 });
    const drawnAt = Number(await chart.getAttribute('data-drawn-at'));
    const info = await page.$eval('.chart[data-chart-key="loss"]', (el) => {
      const data = (el as unknown as { chartData: { series: { rawCount: number; aggregated: boolean; points: unknown[] }[] } }).chartData;
      return { rawCount: data.series[0]!.rawCount, aggregated: data.series[0]!.aggregated, drawn: data.series[0]!.points.length };
    });
    const m4 = (await page.evaluate(`performance.getEntriesByType('resource').filter((e) => e.name.includes('/history/m4')).map((e) => e.duration)`)) as number[];
    return { drawnAt, m4: m4[0] ?? Number.NaN, ...info };
  };

  const measure = async (run: string) => {
    const results = [];
    for (let i = 0; i < REPEAT; i += 1) results.push(await open(run));
    return { drawnAt: median(results.map((r) => r.drawnAt)), m4: median(results.map((r) => r.m4)), sample: results[0]! };
  };

  const openTable = async (project: string, count: number) => {
    await page.goto('about:blank');
    const t0 = performance.now();
    await page.goto(`${server!.url}/#/p/admin/${project}`);
    await page.locator('[data-run-id]').first().waitFor({ timeout: 60_000 });
    const opened = performance.now() - t0;
    const sort = (await page.evaluate(`(async () => {
      const button = document.querySelector('[data-column="runtime"] button');
      const t0 = performance.now();
      button.click();
      // Preact renders in a microtask after the click; a macrotask later the rows are in the DOM,
      // and reading offsetHeight forces their layout.
      await new Promise((resolve) => setTimeout(resolve, 0));
      void document.body.offsetHeight;
      const first = document.querySelector('[data-run-id]').getAttribute('data-run-id');
      return { ms: performance.now() - t0, first };
    })()`)) as { ms: number; first: string };
    // The run with the smallest runtime (r0) or the largest, whichever way the first click sorts.
    const runtimes = Array.from({ length: count }, (_, i) => runtimeOf(i, count));
    const extremes = [`r${runtimes.indexOf(Math.min(...runtimes))}`, `r${runtimes.indexOf(Math.max(...runtimes))}`];
    if (!extremes.includes(sort.first)) throw new Error(`sorted by runtime, the first row is ${sort.first}, expected one of ${extremes.join(', ')}`);
    return { opened, sorted: sort.ms };
  };
  const table = async (project: string, count: number) => {
    const results = [];
    for (let i = 0; i < REPEAT; i += 1) results.push(await openTable(project, count));
    return { opened: median(results.map((r) => r.opened)), sorted: median(results.map((r) => r.sorted)) };
  };

  const long = await measure('long');
  const short = await measure('short');
  const manyRuns = await table('many', MANY_RUNS);
  const fewRuns = await table('few', FEW_RUNS);
  const rawDownload = (await page.evaluate(`(async () => {
    const key = sessionStorage.getItem('wandb-daemon.apiKey');
    const headers = { authorization: 'Basic ' + btoa('api:' + key) };
    const t0 = performance.now();
    let minStep = 0, n = 0;
    while (minStep !== null) {
      const page = await (await fetch('/api/v1/runs/admin/bench/long/history?keys=loss&minStep=' + minStep, { headers })).json();
      n += page.rows.length;
      minStep = page.next;
    }
    return { ms: performance.now() - t0, n };
  })()`)) as { ms: number; n: number };

  console.log(`  1,000,000-step key: run page opened → chart drawn ${ms(long.drawnAt)} (median of ${REPEAT}); M4 request ${ms(long.m4)}; ${long.sample.drawn.toLocaleString('en-US')} points drawn for ${long.sample.rawCount.toLocaleString('en-US')} raw (aggregated: ${long.sample.aggregated})`);
  console.log(`  baseline, ${SHORT_STEPS.toLocaleString('en-US')}-step key: run page opened → chart drawn ${ms(short.drawnAt)}; series request ${ms(short.m4)}; ${short.sample.drawn} points drawn raw`);
  console.log(`  the long key costs ${ms(long.drawnAt - short.drawnAt)} more than the short one (ratio ${(long.drawnAt / short.drawnAt).toFixed(2)})`);
  console.log(`  baseline, downloading every raw point instead (paged history API, in the page): ${ms(rawDownload.ms)} for ${rawDownload.n.toLocaleString('en-US')} values, before drawing anything`);
  console.log(`  runs table, ${MANY_RUNS.toLocaleString('en-US')} runs: opened → first rows shown ${ms(manyRuns.opened)}, sort by a column → rows laid out ${ms(manyRuns.sorted)}`);
  console.log(`  baseline, ${FEW_RUNS} runs: opened → first rows shown ${ms(fewRuns.opened)}, sort → rows laid out ${ms(fewRuns.sorted)}`);
} finally {
  await browser.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
}
