/** Video: frames encoded as an animated GIF (decoded back here), W&B's batch tiling, files kept, errors. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Video } from '../src/media/video.js';
import { decodeGif, recorder, sha256 } from './media-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'wdc-video-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** T×C×H×W frames where pixel (t, c, y, x) is f(t, c, y, x). */
function frames(t: number, c: number, h: number, w: number, f: (t: number, c: number, y: number, x: number) => number): number[][][][] {
  return Array.from({ length: t }, (_, ti) => Array.from({ length: c }, (_c, ci) => Array.from({ length: h }, (_y, y) => Array.from({ length: w }, (_x, x) => f(ti, ci, y, x)))));
}

describe('Video from frames', () => {
  it('encodes T×1×H×W frames as a looping GIF at fps (delay 100/fps cs), gray levels exact', () => {
    const video = new Video(frames(3, 1, 2, 3, (t, _c, y, x) => t * 60 + y * 10 + x), { caption: 'gray' });
    const gif = decodeGif(video.bytes);
    assert.deepEqual([gif.version, gif.width, gif.height, gif.loop, gif.frames.length], ['GIF89a', 3, 2, 0, 3]);
    assert.deepEqual(gif.frames.map((frame) => frame.delay), [25, 25, 25]);
    for (let t = 0; t < 3; t += 1) {
      const expected = [0, 1, 2, 10, 11, 12].map((v) => t * 60 + v).map((v) => [v, v, v]);
      assert.deepEqual(gif.frames[t]!.rgb, expected, `frame ${t}`);
    }
    const ctx = recorder('clip', 4);
    const json = video.toWandbJson(ctx);
    const digest = sha256(video.bytes);
    assert.deepEqual(json, { _type: 'video-file', sha256: digest, size: video.bytes.length, path: `media/videos/clip_4_${digest.slice(0, 20)}.gif`, width: 3, height: 2, caption: 'gray' });
    assert.deepEqual(ctx.files.map((file) => [file.path, file.sha256, file.bytes]), [[json.path, digest, video.bytes]]);
  });

  it('keeps colours exact with one palette when the video has at most 256, and rounds and clamps values', () => {
    const colour = (t: number, c: number, y: number, x: number) => [[255, 0, 0], [0, 255, 0], [0, 0, 255], [12.4, 300, -5]][(t + y * 2 + x) % 4]![c]!;
    const gif = decodeGif(new Video(frames(2, 3, 2, 2, colour), { fps: 10 }).bytes);
    assert.deepEqual(gif.frames.map((frame) => [frame.delay, frame.localPalette]), [[10, false], [10, false]]);
    const expected = (t: number) => [0, 1, 2, 3].map((i) => [[255, 0, 0], [0, 255, 0], [0, 0, 255], [12, 255, 0]][(t + i) % 4]);
    assert.deepEqual(gif.frames[0]!.rgb, expected(0));
    assert.deepEqual(gif.frames[1]!.rgb, expected(1));
  });

  it('gives each frame its own exact palette when the video has more than 256 colours', () => {
    const data = frames(2, 3, 16, 16, (t, c, y, x) => (c === 0 ? y * 16 + x : c === 1 ? t * 100 : 7));
    const gif = decodeGif(new Video(data).bytes);
    assert.deepEqual(gif.frames.map((frame) => frame.localPalette), [false, true]);
    for (let t = 0; t < 2; t += 1) assert.deepEqual(gif.frames[t]!.rgb, Array.from({ length: 256 }, (_, i) => [i, t * 100, 7]));
  });

  it('quantizes a frame of more than 256 colours with gifenc', () => {
    const data = frames(1, 3, 20, 20, (_t, c, y, x) => (c === 0 ? y * 12 : c === 1 ? x * 12 : (x * y) % 256));
    const gif = decodeGif(new Video(data).bytes);
    assert.deepEqual([gif.width, gif.height, gif.frames.length, gif.frames[0]!.rgb.length], [20, 20, 1, 400]);
  });

  it('tiles a B×T×C×H×W batch as W&B does: padded to a power of two, 2^⌊(bitlength(B)-1)/2⌋ rows', () => {
    // B = 3: padded to 4 videos, bitlength(3) = 2 → 1 row of 4; video b is filled with 50·(b+1) + t.
    const batch = Array.from({ length: 3 }, (_, b) => frames(2, 1, 1, 2, (t) => 50 * (b + 1) + t));
    const video = new Video(batch);
    const gif = decodeGif(video.bytes);
    assert.deepEqual([video.width, video.height, gif.width, gif.height], [8, 1, 8, 1]);
    for (let t = 0; t < 2; t += 1) {
      assert.deepEqual(gif.frames[t]!.rgb.map((p) => p[0]), [50 + t, 50 + t, 100 + t, 100 + t, 150 + t, 150 + t, 0, 0]);
    }
    // B = 4: 2 rows of 2.
    const four = Array.from({ length: 4 }, (_, b) => frames(1, 1, 1, 1, () => 10 * (b + 1)));
    const grid = decodeGif(new Video({ data: four.flat(4), shape: [4, 1, 1, 1, 1] }).bytes);
    assert.deepEqual([grid.width, grid.height, grid.frames[0]!.rgb.map((p) => p[0])], [2, 2, [10, 20, 30, 40]]);
  });

  it('reads a TensorFlow.js tensor', () => {
    const tensor = tf.tensor4d([0, 100, 200, 255], [2, 1, 1, 2], 'int32');
    const gif = decodeGif(new Video(tensor, { fps: 2 }).bytes);
    tensor.dispose();
    assert.deepEqual(gif.frames.map((frame) => [frame.delay, frame.rgb.map((p) => p[0])]), [[50, [0, 100]], [50, [200, 255]]]);
  });

  it('encodes frames only as gif, and checks shapes and fps', () => {
    const one = frames(1, 1, 1, 1, () => 0);
    assert.throws(() => new Video(one, { format: 'mp4' }), /frames can only be encoded as gif.*'mp4'/);
    assert.throws(() => new Video(one, { format: 'avi' as never }), /format must be one of gif, mp4, webm, ogg/);
    assert.throws(() => new Video(frames(1, 2, 1, 1, () => 0)), /1 or 3 channels/);
    assert.throws(() => new Video({ data: [1, 2], shape: [2, 1] }), /T×C×H×W or B×T×C×H×W/);
    assert.throws(() => new Video(one, { fps: 0 }), /fps must be a positive number/);
  });
});

describe('Video from files', () => {
  const gifBytes = new Video(frames(1, 1, 2, 5, () => 9)).bytes;
  const mp4 = Uint8Array.from([0, 0, 0, 0x18, ...Buffer.from('ftypisom'), 0, 0, 2, 0, ...Buffer.from('isomiso2')]);

  it('keeps mp4 bytes, recognized by content, without a size', () => {
    const video = new Video(mp4, { caption: 'cam' });
    const json = video.toWandbJson(recorder('cam', 'summary'));
    assert.deepEqual(json, { _type: 'video-file', sha256: sha256(mp4), size: mp4.length, path: `media/videos/cam_summary_${sha256(mp4).slice(0, 20)}.mp4`, caption: 'cam' });
  });

  it('keeps gif bytes and reads their size; webm and ogg by signature; else by { format }', () => {
    assert.deepEqual([new Video(gifBytes).format, new Video(gifBytes).width, new Video(gifBytes).height], ['gif', 5, 2]);
    assert.equal(new Video(Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 1])).format, 'webm');
    assert.equal(new Video(Uint8Array.from([...Buffer.from('OggS'), 0])).format, 'ogg');
    assert.throws(() => new Video(Uint8Array.from([1, 2, 3])), /pass \{ format \}/);
    assert.equal(new Video(Uint8Array.from([1, 2, 3]), { format: 'webm' }).format, 'webm');
  });

  it('reads a path now, its format from the extension', () => {
    const path = join(tmp, 'clip.MP4');
    writeFileSync(path, mp4);
    const video = new Video(path);
    assert.deepEqual([video.format, video.sha256], ['mp4', sha256(mp4)]);
    assert.throws(() => new Video(join(tmp, 'clip.avi')), /must be gif, mp4, webm, ogg \(by extension\)/);
  });
});

describe('a list of videos', () => {
  it('is W&B\'s videos JSON, captions false when the first has none', () => {
    const a = new Video(frames(1, 1, 1, 1, () => 1));
    const b = new Video(frames(1, 1, 1, 1, () => 2));
    const ctx = recorder('v', 1);
    const json = Video.seqToWandbJson([a, b], ctx);
    assert.deepEqual(json, { _type: 'videos', count: 2, videos: [a.toWandbJson(recorder('v', 1)), b.toWandbJson(recorder('v', 1))], captions: false });
    assert.equal(ctx.files.length, 2);
  });
});
