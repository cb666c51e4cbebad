/**
 * Unit tests of W&B's JSON dialect (src/wandb-json.ts): `toWandbJson` writes non-finite numbers as the
 * bare tokens NaN / Infinity / -Infinity (as Python's json module does), big integers as exact digits,
 * typed arrays as arrays and dates as ISO strings; `parseWandbJson` reads such lines back; and
 * `toStrictJsonValue` maps non-finite numbers to strings for strict-JSON consumers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWandbJson, toStrictJsonValue, toWandbJson } from '../src/wandb-json.js';

describe('toWandbJson', () => {
  it('writes plain JSON for plain values', () => {
    const value = { a: 1, b: 'two', c: [true, null, 3.5], d: { e: {} } };
    assert.equal(toWandbJson(value), JSON.stringify(value));
  });

  it('writes bare NaN, Infinity and -Infinity tokens', () => {
    assert.equal(toWandbJson({ a: NaN, b: Infinity, c: -Infinity }), '{"a":NaN,"b":Infinity,"c":-Infinity}');
  });

  it('writes non-finite numbers at the top level and inside arrays', () => {
    assert.equal(toWandbJson(NaN), 'NaN');
    assert.equal(toWandbJson(-Infinity), '-Infinity');
    assert.equal(toWandbJson([1, NaN, Infinity, -Infinity, 0]), '[1,NaN,Infinity,-Infinity,0]');
  });

  it('keeps user strings that look like tokens quoted', () => {
    assert.equal(toWandbJson({ s: 'NaN' }), '{"s":"NaN"}');
    // Also when the replacer path is taken because of a real NaN next to them.
    assert.equal(
      toWandbJson({ s: 'NaN', i: 'Infinity', m: '-Infinity', digits: '123', n: NaN }),
      '{"s":"NaN","i":"Infinity","m":"-Infinity","digits":"123","n":NaN}',
    );
  });

  it('keeps keys that look like tokens as keys', () => {
    assert.equal(toWandbJson({ NaN: NaN, Infinity: 1 }), '{"NaN":NaN,"Infinity":1}');
  });

  it('writes bigints as exact digits', () => {
    const big = 2n ** 64n + 1n;
    assert.equal(toWandbJson({ big }), '{"big":18446744073709551617}');
    assert.equal(toWandbJson({ neg: -(2n ** 70n) }), `{"neg":-${(2n ** 70n).toString()}}`);
    assert.equal(toWandbJson(5n), '5');
    assert.equal(toWandbJson([1n, 2, NaN]), '[1,2,NaN]');
  });

  it('writes typed arrays as arrays', () => {
    assert.equal(toWandbJson({ f: new Float32Array([1.5, -2, 0.25]) }), '{"f":[1.5,-2,0.25]}');
    assert.equal(toWandbJson({ i: new Int32Array([1, -2, 2147483647]) }), '{"i":[1,-2,2147483647]}');
    assert.equal(toWandbJson(new Uint8Array([0, 255])), '[0,255]');
  });

  it('writes non-finite values inside typed arrays as tokens', () => {
    assert.equal(toWandbJson({ f: new Float64Array([NaN, Infinity, 1]) }), '{"f":[NaN,Infinity,1]}');
  });

  it('writes dates as ISO strings, with or without other special values', () => {
    const date = new Date('2024-01-02T03:04:05.678Z');
    assert.equal(toWandbJson({ d: date }), '{"d":"2024-01-02T03:04:05.678Z"}');
    assert.equal(toWandbJson({ d: date, n: NaN }), '{"d":"2024-01-02T03:04:05.678Z","n":NaN}');
  });

  it('handles special values deep inside nested objects and arrays', () => {
    const value = { a: { b: { c: [1, { d: NaN, e: [Infinity, { f: 3n }] }] } }, g: 'x' };
    assert.equal(toWandbJson(value), '{"a":{"b":{"c":[1,{"d":NaN,"e":[Infinity,{"f":3}]}]}},"g":"x"}');
  });

  it('does not modify its input', () => {
    const value = { a: NaN, b: [Infinity], c: new Float32Array([1]) };
    toWandbJson(value);
    assert.ok(Number.isNaN(value.a));
    assert.equal(value.b[0], Infinity);
    assert.ok(value.c instanceof Float32Array);
  });
});

describe('parseWandbJson', () => {
  it('parses plain JSON', () => {
    assert.deepEqual(parseWandbJson('{"a":[1,"x",null,true],"b":{"c":-2.5}}'), { a: [1, 'x', null, true], b: { c: -2.5 } });
  });

  it('parses NaN and ±Infinity tokens back to numbers', () => {
    const parsed = parseWandbJson('{"a":NaN,"b":Infinity,"c":-Infinity,"d":[NaN]}') as Record<string, unknown>;
    assert.ok(Number.isNaN(parsed.a));
    assert.equal(parsed.b, Infinity);
    assert.equal(parsed.c, -Infinity);
    assert.ok(Number.isNaN((parsed.d as unknown[])[0]));
  });

  it('round-trips what toWandbJson writes', () => {
    const value = {
      loss: NaN,
      up: Infinity,
      down: -Infinity,
      s: 'NaN',
      nested: { list: [1, 2, { x: -Infinity, y: 'Infinity' }], empty: {} },
      when: new Date(0),
      f: new Float32Array([0.5, NaN]),
    };
    const parsed = parseWandbJson(toWandbJson(value));
    assert.deepEqual(parsed, {
      loss: NaN,
      up: Infinity,
      down: -Infinity,
      s: 'NaN',
      nested: { list: [1, 2, { x: -Infinity, y: 'Infinity' }], empty: {} },
      when: '1970-01-01T00:00:00.000Z',
      f: [0.5, NaN],
    });
    assert.equal(typeof (parsed as { s: unknown }).s, 'string');
  });

  it('throws on text that is not JSON even in the dialect', () => {
    assert.throws(() => parseWandbJson('{"a":'));
    assert.throws(() => parseWandbJson('nope'));
  });
});

describe('toStrictJsonValue', () => {
  it('maps non-finite numbers to strings', () => {
    assert.equal(toStrictJsonValue(NaN), 'NaN');
    assert.equal(toStrictJsonValue(Infinity), 'Infinity');
    assert.equal(toStrictJsonValue(-Infinity), '-Infinity');
  });

  it('maps recursively through objects and arrays', () => {
    assert.deepEqual(toStrictJsonValue({ a: NaN, b: [1, Infinity, { c: -Infinity }], d: { e: { f: NaN } } }), {
      a: 'NaN',
      b: [1, 'Infinity', { c: '-Infinity' }],
      d: { e: { f: 'NaN' } },
    });
  });

  it('keeps a parsed "__proto__" key as an own data property, never as the prototype', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":1},"a":1}') as Record<string, unknown>;
    const out = toStrictJsonValue(parsed) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal((out as { polluted?: unknown }).polluted, undefined);
    assert.deepEqual(Object.keys(out), ['__proto__', 'a']);
    assert.equal(JSON.stringify(out), '{"__proto__":{"polluted":1},"a":1}');
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  });

  it('leaves every other value alone', () => {
    const value = { n: 1.5, z: 0, neg: -3, s: 'NaN', t: true, f: false, nil: null, list: ['x', 2], big: 7n, nested: { k: 'v' } };
    assert.deepEqual(toStrictJsonValue(value), value);
    for (const leaf of [0, -0.5, 'str', true, null, undefined, 12n]) assert.equal(toStrictJsonValue(leaf), leaf);
  });

  it('produces a value that strict JSON serialises without loss of the tokens', () => {
    const text = JSON.stringify(toStrictJsonValue({ a: NaN, b: [Infinity] }));
    assert.equal(text, '{"a":"NaN","b":["Infinity"]}');
  });

  it('does not modify its input', () => {
    const value = { a: NaN, b: [Infinity] };
    toStrictJsonValue(value);
    assert.ok(Number.isNaN(value.a));
    assert.equal(value.b[0], Infinity);
  });
});

describe('toStrictJsonValue on values that are not plain JSON', () => {
  it('keeps a Date and writes typed arrays as arrays', () => {
    const date = new Date(0);
    assert.deepEqual(JSON.parse(JSON.stringify(toStrictJsonValue({ d: date, f: new Float32Array([1, NaN]) }))), {
      d: '1970-01-01T00:00:00.000Z',
      f: [1, 'NaN'],
    });
  });
});
