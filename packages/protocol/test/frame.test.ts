/**
 * Unit tests of the wire framing (src/frame.ts) and the msgpack body codec (src/codec.ts).
 *
 * Framing is `[0xb7][u32 LE length][body]`. `decodeFrames` is a pure function over (state, chunk), so
 * most tests drive it directly and check both the frames it returns and the state it hands back;
 * `FrameReader` is the stateful wrapper the socket code uses. The codec tests check that values
 * survive an encode/decode round trip and that garbage is reported as a BAD_FRAME ProtocolError.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBody, encodeBody, encodeFrame } from '../src/codec.js';
import { ProtocolError } from '../src/errors.js';
import {
  decodeFrames,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC,
  frameBody,
  FrameReader,
  INITIAL_DECODER_STATE,
  MAX_FRAME_BYTES,
  type DecoderState,
} from '../src/frame.js';

/** A body of `n` bytes with a recognisable, position-dependent pattern. */
function pattern(n: number, seed = 0): Buffer {
  const body = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i += 1) body[i] = (i * 31 + seed) & 0xff;
  return body;
}

/** A raw header (magic + length) without a body, for lengths frameBody refuses to build. */
function header(length: number, magic = FRAME_MAGIC): Buffer {
  const h = Buffer.alloc(FRAME_HEADER_BYTES);
  h[0] = magic;
  h.writeUInt32LE(length, 1);
  return h;
}

/** Feeds chunks one by one, collecting every frame and the final state. */
function feed(chunks: Buffer[], maxBytes?: number): { frames: Buffer[]; state: DecoderState } {
  let state: DecoderState = INITIAL_DECODER_STATE;
  const frames: Buffer[] = [];
  for (const chunk of chunks) {
    const result = decodeFrames(state, chunk, maxBytes);
    frames.push(...result.frames);
    state = result.state;
  }
  return { frames, state };
}

describe('frameBody', () => {
  it('writes the magic byte, the little-endian length and the body', () => {
    const body = Buffer.from([1, 2, 3, 0xff]);
    const frame = frameBody(body);
    assert.equal(frame.length, FRAME_HEADER_BYTES + 4);
    assert.equal(frame[0], FRAME_MAGIC);
    assert.equal(frame.readUInt32LE(1), 4);
    assert.deepEqual(frame.subarray(FRAME_HEADER_BYTES), body);
  });

  it('encodes lengths above 255 in little-endian order', () => {
    const frame = frameBody(pattern(0x0102 + 3));
    assert.deepEqual([...frame.subarray(1, 5)], [0x05, 0x01, 0x00, 0x00]);
  });

  it('rejects an empty body', () => {
    assert.throws(() => frameBody(Buffer.alloc(0)), RangeError);
  });

  it('rejects a body above the limit and accepts one exactly at it', () => {
    assert.throws(() => frameBody(pattern(17), 16), (error: unknown) => error instanceof RangeError && /17 bytes.*16-byte limit/.test(error.message));
    assert.equal(frameBody(pattern(16), 16).length, FRAME_HEADER_BYTES + 16);
  });

  it('accepts any Uint8Array, not only Buffers', () => {
    const frame = frameBody(new Uint8Array([9, 8, 7]));
    assert.deepEqual([...frame], [FRAME_MAGIC, 3, 0, 0, 0, 9, 8, 7]);
  });
});

describe('decodeFrames', () => {
  it('decodes one frame delivered whole and returns to the initial state', () => {
    const body = pattern(10);
    const { frames, state } = decodeFrames(INITIAL_DECODER_STATE, frameBody(body));
    assert.equal(frames.length, 1);
    assert.deepEqual(frames[0], body);
    assert.equal(state.bytes, 0);
    assert.equal(state.chunks.length, 0);
    assert.equal(state.error, undefined);
  });

  it('decodes several frames merged in one chunk, in order', () => {
    const bodies = [pattern(1, 1), pattern(7, 2), pattern(300, 3), pattern(2, 4)];
    const { frames, state } = decodeFrames(INITIAL_DECODER_STATE, Buffer.concat(bodies.map((b) => frameBody(b))));
    assert.deepEqual(frames, bodies);
    assert.equal(state.bytes, 0);
  });

  it('keeps the incomplete tail of a chunk for the next call', () => {
    const a = pattern(5, 1);
    const b = pattern(9, 2);
    const frameB = frameBody(b);
    const first = decodeFrames(INITIAL_DECODER_STATE, Buffer.concat([frameBody(a), frameB.subarray(0, 7)]));
    assert.deepEqual(first.frames, [a]);
    assert.equal(first.state.bytes, 7);
    const second = decodeFrames(first.state, frameB.subarray(7));
    assert.deepEqual(second.frames, [b]);
    assert.equal(second.state.bytes, 0);
  });

  it('decodes a frame split in two at every possible byte boundary (including inside the header)', () => {
    const body = pattern(12, 5);
    const frame = frameBody(body);
    for (let cut = 0; cut <= frame.length; cut += 1) {
      const { frames, state } = feed([frame.subarray(0, cut), frame.subarray(cut)]);
      assert.deepEqual(frames, [body], `cut at byte ${cut}`);
      assert.equal(state.bytes, 0, `cut at byte ${cut}`);
      assert.equal(state.error, undefined, `cut at byte ${cut}`);
    }
  });

  it('returns nothing until the last byte of a split frame arrives', () => {
    const body = pattern(12, 5);
    const frame = frameBody(body);
    for (let cut = 1; cut < frame.length; cut += 1) {
      const first = decodeFrames(INITIAL_DECODER_STATE, frame.subarray(0, cut));
      assert.deepEqual(first.frames, [], `cut at byte ${cut}`);
      assert.equal(first.state.bytes, cut);
    }
  });

  it('decodes a frame delivered one byte at a time', () => {
    const bodies = [pattern(6, 1), pattern(3, 2)];
    const wire = Buffer.concat(bodies.map((b) => frameBody(b)));
    const chunks = [...wire].map((byte) => Buffer.from([byte]));
    assert.deepEqual(feed(chunks).frames, bodies);
  });

  it('decodes frames whose boundaries fall anywhere in three-way splits', () => {
    const bodies = [pattern(4, 1), pattern(6, 2)];
    const wire = Buffer.concat(bodies.map((b) => frameBody(b)));
    for (let i = 0; i <= wire.length; i += 1) {
      for (let j = i; j <= wire.length; j += 1) {
        const { frames, state } = feed([wire.subarray(0, i), wire.subarray(i, j), wire.subarray(j)]);
        assert.deepEqual(frames, bodies, `cuts at ${i} and ${j}`);
        assert.equal(state.bytes, 0);
      }
    }
  });

  it('decodes a 1 MiB frame delivered in 64 KiB chunks', () => {
    const body = pattern(1024 * 1024, 9);
    const frame = frameBody(body);
    const step = 64 * 1024;
    let state: DecoderState = INITIAL_DECODER_STATE;
    const frames: Buffer[] = [];
    for (let offset = 0; offset < frame.length; offset += step) {
      const result = decodeFrames(state, frame.subarray(offset, offset + step));
      if (offset + step < frame.length) {
        assert.deepEqual(result.frames, [], `no frame before the last chunk (offset ${offset})`);
        assert.equal(result.state.bytes, Math.min(offset + step, frame.length));
      }
      frames.push(...result.frames);
      state = result.state;
    }
    assert.equal(frames.length, 1);
    assert.ok(frames[0]!.equals(body));
    assert.equal(state.bytes, 0);
  });

  it('reports an oversize length as "oversize" and still returns the frames before it', () => {
    const a = pattern(3, 1);
    const b = pattern(4, 2);
    const chunk = Buffer.concat([frameBody(a), frameBody(b), header(17)]);
    const { frames, state } = decodeFrames(INITIAL_DECODER_STATE, chunk, 16);
    assert.deepEqual(frames, [a, b]);
    assert.equal(state.error?.reason, 'oversize');
    assert.match(state.error.message, /17 bytes/);
  });

  it('reports an oversize length against the default limit without waiting for the body', () => {
    const { frames, state } = decodeFrames(INITIAL_DECODER_STATE, header(MAX_FRAME_BYTES + 1));
    assert.deepEqual(frames, []);
    assert.equal(state.error?.reason, 'oversize');
  });

  it('reports an oversize length whose header arrives split across chunks', () => {
    const h = header(1000);
    const { frames, state } = feed([h.subarray(0, 2), h.subarray(2)], 999);
    assert.deepEqual(frames, []);
    assert.equal(state.error?.reason, 'oversize');
  });

  it('accepts a frame exactly at the limit', () => {
    const body = pattern(16);
    const { frames, state } = decodeFrames(INITIAL_DECODER_STATE, frameBody(body), 16);
    assert.deepEqual(frames, [body]);
    assert.equal(state.error, undefined);
  });

  it('reports a wrong first byte as "bad-magic" as soon as it arrives', () => {
    const { frames, state } = decodeFrames(INITIAL_DECODER_STATE, Buffer.from([0x00]));
    assert.deepEqual(frames, []);
    assert.equal(state.error?.reason, 'bad-magic');
    assert.match(state.error.message, /0x00/);
  });

  it('reports bad magic after good frames and still returns those frames', () => {
    const a = pattern(3, 1);
    const bad = frameBody(pattern(3, 2));
    bad[0] = 0x42;
    const { frames, state } = decodeFrames(INITIAL_DECODER_STATE, Buffer.concat([frameBody(a), bad]));
    assert.deepEqual(frames, [a]);
    assert.equal(state.error?.reason, 'bad-magic');
    assert.match(state.error.message, /byte 8, got 0x42/);
  });

  it('treats empty chunks as no input', () => {
    const body = pattern(5);
    const { frames, state } = feed([Buffer.alloc(0), frameBody(body), Buffer.alloc(0)]);
    assert.deepEqual(frames, [body]);
    assert.equal(state.bytes, 0);
    // A bad stream after an empty chunk is still caught once a whole header is in.
    assert.equal(feed([Buffer.alloc(0), Buffer.from([0, 0, 0, 0, 0])]).state.error?.reason, 'bad-magic');
  });

  it('reports bad magic on the first byte even after an empty chunk', () => {
    assert.equal(feed([Buffer.alloc(0), Buffer.from([0x00])]).state.error?.reason, 'bad-magic');
  });

  it('reports a zero-length body as "empty"', () => {
    const a = pattern(2);
    const { frames, state } = decodeFrames(INITIAL_DECODER_STATE, Buffer.concat([frameBody(a), header(0)]));
    assert.deepEqual(frames, [a]);
    assert.equal(state.error?.reason, 'empty');
  });

  it('stays closed after an error: later chunks return nothing and keep the error', () => {
    for (const [name, bad] of [
      ['bad-magic', Buffer.from([0x01, 0x02, 0x03, 0x04, 0x05, 0x06])],
      ['oversize', header(MAX_FRAME_BYTES + 1)],
      ['empty', header(0)],
    ] as const) {
      const first = decodeFrames(INITIAL_DECODER_STATE, bad);
      assert.equal(first.state.error?.reason, name);
      let state = first.state;
      for (let i = 0; i < 3; i += 1) {
        const next = decodeFrames(state, frameBody(pattern(4, i)));
        assert.deepEqual(next.frames, [], `${name}: push ${i} after the error`);
        assert.equal(next.state.error?.reason, name);
        state = next.state;
      }
    }
  });

  it('does not mutate the input state or chunk (purity)', () => {
    const body = pattern(20, 3);
    const frame = frameBody(body);
    const partial = decodeFrames(INITIAL_DECODER_STATE, frame.subarray(0, 3)).state;
    const frozen: DecoderState = Object.freeze({ chunks: Object.freeze([...partial.chunks]), bytes: partial.bytes });
    const snapshot = { chunks: frozen.chunks.map((c) => Buffer.from(c)), bytes: frozen.bytes };
    const chunk = frame.subarray(3);
    const chunkCopy = Buffer.from(chunk);

    const once = decodeFrames(frozen, chunk);
    // Same input state again: same output, because nothing was remembered or changed.
    const twice = decodeFrames(frozen, chunk);
    assert.deepEqual(once.frames, [body]);
    assert.deepEqual(twice.frames, [body]);
    assert.equal(frozen.bytes, snapshot.bytes);
    assert.deepEqual(frozen.chunks.map((c) => Buffer.from(c)), snapshot.chunks);
    assert.deepEqual(chunk, chunkCopy);
    assert.deepEqual(INITIAL_DECODER_STATE, { chunks: [], bytes: 0 });
  });

  it('does not mutate an input state that holds an incomplete frame when the chunk is still short', () => {
    const frame = frameBody(pattern(100));
    const s1 = decodeFrames(INITIAL_DECODER_STATE, frame.subarray(0, 10)).state;
    const chunksBefore = s1.chunks.length;
    const s2 = decodeFrames(s1, frame.subarray(10, 20)).state;
    assert.equal(s1.chunks.length, chunksBefore);
    assert.equal(s1.bytes, 10);
    assert.equal(s2.bytes, 20);
    assert.notEqual(s1, s2);
  });

  it('does not mutate an input state when the result is an error', () => {
    const s1 = decodeFrames(INITIAL_DECODER_STATE, frameBody(pattern(10)).subarray(0, 4)).state;
    const result = decodeFrames(s1, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]), 100);
    assert.equal(result.state.error?.reason, 'oversize');
    assert.equal(s1.error, undefined);
    assert.equal(s1.bytes, 4);
  });
});

describe('FrameReader', () => {
  it('returns complete bodies across pushes and counts buffered bytes', () => {
    const reader = new FrameReader();
    const a = pattern(10, 1);
    const b = pattern(10, 2);
    const wire = Buffer.concat([frameBody(a), frameBody(b)]);
    assert.deepEqual(reader.push(wire.subarray(0, 12)), []);
    assert.equal(reader.bufferedBytes, 12);
    assert.deepEqual(reader.push(wire.subarray(12, 20)), [a]);
    assert.equal(reader.bufferedBytes, 5);
    assert.deepEqual(reader.push(wire.subarray(20)), [b]);
    assert.equal(reader.bufferedBytes, 0);
    assert.equal(reader.error, undefined);
  });

  it('uses its own size limit', () => {
    const reader = new FrameReader(8);
    assert.deepEqual(reader.push(frameBody(pattern(8))), [pattern(8)]);
    assert.deepEqual(reader.push(header(9)), []);
    assert.equal(reader.error?.reason, 'oversize');
  });

  it('stays closed after losing sync, forever', () => {
    const reader = new FrameReader();
    const a = pattern(3);
    assert.deepEqual(reader.push(Buffer.concat([frameBody(a), Buffer.from([0x00])])), [a]);
    assert.equal(reader.error?.reason, 'bad-magic');
    for (let i = 0; i < 5; i += 1) assert.deepEqual(reader.push(frameBody(pattern(4, i))), []);
    assert.equal(reader.error?.reason, 'bad-magic');
    assert.equal(reader.bufferedBytes, 0);
  });
});

describe('codec', () => {
  it('round-trips nested objects through encodeFrame and decodeBody', () => {
    const message = {
      t: 'history',
      run: 1,
      seq: 42,
      data: { loss: 0.25, nested: { deep: { list: [1, 'two', null, true, { x: -3.5 }] } }, empty: {}, text: 'héllo ✓' },
    };
    const frame = encodeFrame(message);
    const [body] = new FrameReader().push(frame);
    assert.ok(body);
    assert.deepEqual(decodeBody(body), message);
  });

  it('frames exactly the encoded body', () => {
    const message = { a: 1 };
    const frame = encodeFrame(message);
    assert.deepEqual(frame.subarray(FRAME_HEADER_BYTES), encodeBody(message));
    assert.equal(frame.readUInt32LE(1), encodeBody(message).length);
  });

  it('round-trips NaN and ±Infinity', () => {
    const decoded = decodeBody(encodeBody({ nan: NaN, inf: Infinity, ninf: -Infinity, list: [NaN, -Infinity] })) as Record<string, unknown>;
    assert.ok(Number.isNaN(decoded.nan));
    assert.equal(decoded.inf, Infinity);
    assert.equal(decoded.ninf, -Infinity);
    assert.ok(Array.isArray(decoded.list));
    assert.ok(Number.isNaN(decoded.list[0]));
    assert.equal(decoded.list[1], -Infinity);
  });

  it('round-trips a Date', () => {
    const date = new Date('2024-05-06T07:08:09.123Z');
    const decoded = decodeBody(encodeBody({ when: date })) as { when: unknown };
    assert.ok(decoded.when instanceof Date);
    assert.equal(decoded.when.getTime(), date.getTime());
  });

  it('returns integers beyond 2^53 as exact bigints and small ones as numbers', () => {
    const big = 2n ** 53n + 1n;
    const huge = 2n ** 62n + 12345n;
    const negative = -(2n ** 60n) - 7n;
    const decoded = decodeBody(encodeBody({ big, huge, negative, small: 12, max: Number.MAX_SAFE_INTEGER })) as Record<string, unknown>;
    assert.equal(decoded.big, big);
    assert.equal(decoded.huge, huge);
    assert.equal(decoded.negative, negative);
    assert.equal(decoded.small, 12);
    assert.equal(decoded.max, Number.MAX_SAFE_INTEGER);
  });

  it('throws RangeError when the encoded message exceeds the frame limit', () => {
    assert.throws(() => encodeFrame({ text: 'x'.repeat(100) }, 50), RangeError);
  });

  const isBadFrame = (error: unknown) =>
    error instanceof ProtocolError && error.code === 'BAD_FRAME' && error.kind === 'argument' && /not valid msgpack/.test(error.message);

  it('decodeBody of the never-used byte 0xc1 throws ProtocolError BAD_FRAME', () => {
    assert.throws(() => decodeBody(Buffer.from([0xc1])), isBadFrame);
  });
  it('decodeBody of a map holding the never-used byte 0xc1 as a value throws ProtocolError BAD_FRAME', () => {
    // {"x": <0xc1>}
    assert.throws(() => decodeBody(Buffer.from([0x81, 0xa1, 0x78, 0xc1])), isBadFrame);
  });

  const garbage: [string, Buffer][] = [
    ['a truncated map', encodeBody({ key: 'a longer string value', n: 1 }).subarray(0, 10)],
    ['a truncated str8 header', Buffer.from([0xd9])],
    ['a truncated float64', Buffer.from([0xcb, 0x00, 0x01])],
    ['two values where one is expected', Buffer.concat([encodeBody(1), encodeBody(2)])],
  ];
  for (const [name, bytes] of garbage) {
    it(`decodeBody of ${name} throws ProtocolError BAD_FRAME`, () => {
      assert.throws(() => decodeBody(bytes), isBadFrame);
    });
  }
});
