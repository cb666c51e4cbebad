/** Image: pixels encoded as PNG (decoded back with pngjs), encoded files kept, W&B's JSON, lists, errors. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { Image } from '../src/media/image.js';
import { recorder, sha256 } from './media-helpers.js';

/** The PNG's colour type and its pixels as numbers, channel by channel, without pngjs's RGBA expansion. */
function decodePng(bytes: Uint8Array): { width: number; height: number; colorType: number; pixels: number[] } {
  const png = PNG.sync.read(Buffer.from(bytes), { skipRescale: true });
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[png.colorType]!;
  const pixels: number[] = [];
  // pngjs always hands back RGBA; keep the channels the PNG stores.
  for (let p = 0; p < png.width * png.height; p += 1) {
    const rgba = png.data.subarray(p * 4, p * 4 + 4);
    if (channels === 1) pixels.push(rgba[0]!);
    else pixels.push(...rgba.subarray(0, channels));
  }
  return { width: png.width, height: png.height, colorType: png.colorType, pixels };
}

const JPEG = Uint8Array.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0,
  0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x03, 0x00, 0x05, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9,
]);
const tmp = mkdtempSync(join(tmpdir(), 'wdc-image-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('Image from pixels', () => {
  it('scales 0–1 floats by 255 (rounded) into a grayscale PNG and logs W&B\'s image-file JSON', () => {
    const image = new Image([[0, 0.5], [1, 0.25]], { caption: 'gray' });
    const ctx = recorder('examples', 7);
    const json = image.toWandbJson(ctx);
    assert.equal(ctx.files.length, 1);
    const file = ctx.files[0]!;
    const digest = sha256(file.bytes);
    const path = `media/images/examples_7_${digest.slice(0, 20)}.png`;
    assert.deepEqual(json, { _type: 'image-file', sha256: digest, size: file.bytes.length, path, format: 'png', width: 2, height: 2, caption: 'gray' });
    assert.deepEqual(Object.keys(json), ['_type', 'sha256', 'size', 'path', 'format', 'width', 'height', 'caption'], "W&B's key order");
    assert.deepEqual({ path: file.path, sha256: file.sha256 }, { path, sha256: digest });
    assert.deepEqual(decodePng(file.bytes), { width: 2, height: 2, colorType: 0, pixels: [0, 128, 255, 64] });
  });

  it('keeps 0–255 values of H×W×3 as an RGB PNG, row by row', () => {
    const pixels = [
      [[255, 0, 0], [0, 255, 0], [0, 0, 255]],
      [[10, 20, 30], [40, 50, 60], [70, 80, 90]],
    ];
    const image = new Image(pixels);
    assert.deepEqual([image.width, image.height, image.format], [3, 2, 'png']);
    assert.deepEqual(decodePng(image.bytes), { width: 3, height: 2, colorType: 2, pixels: pixels.flat(2) });
  });

  it('takes { data, shape } with 4 channels as RGBA', () => {
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(decodePng(new Image({ data, shape: [1, 2, 4] }).bytes), { width: 2, height: 1, colorType: 6, pixels: [1, 2, 3, 4, 5, 6, 7, 8] });
  });

  it('clamps and rounds values above 1 without scaling them', () => {
    assert.deepEqual(decodePng(new Image([[0, 300], [127.5, 254.4]]).bytes).pixels, [0, 255, 128, 254]);
  });

  it('rescales data with negative values to 0–1 first, as W&B does', () => {
    // (v - min) / (max - min) * 255: -1 → 0, 0 → 127.5 → 128, 1 → 255.
    assert.deepEqual(decodePng(new Image([[-1, 0, 1]]).bytes).pixels, [0, 128, 255]);
  });

  it('converts channels to the asked mode as PIL does', () => {
    // ITU-R 601-2 luma in PIL's fixed point: (r·19595 + g·38470 + b·7471 + 0x8000) >> 16.
    const rgb = [[[255, 0, 0], [0, 255, 0], [0, 0, 255], [100, 150, 200]]];
    assert.deepEqual(decodePng(new Image(rgb, { mode: 'L' }).bytes), { width: 4, height: 1, colorType: 0, pixels: [76, 150, 29, 141] });
    assert.deepEqual(decodePng(new Image([[10, 20]], { mode: 'RGBA' }).bytes).pixels, [10, 10, 10, 255, 20, 20, 20, 255]);
    assert.deepEqual(decodePng(new Image({ data: [1, 2, 3, 4], shape: [1, 1, 4] }, { mode: 'RGB' }).bytes).pixels, [1, 2, 3]);
    assert.deepEqual(decodePng(new Image({ data: [9, 8], shape: [1, 2, 1] }).bytes), { width: 2, height: 1, colorType: 0, pixels: [9, 8] });
  });

  it('reads a TensorFlow.js tensor (H×W×C, float 0–1)', () => {
    const tensor = tf.tensor3d([[[0, 0.2, 1]], [[0.4, 0.6, 0.8]]], [2, 1, 3], 'float32');
    const image = new Image(tensor);
    tensor.dispose();
    // float32 0.2 · 255 = 51.0000007…, 0.6 · 255 = 152.99999…, 0.8 · 255 = 204.0000…
    assert.deepEqual(decodePng(image.bytes), { width: 1, height: 2, colorType: 2, pixels: [0, 51, 255, 102, 153, 204] });
  });

  it('encodes in the constructor, so bad pixels throw there', () => {
    assert.throws(() => new Image([[[1, 2], [3, 4]]]), /H×W or H×W×C with C = 1, 3 or 4.*\[1, 2, 2\]/);
    assert.throws(() => new Image([[1, 2], [3]]), /rectangular/);
    assert.throws(() => new Image([[1, 'x' as never]]), /must be a number, got string/);
    assert.throws(() => new Image({ data: [1, 2, 3], shape: [2, 2] }), /needs 4 values, data has 3/);
    assert.throws(() => new Image([[1]], { mode: 'CMYK' as never }), /mode must be/);
    assert.throws(() => new Image(42 as never), /Image needs a file path/);
    assert.throws(() => new Image([[1]], { caption: 5 as never }), /caption must be a string/);
  });
});

describe('Image from encoded files', () => {
  const png = new Image([[0, 255]]).bytes;

  it('keeps PNG bytes as they are, with their size', () => {
    const image = new Image(Buffer.from(png));
    assert.deepEqual(Buffer.from(image.bytes), Buffer.from(png));
    const json = image.toWandbJson(recorder('p', 0));
    assert.deepEqual(json, { _type: 'image-file', sha256: sha256(png), size: png.length, path: `media/images/p_0_${sha256(png).slice(0, 20)}.png`, format: 'png', width: 2, height: 1 });
  });

  it('keeps JPEG bytes as jpg, its size read from the content', () => {
    const image = new Image(JPEG);
    assert.deepEqual([image.format, image.width, image.height], ['jpg', 5, 3]);
    assert.equal(image.toWandbJson(recorder('j', 1)).path, `media/images/j_1_${sha256(JPEG).slice(0, 20)}.jpg`);
  });

  it('keeps GIF bytes as gif', () => {
    const gif = Uint8Array.from([...Buffer.from('GIF89a'), 4, 0, 2, 0, 0, 0, 0, 0x3b]);
    assert.deepEqual([new Image(gif).format, new Image(gif).width, new Image(gif).height], ['gif', 4, 2]);
  });

  it('reads a file path now, its format from the content, and copies caller bytes', () => {
    const path = join(tmp, 'picture.dat');
    writeFileSync(path, png);
    const image = new Image(path);
    writeFileSync(path, 'changed');
    assert.deepEqual([image.format, image.sha256], ['png', sha256(png)]);
    const mine = Uint8Array.from(png);
    const fromBytes = new Image(mine);
    mine.fill(0);
    assert.equal(fromBytes.sha256, sha256(png));
  });

  it('refuses files that are no PNG, JPEG or GIF, and missing files', () => {
    assert.throws(() => new Image(Uint8Array.from([1, 2, 3, 4])), /bytes given hold no PNG, JPEG or GIF image; raw pixels need a shape/);
    assert.throws(() => new Image(Uint8Array.from([0x42, 0x4d, 0x3a, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 0x28, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0x18, 0])), /\(found bmp\)/);
    assert.throws(() => new Image(join(tmp, 'missing.png')), (error: unknown) => error instanceof TypeError && /cannot read .*missing\.png.*ENOENT/.test(error.message));
  });
});

describe('a list of images', () => {
  it('is W&B\'s images/separated: one file each, size and format of the first, captions with null for none', () => {
    const a = new Image([[0, 255]], { caption: 'first' });
    const b = new Image([[255, 0], [0, 0]]);
    const ctx = recorder('batch', 2);
    const json = Image.seqToWandbJson([a, b], ctx);
    const paths = [a, b].map((image) => `media/images/batch_2_${image.sha256.slice(0, 20)}.png`);
    assert.deepEqual(json, { _type: 'images/separated', width: 2, height: 1, format: 'png', count: 2, filenames: paths, captions: ['first', null] });
    assert.deepEqual(ctx.files.map((file) => file.path), paths);
  });

  it('has no captions when no image has one', () => {
    const json = Image.seqToWandbJson([new Image([[1]]), new Image([[2]])], recorder());
    assert.equal('captions' in json, false);
  });
});
