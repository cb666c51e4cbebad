/**
 * Columnar history blocks and M4: the codec round-trips, and the store answers per-key reads and M4
 * exactly as brute force over the raw lines does, through resends, rewrites, gaps, out-of-order
 * steps, NaN/±Infinity and non-numeric values, across many blocks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { toWandbJson } from '@wandb-daemon/protocol';
import { applyEdits, BLOCK_LINES, BlockEdits, decodeBlock, encodeBlock } from '../src/store/history-block.js';
import { AlignedM4Accumulator, alignedWidth, bucketPoints, M4Accumulator, type M4Bucket, type M4Point, type M4Result } from '../src/store/history-m4.js';
import type { SeriesQuery, SeriesResult } from '../src/store/history-series.js';
import { parseJsonObject } from '@wandb-daemon/protocol';
import { flattenRow, stepOf } from '../src/store/history-values.js';
import { SqliteServerStore } from '../src/store/sqlite/sqlite-store.js';
import { rawValues, rng } from '../test-utils/history-model.js';

const root = mkdtempSync(join(tmpdir(), 'wandb-server-blocks-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshStore = () => SqliteServerStore.open(join(root, `b${(counter += 1)}.sqlite`));

/** One point of a series: x, y and line, from the raw lines. */
function rawPoints(lines: Map<number, string>, key: string, xKey: string): M4Point[] {
  const out: M4Point[] = [];
  for (const [lineNo, text] of lines) {
    const row = parseJsonObject(text);
    if (!row) continue;
    const leaves = flattenRow(row);
    const y = leaves.find((v) => v.key === key)?.num;
    const x = xKey === '_step' ? stepOf(row, lineNo) : leaves.find((v) => v.key === xKey)?.num;
    if (typeof y === 'number' && typeof x === 'number' && Number.isFinite(x)) out.push({ x, y, line: lineNo });
  }
  return out.sort((a, b) => a.x - b.x || a.line - b.line);
}

/** The bucket width by search: the smallest power of two with span / w <= buckets (and the floors). */
function bruteWidth(lo: number, hi: number, buckets: number, integer: boolean): number {
  const floor = integer ? 1 : Math.max(Math.abs(lo), Math.abs(hi)) * 2 ** -52;
  for (let e = -1074; ; e += 1) {
    const w = 2 ** e;
    if ((hi - lo) / w <= buckets && w >= floor) return w;
  }
}

/** A series by brute force: filter the window, then every point or aligned M4 buckets. */
function bruteSeries(all: M4Point[], q: SeriesQuery): SeriesResult {
  const empty: SeriesResult = { rawCount: 0, aggregated: false, bucketWidth: null, buckets: [], points: [], before: null, after: null };
  const min = q.min ?? -Infinity;
  const max = q.max ?? Infinity;
  if (min > max) return empty;
  const inWindow = all.filter((p) => p.x >= min && p.x <= max);
  const before = q.min === undefined ? null : (all.filter((p) => p.x < min).pop() ?? null);
  const after = q.max === undefined ? null : (all.find((p) => p.x > max) ?? null);
  if (inWindow.length <= q.raw) return { ...empty, rawCount: inWindow.length, points: inWindow, before, after };
  const lo = q.min ?? inWindow[0]!.x;
  const hi = q.max ?? inWindow[inWindow.length - 1]!.x;
  const width = bruteWidth(lo, hi, q.buckets, q.x === '_step');
  const byBucket = new Map<number, M4Point[]>();
  for (const p of inWindow) {
    const k = Math.floor(p.x / width);
    if (!byBucket.has(k)) byBucket.set(k, []);
    byBucket.get(k)!.push(p);
  }
  const buckets: M4Bucket[] = [...byBucket.entries()].map(([index, ps]) => {
    const valid = ps.filter((p) => !Number.isNaN(p.y));
    const min = valid.reduce<M4Point | null>((m, p) => (m === null || p.y < m.y ? p : m), null);
    const max = valid.reduce<M4Point | null>((m, p) => (m === null || p.y > m.y ? p : m), null);
    return { index, count: ps.length, first: ps[0]!, last: ps[ps.length - 1]!, min, max };
  });
  const points = buckets.flatMap((b) => {
    const distinct = new Map<number, M4Point>();
    for (const p of [b.first, b.min, b.max, b.last]) if (p) distinct.set(p.line, p);
    return [...distinct.values()].sort((a, b) => a.x - b.x || a.line - b.line);
  });
  return { rawCount: inWindow.length, aggregated: true, bucketWidth: width, buckets, points, before, after };
}

/** TensorBoard's EMA over every point, as the rows give them, in (x, line) order: the formula written out. */
function naiveEma(points: M4Point[], w: number): M4Point[] {
  let last = 0;
  let n = 0;
  return points.map((p) => {
    if (!Number.isFinite(p.y)) return { ...p };
    last = last * w + (1 - w) * p.y;
    n += 1;
    return { ...p, y: last / (1 - w ** n) };
  });
}

/** historySeries with smoothing against brute force (naive EMA, then bruteSeries) on _step and _runtime. */
function checkSmoothed(store: SqliteServerStore, runId: number, lines: Map<number, string>, rawLimits = [0, 1000]): void {
  const windows: [number | undefined, number | undefined][] = [[undefined, undefined], [1500, 4500], [0, 0], [4000, 3000], [undefined, 2000], [3000, undefined], [20_000, undefined], [1500.5, 4500.25], [2049, 6000], [12_000, 12_010], [2047.9, 2048.1]];
  let aggregated = 0;
  let raw = 0;
  for (const xKey of ['_step', '_runtime']) {
    for (const key of ['loss', 'acc.train']) {
      const all = rawPoints(lines, key, xKey);
      for (const smoothing of [0.6, 0.999]) {
        const smoothedAll = naiveEma(all, smoothing);
        for (const buckets of [1, 100, 1000]) {
          for (const rawLimit of rawLimits) {
            for (const [wMin, wMax] of windows) {
              const scale = xKey === '_runtime' ? 0.185 : 1;
              const query: SeriesQuery = { x: xKey, min: wMin === undefined ? undefined : wMin * scale, max: wMax === undefined ? undefined : wMax * scale, buckets, raw: rawLimit };
              const reduced = bruteSeries(smoothedAll, query);
              const expected = { ...bruteSeries(all, query), smoothed: { points: reduced.points, before: reduced.before, after: reduced.after } };
              const actual = store.historySeries(runId, key, { ...query, smoothing });
              assert.deepStrictEqual(actual, expected, `${key} against ${xKey}, smoothing ${smoothing}, buckets ${buckets}, raw ${rawLimit}, [${query.min}, ${query.max}]`);
              if (expected.aggregated) aggregated += 1;
              else if (expected.rawCount > 0) raw += 1;
            }
          }
        }
      }
    }
  }
  assert.ok(aggregated > 50 && raw > 50, `aggregated ${aggregated}, raw ${raw}`);
}

/** `_runtime` of a line: mostly increasing seconds, some going back, some NaN, text, missing or infinite. */
function runtimeOf(lineNo: number): unknown {
  if (lineNo % 13 === 0) return undefined;
  if (lineNo % 97 === 0) return Number.NaN;
  if (lineNo % 101 === 0) return 'n/a';
  if (lineNo % 211 === 0) return Infinity;
  return lineNo * 0.37 - (lineNo % 7 === 0 ? 50 : 0);
}

/**
 * A history line: increasing steps, except in blocks 1 and 3 of every 4 where some are out of order
 * or missing; odd values (NaN, ±Infinity) now and then, and strings in blocks 2 and 3 of every 4.
 */
function makeLine(random: () => number, lineNo: number, version: number): string {
  const row: Record<string, unknown> = {};
  const region = Math.floor(lineNo / BLOCK_LINES) % 4;
  const r = random();
  if (region % 2 === 0 || r < 0.9) row._step = lineNo * 2;
  else if (r < 0.95) row._step = Math.floor(random() * 24_000);
  const pick = random();
  row.loss = pick < 0.05 ? Number.NaN : pick < 0.07 ? Infinity : pick < 0.08 ? -Infinity : pick < 0.1 && region >= 2 ? 'diverged' : Math.round(random() * 1000) / 10 + version;
  if (random() < 0.7) row.acc = { train: Math.round(random() * 100) };
  if (random() < 0.1) row.img = { _type: 'image-file', path: `media/images/img_${lineNo}.png` };
  const runtime = runtimeOf(lineNo + version);
  if (runtime !== undefined) row._runtime = runtime;
  return toWandbJson(row);
}

/** Streams a random history into a run (appends, resends, rewrites, gaps); returns the final lines. */
function streamHistory(store: SqliteServerStore, runId: number, seed: number, total: number): { lines: Map<number, string>; rewritten: number } {
  const random = rng(seed);
  const lines = new Map<number, string>();
  let next = 0;
  let version = 0;
  let rewritten = 0;
  const send = (offset: number, content: string[]) => {
    store.applyFileStream(runId, { history: { offset, content } }, 1);
    content.forEach((line, k) => {
      const old = lines.get(offset + k);
      if (old !== undefined && old !== line) rewritten += 1;
      lines.set(offset + k, line);
    });
  };
  while (next < total) {
    const r = random();
    if (r < 0.6 || next === 0) {
      const n = 1 + Math.floor(random() * 700);
      send(next, Array.from({ length: n }, (_, k) => makeLine(random, next + k, 0)));
      next += n;
    } else if (r < 0.7) {
      const from = Math.floor(random() * next);
      send(from, Array.from({ length: Math.min(50, next - from) }, (_, k) => lines.get(from + k) ?? makeLine(random, from + k, 0)));
    } else if (r < 0.9) {
      const from = Math.floor(random() * next);
      version += 1;
      send(from, Array.from({ length: Math.min(1 + Math.floor(random() * 300), next - from) }, (_, k) => makeLine(random, from + k, version)));
    } else {
      next += 1 + Math.floor(random() * BLOCK_LINES * 1.5);
    }
  }
  return { lines, rewritten };
}

describe('history block codec', () => {
  it('round-trips dense, sparse and non-consecutive blocks with NaN, ±Infinity and extras', () => {
    const blockNo = 3;
    const base = blockNo * BLOCK_LINES;
    const edits = new BlockEdits();
    edits.push(base + 0, 10, 1.5);
    edits.push(base + 1, 11, Number.NaN);
    edits.push(base + 2, 12, Infinity);
    edits.push(base + 3, 13, '"text"');
    const dense = applyEdits(null, blockNo, edits)!;
    const denseRow = encodeBlock(dense, blockNo);
    assert.equal(denseRow.lines, null, 'contiguous lines need no offsets');
    assert.equal(denseRow.steps, null, 'consecutive steps need no column');
    assert.deepEqual([denseRow.min_step, denseRow.max_step, denseRow.sorted, denseRow.n], [10, 13, 1, 4]);
    const back = decodeBlock(denseRow, blockNo);
    assert.deepEqual([...back.lines], [base, base + 1, base + 2, base + 3]);
    assert.deepEqual([...back.steps], [10, 11, 12, 13]);
    assert.deepEqual([...back.nums].slice(0, 3), [1.5, Number.NaN, Infinity]);
    assert.deepEqual([...back.extras!], [[3, '"text"']]);

    const more = new BlockEdits();
    more.push(base + 1, 11, null);
    more.push(base + 900, 5, -Infinity);
    more.push(base + 3, 13, 7);
    const sparse = applyEdits(back, blockNo, more)!;
    const sparseRow = encodeBlock(sparse, blockNo);
    assert.notEqual(sparseRow.lines, null);
    assert.notEqual(sparseRow.steps, null);
    assert.deepEqual([sparseRow.min_step, sparseRow.max_step, sparseRow.sorted, sparseRow.extras], [5, 13, 0, null]);
    const again = decodeBlock(sparseRow, blockNo);
    assert.deepEqual([...again.lines], [base, base + 2, base + 3, base + 900]);
    assert.deepEqual([...again.steps], [10, 12, 13, 5]);
    assert.deepEqual([...again.nums], [1.5, Infinity, 7, -Infinity]);

    const clear = new BlockEdits();
    for (const line of again.lines) clear.push(line, 0, null);
    assert.equal(applyEdits(again, blockNo, clear), null);
  });
});

describe('M4 accumulator', () => {
  it('addSorted over ordered points equals add() point by point', () => {
    const random = rng(7);
    const n = 5000;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    const lines = Float64Array.from({ length: n }, (_, i) => i);
    for (let i = 1; i < n; i += 1) xs[i] = xs[i - 1]! + (random() < 0.2 ? 0 : Math.floor(random() * 3));
    for (let i = 0; i < n; i += 1) ys[i] = random() < 0.1 ? Number.NaN : Math.floor(random() * 20) - 10;
    for (const buckets of [1, 3, 50, 999, 20_000]) {
      const one = new M4Accumulator(xs[0]!, xs[n - 1]!, buckets);
      const runs = new M4Accumulator(xs[0]!, xs[n - 1]!, buckets);
      for (let i = 0; i < n; i += 1) one.add(xs[i]!, ys[i]!, lines[i]!);
      for (let i = 0; i < n; i += 700) runs.addSorted(xs, ys, lines, i, Math.min(n, i + 700));
      assert.deepStrictEqual(runs.result(), one.result(), `buckets ${buckets}`);
    }
  });
});

describe('aligned M4', () => {
  it('addSorted over ordered points equals add() point by point, on integer and fractional x', () => {
    const random = rng(11);
    const n = 5000;
    for (const scale of [1, 0.013]) {
      const xs = new Float64Array(n);
      const ys = new Float64Array(n);
      const lines = Float64Array.from({ length: n }, (_, i) => i);
      xs[0] = -40 * scale;
      for (let i = 1; i < n; i += 1) xs[i] = xs[i - 1]! + (random() < 0.2 ? 0 : Math.floor(random() * 3) * scale);
      for (let i = 0; i < n; i += 1) ys[i] = random() < 0.1 ? Number.NaN : Math.floor(random() * 20) - 10;
      for (const buckets of [1, 3, 50, 999, 20_000]) {
        const width = alignedWidth(xs[0]!, xs[n - 1]!, buckets, scale === 1);
        const one: M4Accumulator = new AlignedM4Accumulator(xs[0]!, xs[n - 1]!, width);
        const runs: M4Accumulator = new AlignedM4Accumulator(xs[0]!, xs[n - 1]!, width);
        for (let i = 0; i < n; i += 1) one.add(xs[i]!, ys[i]!, lines[i]!);
        for (let i = 0; i < n; i += 700) runs.addSorted(xs, ys, lines, i, Math.min(n, i + 700));
        const result: M4Result = one.result();
        assert.deepStrictEqual(runs.result(), result, `scale ${scale} buckets ${buckets}`);
        assert.ok(result.buckets.length <= buckets + 1, `${result.buckets.length} buckets for ${buckets}`);
        for (const b of result.buckets) assert.ok(b.first.x >= b.index * width && b.last.x < (b.index + 1) * width);
      }
    }
  });

  it('widths are powers of two, the smallest that fit, exact at extreme windows', () => {
    assert.equal(alignedWidth(0, 1000, 1000, true), 1);
    assert.equal(alignedWidth(0, 1001, 1000, true), 2);
    assert.equal(alignedWidth(5, 5, 10, true), 1);
    assert.equal(alignedWidth(0, 1, 1000, false), 2 ** -9);
    assert.equal(alignedWidth(0, 0.75, 3, false), 0.25);
    assert.equal(alignedWidth(1.7e9, 1.7e9, 10, false), 2 ** -21, 'one value: about the spacing of doubles there (2^-22)');
    assert.equal(alignedWidth(-Number.MAX_VALUE, Number.MAX_VALUE, 1, false), 2 ** 1023);
    const acc = new AlignedM4Accumulator(-Number.MAX_VALUE, Number.MAX_VALUE, 2 ** 1023);
    acc.add(-Number.MAX_VALUE, 1, 0);
    acc.add(Number.MAX_VALUE, 2, 1);
    assert.equal(acc.result().rawCount, 2);
    for (const [lo, hi, b] of [[0, 1e6, 1000], [3.5, 1e-3, 7], [1.7e9, 1.7e9 + 3600, 1400], [-2, 2, 1]] as const) {
      const w = alignedWidth(Math.min(lo, hi), Math.max(lo, hi), b, false);
      assert.ok(Number.isInteger(Math.log2(w)));
      assert.ok(Math.abs(hi - lo) / w <= b && Math.abs(hi - lo) / (w / 2) > b);
    }
  });
});

describe('per-key reads and M4 against brute force', () => {
  const store = freshStore();
  after(() => store.close());
  const viewer = store.createUser('u');
  const run = store.ensureRun(viewer.defaultEntity, 'p', 'r');
  const { lines, rewritten } = streamHistory(store, run.id, 42, 12_000);
  const keys = ['loss', 'acc.train', 'img'];

  it('the case is hard enough: rewrites, gaps, out-of-order steps, many blocks', () => {
    const blocks = store.db
      .prepare("SELECT b.block_no, b.sorted, b.lines IS NOT NULL AS sparse, b.extras IS NOT NULL AS mixed FROM history_blocks b JOIN history_keys k ON k.id = b.key_id WHERE b.run_id = ? AND k.name = 'loss'")
      .all(run.id) as { block_no: number; sorted: number; sparse: number; mixed: number }[];
    assert.ok(rewritten > 100, `rewritten ${rewritten}`);
    assert.ok(blocks.length >= 8);
    for (const [sorted, mixed] of [[0, 0], [1, 0], [0, 1], [1, 1]]) assert.ok(blocks.some((b) => b.sorted === sorted && b.mixed === mixed), `a block sorted=${sorted} mixed=${mixed}`);
    assert.ok(blocks.some((b) => b.sparse === 1));
    const loss = rawValues(lines, 'loss');
    assert.ok(loss.slice(0, 100).some((v) => v.line >= BLOCK_LINES), 'a later block holds some of the first 100 steps');
    assert.ok(loss.some((v) => Number.isNaN(v.value)), 'the history has NaN values');
  });

  it('the raw lines are stored as sent', () => {
    const stored = store.historyLines(run.id, { limit: 1_000_000 });
    assert.equal(stored.length, lines.size);
    for (const { lineNo, line } of stored) assert.equal(line, lines.get(lineNo));
  });

  it('historyByKeys returns the values brute force finds, in (step, line) order, windowed and limited', () => {
    const windows: [number | undefined, number | undefined, number][] = [
      [undefined, undefined, 1_000_000],
      [undefined, undefined, 100],
      [1000, 3000, 1_000_000],
      [1000, 3000, 37],
      [2500, 2500, 10],
      [7000, 9000, 10],
      [30_000, 40_000, 10],
    ];
    for (const key of keys) {
      const all = rawValues(lines, key);
      for (const [minStep, maxStep, limit] of windows) {
        const expected = all.filter((v) => v.step >= (minStep ?? -Infinity) && v.step <= (maxStep ?? Infinity)).slice(0, limit);
        const actual = store.historyByKeys(run.id, [key], { minStep, maxStep, limit }).map((r) => ({ step: r.step, line: r.lineNo, value: r.values[key] }));
        assert.deepStrictEqual(actual, expected, `${key} [${minStep}, ${maxStep}] limit ${limit}`);
      }
    }
  });

  it('historySeries against _step, _runtime and acc.train equals brute force: raw or aligned M4, windows, edges', () => {
    const windows: [number | undefined, number | undefined][] = [[undefined, undefined], [1500, 4500], [0, 0], [4000, 3000], [undefined, 2000], [3000, undefined], [20_000, undefined], [50_000, undefined], [1, 23_999], [1500.5, 4500.25], [-1e300, 1e300], [1500, 6141], [2049, 6000]];
    let aggregated = 0;
    let raw = 0;
    let edges = 0;
    for (const xKey of ['_step', '_runtime', 'acc.train']) {
      for (const key of ['loss', 'acc.train', 'img', '_runtime']) {
        const all = rawPoints(lines, key, xKey);
        for (const buckets of [1, 7, 100, 1000]) {
          for (const rawLimit of [0, 1000, 100_000]) {
            for (const [wMin, wMax] of windows) {
              // Windows in step units, scaled to each axis.
              const scale = xKey === '_runtime' ? 0.185 : xKey === 'acc.train' ? 0.004 : 1;
              const min = wMin === undefined ? undefined : wMin * scale;
              const max = wMax === undefined ? undefined : wMax * scale;
              const query: SeriesQuery = { x: xKey, min, max, buckets, raw: rawLimit };
              const expected = bruteSeries(all, query);
              const actual = store.historySeries(run.id, key, query);
              assert.deepStrictEqual(actual, expected, `${key} against ${xKey}, buckets ${buckets}, raw ${rawLimit}, [${min}, ${max}]`);
              if (expected.aggregated) aggregated += 1;
              else if (expected.rawCount > 0) raw += 1;
              if (expected.before || expected.after) edges += 1;
            }
          }
        }
      }
    }
    assert.ok(aggregated > 100 && raw > 100 && edges > 100, `aggregated ${aggregated}, raw ${raw}, with edges ${edges}`);
    assert.ok(rawPoints(lines, 'loss', '_runtime').some((p, i, ps) => i > 0 && p.line < ps[i - 1]!.line), '_runtime is not in line order');
    assert.deepStrictEqual(store.historySeries(run.id, 'nope', { x: '_step', buckets: 10, raw: 10 }).rawCount, 0);
    assert.deepStrictEqual(store.historySeries(run.id, 'loss', { x: 'nope', buckets: 10, raw: 10 }).points, []);
    assert.throws(() => store.historySeries(run.id, 'loss', { x: '_step', buckets: 0, raw: 10 }), RangeError);
    assert.throws(() => store.historySeries(run.id, 'loss', { x: '_step', buckets: 10, raw: 10, min: Number.NaN }), RangeError);
  });

  it('historySeries with smoothing (x out of order: sorted first): a naive EMA over the rows, reduced by brute force', () => {
    assert.ok(rawPoints(lines, 'loss', '_step').some((p) => p.y === Infinity) && rawPoints(lines, 'loss', '_step').some((p) => Number.isNaN(p.y)), 'the history has NaN and Infinity values');
    checkSmoothed(store, run.id, lines);
  });

  it('historySeries with smoothing (x in order: streamed), the same', () => {
    const ordered = freshStore();
    try {
      const user = ordered.createUser('o');
      const r = ordered.ensureRun(user.defaultEntity, 'p', 'o');
      const random = rng(5);
      const sent = new Map<number, string>();
      // Increasing steps and _runtime with gaps; NaN, ±Infinity and strings among the values.
      for (let offset = 0; offset < 9000; ) {
        const n = 1 + Math.floor(random() * 900);
        const content = Array.from({ length: n }, (_, k) => {
          const lineNo = offset + k;
          const pick = random();
          const row: Record<string, unknown> = { _step: lineNo * 2, _runtime: lineNo * 0.37 };
          if (random() < 0.9) row.loss = pick < 0.03 ? Number.NaN : pick < 0.05 ? Infinity : pick < 0.06 ? -Infinity : pick < 0.08 ? 'text' : Math.round(random() * 1000) / 10;
          if (random() < 0.5) row.acc = { train: Math.round(random() * 100) };
          return toWandbJson(row);
        });
        ordered.applyFileStream(r.id, { history: { offset, content } }, 1);
        content.forEach((line, k) => sent.set(offset + k, line));
        offset += n + (random() < 0.2 ? Math.floor(random() * BLOCK_LINES * 1.5) : 0);
      }
      checkSmoothed(ordered, r.id, sent);
    } finally {
      ordered.close();
    }
  });

  it('historySeries over steps that go back reads only the window: points and smoothed agree, as brute force', () => {
    const back = freshStore();
    try {
      const user = back.createUser('s');
      const r = back.ensureRun(user.defaultEntity, 'p', 's');
      const sent = new Map<number, string>();
      const send = (offset: number, content: string[]) => {
        back.applyFileStream(r.id, { history: { offset, content } }, 1);
        content.forEach((line, k) => sent.set(offset + k, line));
      };
      // Steps 0-1023, then 100000-101023, then 0-1023 again: the middle block lies outside [0, 2000].
      [0, 100_000, 0].forEach((start, b) => send(b * BLOCK_LINES, Array.from({ length: BLOCK_LINES }, (_, k) => toWandbJson({ _step: start + k, loss: b + k / BLOCK_LINES }))));
      const repro = back.historySeries(r.id, 'loss', { x: '_step', min: 0, max: 2000, buckets: 1000, raw: 5000, smoothing: 0.6 });
      assert.equal(repro.rawCount, 2048);
      assert.equal(repro.points.length, 2048, 'no point of the block between the two in the window');
      assert.ok(repro.points.every((p) => p.x >= 0 && p.x <= 2000));
      assert.deepStrictEqual([repro.before, repro.after?.x], [null, 100_000]);
      assert.deepStrictEqual(
        repro.smoothed!.points.map((p) => [p.x, p.line]),
        repro.points.map((p) => [p.x, p.line]),
      );
      // More blocks whose steps jump forward and back (stride 2, gaps, a partial block), against brute force.
      const starts = [4000, 100_000, 2000, 20_000, 1000, 8000, 0, 12_000, 3000];
      starts.forEach((start, i) => {
        const b = 3 + i + (i >= 5 ? 1 : 0);
        const n = i === starts.length - 1 ? 300 : BLOCK_LINES;
        send(b * BLOCK_LINES, Array.from({ length: n }, (_, k) => toWandbJson({ _step: start + 2 * k, _runtime: (b * BLOCK_LINES + k) * 0.37, loss: ((k * 7919) % 1000) / 10, acc: { train: k % 100 } })));
      });
      checkSmoothed(back, r.id, sent, [0, 1000, 100_000]);
    } finally {
      back.close();
    }
  });

  it('aligned buckets are stable: a longer run keeps every earlier full bucket', () => {
    const grow = freshStore();
    try {
      const user = grow.createUser('g');
      const r = grow.ensureRun(user.defaultEntity, 'p', 'g');
      const random = rng(3);
      const line = (i: number) => toWandbJson({ _step: i, _runtime: i * 0.25, v: Math.round(random() * 1000) });
      let previous: SeriesResult | null = null;
      for (let offset = 0; offset < 8000; offset += 500) {
        grow.applyFileStream(r.id, { history: { offset, content: Array.from({ length: 500 }, (_, k) => line(offset + k)) } }, 1);
        for (const x of ['_step', '_runtime']) {
          const now = grow.historySeries(r.id, 'v', { x, buckets: 100, raw: 0 });
          if (x === '_runtime' || previous === null || previous.bucketWidth !== now.bucketWidth) {
            if (x === '_step') previous = now;
            continue;
          }
          // Same width: every bucket but the last one before is unchanged.
          assert.deepStrictEqual(now.buckets.slice(0, previous.buckets.length - 1), previous.buckets.slice(0, -1));
          previous = now;
        }
      }
      assert.equal(previous!.bucketWidth, 128);
    } finally {
      grow.close();
    }
  });

  it('bucketPoints lists each bucket once per distinct point, in (x, line) order', () => {
    const acc = new M4Accumulator(0, 3, 1);
    for (const i of [0, 1, 2, 3]) acc.add(i, [5, Number.NaN, 1, 5][i]!, i);
    assert.deepStrictEqual(bucketPoints(acc.result().buckets).map((p) => [p.x, p.y]), [[0, 5], [2, 1], [3, 5]]);
  });
});
