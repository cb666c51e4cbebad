/**
 * Server-side smoothing: TensorBoard's debiased EMA as a pure function, and the store's smoothed
 * series: computed from the run's first point whatever the window, so that one x gets one smoothed
 * y at any zoom, bucket count and raw limit, on `_step` and on another key as x.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Ema, smoothEma } from '../src/store/history-smoothing.js';
import type { SeriesResult } from '../src/store/history-series.js';
import { SqliteServerStore } from '../src/store/sqlite/sqlite-store.js';

const root = mkdtempSync(join(tmpdir(), 'wandb-server-smoothing-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** The EMA as the brief states it, written out literally (no shortcut). */
function naive(ys: number[], w: number): number[] {
  let last = 0;
  let n = 0;
  return ys.map((y) => {
    if (!Number.isFinite(y)) return y;
    last = last * w + (1 - w) * y;
    n += 1;
    return last / (1 - w ** n);
  });
}

describe('debiased EMA', () => {
  it('follows TensorBoard: debiased from the first point, non-finite values passed through without touching the state', () => {
    const ys = [1, 3, Number.NaN, Infinity, 5, -Infinity, 2];
    // w = 0.5: 0.5/0.5, 1.75/0.75, -, -, 3.375/0.875, -, 2.6875/0.9375.
    assert.deepStrictEqual([...smoothEma(ys, 0.5)], [1, 1.75 / 0.75, Number.NaN, Infinity, 3.375 / 0.875, -Infinity, 2.6875 / 0.9375]);
    assert.deepStrictEqual([...smoothEma(ys, 0)], ys, 'weight 0 is the identity');
    assert.deepStrictEqual([...smoothEma([], 0.9)], []);
  });

  it('equals the literal formula bit for bit, for weights up to 0.999 and long series', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const ys = Array.from({ length: 50_000 }, (_, i) => (i % 997 === 0 ? Number.NaN : Math.sin(i / 300) + random()));
    for (const w of [0.01, 0.5, 0.9, 0.99, 0.999, 0.999999]) assert.deepStrictEqual([...smoothEma(ys, w)], naive(ys, w), `w ${w}`);
  });

  it('the value at a point depends on the points before it: a window cannot restart the EMA', () => {
    const ys = [10, 10, 10, 10, 10, 0, 0, 0];
    const whole = smoothEma(ys, 0.6);
    const fromWindow = smoothEma(ys.slice(5), 0.6);
    assert.equal(fromWindow[0], 0, 'restarted at the window, the first value is its own');
    assert.ok(whole[5]! > 5, `from the run's first point, x = 5 still remembers the 10s (${whole[5]})`);
    const ema = new Ema(0.6);
    assert.deepStrictEqual(ys.map((y) => ema.next(y)), [...whole], 'one point at a time equals the whole array');
  });
});

describe('smoothed series of the store', () => {
  const store = SqliteServerStore.open(join(root, 's.sqlite'));
  after(() => store.close());
  const viewer = store.createUser('u');
  const run = store.ensureRun(viewer.defaultEntity, 'p', 'r');
  const N = 5000;
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  for (let offset = 0; offset < N; offset += 1000) {
    const content = Array.from({ length: 1000 }, (_, k) => {
      const step = offset + k;
      const loss = step % 211 === 0 ? 'NaN' : String(Math.exp(-step / 1500) + random() * 0.3);
      return `{"_step":${step},"_runtime":${step * 0.37},"loss":${loss}}`;
    });
    store.applyFileStream(run.id, { history: { offset, content } }, 1);
  }
  const all = (s: SeriesResult) => [...(s.smoothed!.before ? [s.smoothed!.before] : []), ...s.smoothed!.points, ...(s.smoothed!.after ? [s.smoothed!.after] : [])];

  it('one x gets one smoothed y whatever the window, bucket count and raw limit', () => {
    for (const [x, scale] of [['_step', 1], ['_runtime', 0.37]] as const) {
      const reference = new Map(all(store.historySeries(run.id, 'loss', { x, buckets: 1, raw: N, smoothing: 0.9 })).map((p) => [p.x, p.y]));
      assert.equal(reference.size, N);
      let checked = 0;
      for (const [min, max] of [[undefined, undefined], [2000, 2500], [2000.5, 4999], [0, 10], [4000, undefined], [undefined, 300], [2100, 2100.2]]) {
        for (const buckets of [1, 7, 100, 1000]) {
          for (const raw of [0, 1000]) {
            const query = { x, min: min === undefined ? undefined : min * scale, max: max === undefined ? undefined : max * scale, buckets, raw, smoothing: 0.9 };
            const series = store.historySeries(run.id, 'loss', query);
            const smoothed = all(series);
            if (series.rawCount > 0) assert.ok(smoothed.length > 0);
            for (const p of smoothed) assert.ok(Object.is(p.y, reference.get(p.x)), `${x} ${JSON.stringify(query)}: x ${p.x} got ${p.y}, expected ${reference.get(p.x)}`);
            checked += smoothed.length;
          }
        }
      }
      assert.ok(checked > 10_000, `${checked} points checked`);
    }
  });

  it('a zoomed window starts from the EMA of everything before it', () => {
    const zoom = store.historySeries(run.id, 'loss', { x: '_step', min: 4000, max: 4010, buckets: 100, raw: 1000, smoothing: 0.99 });
    const first = zoom.smoothed!.points[0]!;
    assert.equal(first.x, 4000);
    const ys = store.historySeries(run.id, 'loss', { x: '_step', buckets: 1, raw: N }).points.map((p) => p.y);
    assert.equal(first.y, smoothEma(ys, 0.99)[4000]);
    assert.notEqual(first.y, zoom.points[0]!.y, 'not restarted at the window');
    assert.equal(zoom.smoothed!.before!.x, 3999);
    assert.equal(zoom.smoothed!.after!.x, 4011);
    assert.equal(zoom.smoothed!.after!.y, smoothEma(ys, 0.99)[4011]);
  });

  it('blocks each in order but going back (a rewound run) are smoothed in x order, not block order', () => {
    const rewound = SqliteServerStore.open(join(root, 'rewound.sqlite'));
    try {
      const r = rewound.ensureRun(rewound.createUser('w').defaultEntity, 'p', 'w');
      // Lines 0..2047 log steps 5000.., lines 2048..4095 steps 0..: every block sorted, the second half lower.
      const steps = Array.from({ length: 4096 }, (_, line) => (line < 2048 ? 5000 + line : line - 2048));
      const ys = steps.map((step) => Math.cos(step / 50) + (step % 7) / 10);
      rewound.applyFileStream(r.id, { history: { offset: 0, content: steps.map((step, line) => `{"_step":${step},"_runtime":${step * 0.5},"v":${ys[line]}}`) } }, 1);
      const byX = steps.map((step, line) => ({ step, y: ys[line]! })).sort((a, b) => a.step - b.step);
      const expected = naive(byX.map((p) => p.y), 0.8);
      for (const [x, scale] of [['_step', 1], ['_runtime', 0.5]] as const) {
        const series = rewound.historySeries(r.id, 'v', { x, buckets: 10, raw: 10_000, smoothing: 0.8 });
        assert.deepStrictEqual(series.smoothed!.points.map((p) => p.y), expected, x);
        assert.deepStrictEqual(series.smoothed!.points.map((p) => p.x), byX.map((p) => p.step * scale), x);
      }
    } finally {
      rewound.close();
    }
  });

  it('smoothing 0 or absent adds nothing; an absent key or empty window gives an empty smoothed series', () => {
    assert.ok(!('smoothed' in store.historySeries(run.id, 'loss', { x: '_step', buckets: 10, raw: 10 })));
    assert.ok(!('smoothed' in store.historySeries(run.id, 'loss', { x: '_step', buckets: 10, raw: 10, smoothing: 0 })));
    const none = { points: [], before: null, after: null };
    assert.deepStrictEqual(store.historySeries(run.id, 'nope', { x: '_step', buckets: 10, raw: 10, smoothing: 0.5 }).smoothed, none);
    assert.deepStrictEqual(store.historySeries(run.id, 'loss', { x: 'nope', buckets: 10, raw: 10, smoothing: 0.5 }).smoothed, none);
    assert.deepStrictEqual(store.historySeries(run.id, 'loss', { x: '_step', min: 10, max: 5, buckets: 10, raw: 10, smoothing: 0.5 }).smoothed, none);
    const gap = store.historySeries(run.id, 'loss', { x: '_runtime', min: 0.4, max: 0.5, buckets: 10, raw: 10, smoothing: 0.5 });
    assert.deepStrictEqual([gap.smoothed!.points, gap.smoothed!.before?.x, gap.smoothed!.after?.x], [[], 0.37, 0.74], 'an empty window keeps its smoothed edges');
    for (const smoothing of [1, -0.1, Number.NaN]) assert.throws(() => store.historySeries(run.id, 'loss', { x: '_step', buckets: 10, raw: 10, smoothing }), RangeError);
  });
});
