/**
 * `pnpm bench`, rich values: what logging a histogram or an image costs in the user's process, each
 * figure next to a baseline measured in the same run (nothing is asserted; these machines are noisy).
 *
 * - a 64-bin `Histogram` of 10,000 values, built and logged: ns per call (median, p99); baseline: the
 *   binning alone (`histogram()`), the floor of any histogram, and a log() of 3 scalars;
 * - a 256×256 RGB `Image` from raw pixels, built (PNG-encoded) and logged; baseline: pngjs encoding the
 *   same pixels alone;
 * - the same 256×256 image logged 500 times, until `finish` resolved (every byte durable in the
 *   daemon, which stores the bytes once): images/s.
 */
import { PNG } from 'pngjs';
import { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import wandb from '../src/index.js';
import { histogram, Histogram, Image } from '../src/media/index.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

interface Cost {
  median: number;
  p99: number;
}

/** Per-call ns of `fn` over `calls` calls, yielding to the event loop every 50 calls as a training loop would. */
async function perCall(calls: number, fn: (i: number) => void): Promise<Cost> {
  const samples = new Float64Array(calls);
  for (let i = 0; i < calls; i += 1) {
    const t = process.hrtime.bigint();
    fn(i);
    samples[i] = Number(process.hrtime.bigint() - t);
    if (i % 50 === 49) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  samples.sort();
  return { median: samples[Math.floor(calls / 2)]!, p99: samples[Math.min(calls - 1, Math.floor(calls * 0.99))]! };
}

const show = (c: Cost) => `median ${fmt(c.median)} ns, p99 ${fmt(c.p99)} ns`;

function gaussian(count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 1) out[i] = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
  return out;
}

function pixels(side: number, seed: number): Uint8Array {
  const out = new Uint8Array(side * side * 3);
  for (let i = 0; i < out.length; i += 1) out[i] = (i * 31 + seed * 17 + ((i / side) | 0)) & 0xff;
  return out;
}

async function histogramCost(): Promise<void> {
  const calls = Math.round(2_000 * SCALE);
  const values = Array.from({ length: 16 }, () => gaussian(10_000));
  const run = await wandb.init({ project: 'bench-media', reinit: 'create_new' });
  const scalars = await perCall(calls, (i) => run.log({ a: i, b: i * 2, c: i * 3 }));
  const binning = await perCall(calls, (i) => histogram(values[i % 16]!, 64));
  const logged = await perCall(calls, (i) => run.log({ weights: new Histogram(values[i % 16]!, { numBins: 64 }) }));
  await run.finish();
  console.log(`64-bin histogram of 10,000 values (${fmt(calls)} calls each)`);
  console.log(`  new Histogram + log()    ${show(logged)}`);
  console.log(`  | baseline binning alone ${show(binning)}   ratio ${(logged.median / binning.median).toFixed(2)}`);
  console.log(`  | baseline log() of 3 scalars ${show(scalars)}`);
}

async function imageCost(): Promise<void> {
  const calls = Math.round(200 * SCALE);
  const frames = Array.from({ length: 8 }, (_, i) => pixels(256, i));
  const encodeOnly = await perCall(calls, (i) => {
    const png = new PNG({ width: 256, height: 256, colorType: 2, inputColorType: 2, inputHasAlpha: false });
    png.data = Buffer.from(frames[i % 8]!.buffer);
    PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
  });
  const run = await wandb.init({ project: 'bench-media', reinit: 'create_new' });
  const logged = await perCall(calls, (i) => run.log({ sample: new Image({ data: frames[i % 8]!, shape: [256, 256, 3] }) }));
  await run.finish();
  console.log(`256×256 RGB image from raw pixels (${fmt(calls)} calls each)`);
  console.log(`  new Image + log()        ${show(logged)}`);
  console.log(`  | baseline pngjs encode alone ${show(encodeOnly)}   ratio ${(logged.median / encodeOnly.median).toFixed(2)}`);

  const repeats = Math.round(500 * SCALE);
  const image = new Image({ data: frames[0]!, shape: [256, 256, 3] });
  const durable = await wandb.init({ project: 'bench-media', reinit: 'create_new' });
  const t0 = performance.now();
  for (let i = 0; i < repeats; i += 1) durable.log({ sample: image });
  await durable.finish();
  const seconds = (performance.now() - t0) / 1000;
  console.log(`  the same image logged ${fmt(repeats)} times, until finish resolved (durable): ${fmt(repeats / seconds)} images/s, ${(seconds * 1000).toFixed(0)} ms in all`);
}

async function main(): Promise<void> {
  const daemon = new TempDaemon();
  const savedHome = process.env.WANDB_DAEMON_HOME;
  try {
    await daemon.start();
    process.env.WANDB_DAEMON_HOME = daemon.home;
    process.env.WANDB_SILENT = 'true';
    process.env.WANDB_MODE = 'offline';
    await histogramCost();
    await imageCost();
  } finally {
    process.env.WANDB_DAEMON_HOME = savedHome;
    await daemon.dispose();
  }
}

await main();
