/** What `log`, `config` and `summary` accept, and the TypeError for what they do not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MediaCollector } from '../src/media/collector.js';
import { Histogram } from '../src/media/histogram.js';
import { Image } from '../src/media/image.js';
import { normalizeObject } from '../src/values.js';

describe('normalizeObject', () => {
  it('keeps numbers (NaN and infinities too), strings, booleans and null', () => {
    const data = { a: 1.5, b: Number.NaN, c: Number.POSITIVE_INFINITY, d: Number.NEGATIVE_INFINITY, e: 's', f: true, g: null, h: -0 };
    assert.deepEqual(normalizeObject(data, 'log()'), data);
  });

  it('converts typed arrays, sets, maps, bigints and dates', () => {
    const out = normalizeObject(
      {
        f32: new Float32Array([1, 2.5]),
        i64: new BigInt64Array([1n, -2n]),
        set: new Set([1, 2]),
        map: new Map([['k', 1]]),
        small: 42n,
        big: 2n ** 62n,
        when: new Date('2026-01-02T03:04:05.000Z'),
        nested: { deep: [1, { x: new Uint8Array([7]) }] },
      },
      'log()',
    );
    assert.deepEqual(out, {
      f32: [1, 2.5],
      i64: [1, -2],
      set: [1, 2],
      map: { k: 1 },
      small: 42,
      big: 2n ** 62n,
      when: '2026-01-02T03:04:05.000Z',
      nested: { deep: [1, { x: [7] }] },
    });
  });

  it('copies, so later changes to the caller objects do not change what was logged', () => {
    const inner = { x: 1 };
    const list = [1, 2];
    const out = normalizeObject({ inner, list }, 'log()');
    inner.x = 2;
    list.push(3);
    assert.deepEqual(out, { inner: { x: 1 }, list: [1, 2] });
  });

  it('skips undefined keys and turns undefined list items into null, as JSON does', () => {
    assert.deepEqual(normalizeObject({ a: undefined, b: [undefined, 1] }, 'log()'), { b: [null, 1] });
  });

  it('uses toJSON when an object has one', () => {
    class Money {
      toJSON() {
        return { cents: 5 };
      }
    }
    assert.deepEqual(normalizeObject({ m: new Money() }, 'log()'), { m: { cents: 5 } });
  });

  it('allows the same object twice when it is not circular', () => {
    const shared = { x: 1 };
    assert.deepEqual(normalizeObject({ a: shared, b: [shared, shared] }, 'log()'), { a: { x: 1 }, b: [{ x: 1 }, { x: 1 }] });
  });

  const circular: Record<string, unknown> = { name: 'c' };
  circular.self = { back: circular };
  const BAD: [string, unknown, RegExp][] = [
    ['a function', { f: () => 1 }, /cannot log "f": a function/],
    ['a symbol', { nested: { s: Symbol('x') } }, /cannot log "nested.s": a symbol/],
    ['a circular object', circular, /cannot log "self.back": circular reference/],
    ['a circular list', (() => { const l: unknown[] = []; l.push(l); return { l }; })(), /cannot log "l\[0\]": circular reference/],
    ['a class instance', { u: new URLSearchParams() }, /cannot log "u": a URLSearchParams cannot be logged/],
    ['an invalid date', { d: new Date(Number.NaN) }, /cannot log "d": invalid Date/],
    ['a bigint past 64 bits', { b: 2n ** 70n }, /cannot log "b": bigint does not fit in 64 bits/],
    ['a DataView', { v: new DataView(new ArrayBuffer(2)) }, /cannot log "v": a DataView/],
    ['deep nesting', (() => { let o: Record<string, unknown> = {}; const root = o; for (let i = 0; i < 70; i += 1) { const next = {}; o.n = next; o = next; } return root; })(), /nested deeper than 64 levels/],
  ];
  for (const [what, data, message] of BAD) {
    it(`throws a TypeError for ${what}`, () => {
      assert.throws(() => normalizeObject(data, 'log()'), (error: unknown) => error instanceof TypeError && message.test(error.message));
    });
  }

  it('throws a TypeError for data that is not an object of key/value pairs', () => {
    for (const data of [null, 1, 'x', [1], new Float32Array(2), new Date()]) {
      assert.throws(() => normalizeObject(data, 'log()'), TypeError, String(data));
    }
  });

  it('normalizes a single value', () => {
    assert.deepEqual(normalizeObject({ k: new Set(['a']) }, 'config').k, ['a']);
    assert.throws(() => normalizeObject({ k: () => 1 }, 'config'), /cannot log "k"/);
  });

  it('logs typed arrays of more than 32 values as 32-bin histograms when given a media collector (log, summary)', () => {
    const media = new MediaCollector(true);
    media.begin(0);
    const ramp = Float32Array.from({ length: 33 }, (_, i) => i);
    const out = normalizeObject({ ramp, short: new Uint8Array(32), nested: { ramp } }, 'log()', media);
    const expected = { _type: 'histogram', values: [...new Array(31).fill(1), 2], bins: Array.from({ length: 33 }, (_, i) => i) };
    assert.deepEqual(out, { ramp: expected, short: new Array(32).fill(0), nested: { ramp: expected } });
    assert.deepEqual(normalizeObject({ ramp }, 'config.update()').ramp, Array.from(ramp), 'the config keeps lists');
  });

  it('turns rich values into their JSON with a collector, and refuses them without one', () => {
    const media = new MediaCollector(false);
    media.begin('summary');
    const image = new Image([[255]]);
    assert.deepEqual(normalizeObject({ h: new Histogram([1], { numBins: 1 }) }, 'summary.update()', media), { h: { _type: 'histogram', values: [1], bins: [0.5, 1.5] } });
    assert.equal((normalizeObject({ i: image }, 'summary.update()', media).i as { path: string }).path, `media/images/i_summary_${image.sha256.slice(0, 20)}.png`);
    assert.deepEqual([...media.files.keys()], [`media/images/i_summary_${image.sha256.slice(0, 20)}.png`]);
    assert.throws(() => normalizeObject({ nested: { h: new Histogram([1]) } }, 'config.update()'), /cannot log "nested.h": a Histogram can be logged with run.log\(\) or set in run.summary, not in the config/);
  });
});
