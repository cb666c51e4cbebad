/** Formatting, flattening, throttling, line tails and row windowing used by the pages. */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { LineTail } from '../src/pages/line-tail.js';
import { flatten } from '../src/ui/flatten.js';
import { formatBytes, formatDuration, formatNumber, formatValue, relativeTime } from '../src/ui/format.js';
import { throttle, throttleTask } from '../src/ui/throttle.js';
import { rowWindow } from '../src/ui/virtual.js';

describe('format', () => {
  it('durations as h:mm:ss', () => {
    assert.equal(formatDuration(0), '0:00:00');
    assert.equal(formatDuration(59.9), '0:00:59');
    assert.equal(formatDuration(3725), '1:02:05');
    assert.equal(formatDuration(100 * 3600), '100:00:00');
    assert.equal(formatDuration(null), '-');
    assert.equal(formatDuration(-1), '-');
  });
  it('relative times', () => {
    const now = Date.parse('2024-05-01T12:00:00Z');
    assert.equal(relativeTime('2024-05-01T12:00:00Z', now), 'just now');
    assert.equal(relativeTime('2024-05-01T11:59:30Z', now), '30 s ago');
    assert.equal(relativeTime('2024-05-01T11:57:00Z', now), '3 min ago');
    assert.equal(relativeTime('2024-05-01T09:00:00Z', now), '3 h ago');
    assert.equal(relativeTime('2024-04-28T12:00:00Z', now), '3 d ago');
    assert.equal(relativeTime('2023-01-02T00:00:00Z', now), '2023-01-02');
    assert.equal(relativeTime('garbage', now), '-');
  });
  it('sizes and values', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(50 * 1024 * 1024), '50 MB');
    assert.equal(formatBytes(null), '-');
    assert.equal(formatNumber(0.1 + 0.2), '0.3');
    assert.equal(formatNumber(1234567), '1234567');
    assert.equal(formatNumber(0.00001234), '1.234e-5');
    assert.equal(formatValue('NaN'), 'NaN');
    assert.equal(formatValue('Infinity'), 'Infinity');
    assert.equal(formatValue('adam'), 'adam');
    assert.equal(formatValue([1, 2]), '[1,2]');
    assert.equal(formatValue({ _type: 'histogram', bins: [] }), '[histogram]');
    assert.equal(formatValue(null), 'null');
    assert.equal(formatValue(undefined), '');
  });
  it('flattens with or without internal keys', () => {
    assert.deepEqual(flatten({ a: { b: 1, c: {} }, _x: 2 }), [['a.b', 1], ['a.c', {}]]);
    assert.deepEqual(flatten({ _x: 2 }, false), [['_x', 2]]);
  });
});

describe('throttle', () => {
  it('runs at once, then once at the end of the interval', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      let calls = 0;
      const t = throttle(() => calls++, 1000, () => Date.now());
      t.call();
      assert.equal(calls, 1);
      t.call();
      t.call();
      assert.equal(calls, 1);
      mock.timers.tick(999);
      assert.equal(calls, 1);
      mock.timers.tick(1);
      assert.equal(calls, 2);
      mock.timers.tick(5000);
      t.call();
      assert.equal(calls, 3);
      t.call();
      t.cancel();
      mock.timers.tick(5000);
      assert.equal(calls, 3);
    } finally {
      mock.timers.reset();
    }
  });

  it('a clock set back does not hold the trailing run back longer than the interval', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let now = 1_000_000;
      let calls = 0;
      const t = throttle(() => calls++, 1000, () => now);
      t.call();
      assert.equal(calls, 1);
      now -= 3_600_000;
      t.call();
      mock.timers.tick(1000);
      assert.equal(calls, 2, 'the trailing run after one interval, not after the jump');
    } finally {
      mock.timers.reset();
    }
  });

  it('uses the monotonic clock by default', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 10_000_000 });
    try {
      let calls = 0;
      const t = throttle(() => calls++, 1000);
      t.call();
      // The wall clock jumps back an hour; the throttle does not notice.
      mock.timers.setTime(Date.now() - 3_600_000);
      t.call();
      mock.timers.tick(1000);
      assert.equal(calls, 2);
    } finally {
      mock.timers.reset();
    }
  });
});

describe('throttleTask', () => {
  /** A task whose runs end when the test says. */
  const gatedTask = () => {
    const ends: (() => void)[] = [];
    const task = () => new Promise<void>((resolve) => ends.push(resolve));
    const finish = async () => {
      ends.shift()!();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    return { ends, task, finish };
  };

  it('runs one task at a time and once more after a call made while it ran', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let now = 0;
      const { ends, task, finish } = gatedTask();
      const t = throttleTask(task, 1000, () => now);
      t.call();
      assert.equal(ends.length, 1);
      now = 2000;
      t.call();
      t.call();
      assert.equal(ends.length, 1, 'no second run while the first is in flight');
      await finish();
      assert.equal(ends.length, 0, 'the run asked for waits for the interval');
      now = 3000;
      mock.timers.tick(1000);
      assert.equal(ends.length, 1, 'then runs once');
      await finish();
      mock.timers.tick(5000);
      assert.equal(ends.length, 0, 'and no more without another call');
    } finally {
      mock.timers.reset();
    }
  });

  it('a cancelled task does not run again after the one in flight', async () => {
    let now = 0;
    const { ends, task, finish } = gatedTask();
    const t = throttleTask(task, 1000, () => now);
    t.call();
    now = 2000;
    t.call();
    t.cancel();
    await finish();
    assert.equal(ends.length, 0);
  });
});

describe('line tail', () => {
  it('loads every page, then only new lines, and polls again after a poll during a load', async () => {
    const store = Array.from({ length: 25 }, (_, i) => ({ lineNo: i }));
    const asked: number[] = [];
    let updates = 0;
    const tail = new LineTail<{ lineNo: number }>(
      async (from, limit) => {
        asked.push(from);
        return store.filter((l) => l.lineNo >= from).slice(0, limit);
      },
      () => updates++,
      (e) => assert.fail(String(e)),
      10,
    );
    await tail.poll();
    assert.equal(tail.lines.length, 25);
    assert.deepEqual(asked, [0, 10, 20]);
    store.push({ lineNo: 25 }, { lineNo: 26 });
    const first = tail.poll();
    store.push({ lineNo: 27 });
    void tail.poll(); // during the load: must not be lost
    await first;
    assert.deepEqual(tail.lines.map((l) => l.lineNo).slice(-3), [25, 26, 27]);
    assert.ok(updates >= 4);
  });
  it('reports errors and stops quietly', async () => {
    const errors: unknown[] = [];
    const tail = new LineTail<{ lineNo: number }>(async () => Promise.reject(new Error('boom')), () => {}, (e) => errors.push(e));
    await tail.poll();
    assert.equal(errors.length, 1);
    tail.stop();
    await tail.poll();
    assert.equal(errors.length, 1);
  });
});

describe('row window', () => {
  it('renders the rows in view plus overscan, with exact spacers', () => {
    assert.deepEqual(rowWindow(1000, 40, 0, 400, 5), { start: 0, end: 15, padTop: 0, padBottom: 985 * 40 });
    const w = rowWindow(1000, 40, 4000, 400, 5);
    assert.deepEqual([w.start, w.end], [95, 115]);
    assert.equal(w.padTop + (w.end - w.start) * 40 + w.padBottom, 40_000);
    assert.deepEqual(rowWindow(3, 40, 0, 400, 5), { start: 0, end: 3, padTop: 0, padBottom: 0 });
    assert.deepEqual(rowWindow(0, 40, 100, 400, 5), { start: 0, end: 0, padTop: 0, padBottom: 0 });
  });
});
