/** Html and Object3D: the files they write (W&B's head injection, .pts.json), paths kept, JSON, lists, errors. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Html } from '../src/media/html.js';
import { Object3D } from '../src/media/object3d.js';
import { recorder, sha256 } from './media-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'wdc-html3d-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const HEAD = '<base target="_blank"><link rel="stylesheet" type="text/css" href="https://app.wandb.ai/normalize.css" />';
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('Html', () => {
  it('injects W&B\'s head into a fragment and logs html-file JSON', () => {
    const html = new Html('<p>héllo</p>\n');
    const content = `${HEAD}<p>héllo</p>`;
    assert.equal(text(html.bytes), content);
    const ctx = recorder('page', 5);
    const json = html.toWandbJson(ctx);
    assert.deepEqual(json, { _type: 'html-file', sha256: sha256(content), size: Buffer.byteLength(content), path: `media/html/page_5_${sha256(content).slice(0, 20)}.html` });
    assert.deepEqual(ctx.files.map((file) => text(file.bytes)), [content]);
  });

  it('injects after <head>, or wraps a head after <html>, and leaves the page alone with inject: false', () => {
    assert.equal(new Html('<html><head><title>t</title></head></html>').html, `<html><head>${HEAD}<title>t</title></head></html>`);
    assert.equal(new Html('<!doctype html><html><body>b</body></html>').html, `<!doctype html><html><head>${HEAD}</head><body>b</body></html>`);
    assert.equal(text(new Html(' <b>x</b> ', { inject: false }).bytes), ' <b>x</b> ');
  });

  it('reads a string without "<" ending in .html as a file path (kept byte for byte without injection)', () => {
    const path = join(tmp, 'report.html');
    const bytes = Uint8Array.from([...Buffer.from('<p>'), 0xff, ...Buffer.from('</p>')]); // not UTF-8: kept as is
    writeFileSync(path, bytes);
    assert.equal(sha256(new Html(path, { inject: false }).bytes), sha256(bytes));
    assert.equal(new Html(path).html.startsWith(HEAD), true);
    assert.throws(() => new Html(join(tmp, 'missing.html')), /looks like the path of an HTML file, but there is no such file/);
    assert.equal(new Html('<a href="x.html">x.html', { inject: false }).html, '<a href="x.html">x.html');
    assert.throws(() => new Html(5 as never), /Html needs a string/);
  });

  it('logs a list as W&B\'s html JSON', () => {
    const pages = [new Html('<p>1</p>'), new Html('<p>2</p>')];
    const json = Html.seqToWandbJson(pages, recorder('h', 1));
    assert.deepEqual(json, { _type: 'html', count: 2, html: pages.map((page) => page.toWandbJson(recorder('h', 1))) });
  });
});

describe('Object3D', () => {
  it('writes an N×3 point cloud as compact .pts.json and logs object3D-file JSON', () => {
    const cloud = new Object3D([[1, 2, 3], [4.5, 5, -6]], { caption: 'pts' });
    const content = '[[1,2,3],[4.5,5,-6]]';
    assert.equal(text(cloud.bytes), content);
    const json = cloud.toWandbJson(recorder('lidar/front', 2));
    assert.deepEqual(json, { _type: 'object3D-file', sha256: sha256(content), size: content.length, path: `media/object3D/lidar/front_2_${sha256(content).slice(0, 20)}.pts.json`, caption: 'pts' });
  });

  it('takes N×4 and N×6 clouds as { data, shape } or tensors, and refuses other shapes', () => {
    assert.equal(text(new Object3D({ data: new Float32Array([1, 2, 3, 4]), shape: [1, 4] }).bytes), '[[1,2,3,4]]');
    const tensor = tf.tensor2d([[0, 0, 0, 255, 0, 0]], [1, 6], 'int32');
    assert.equal(text(new Object3D(tensor).bytes), '[[0,0,0,255,0,0]]');
    tensor.dispose();
    assert.throws(() => new Object3D([[1, 2]]), /N×3 \(x y z\), N×4 \(x y z category\) or N×6 \(x y z r g b\); got shape \[1, 2\]/);
    assert.throws(() => new Object3D({ data: [1, 2, 3, 4, 5], shape: [5] }), /got shape \[5\]/);
  });

  it('writes a lidar/beta scene with W&B\'s keys, sorted, missing lists empty', () => {
    const scene = new Object3D({ type: 'lidar/beta', points: [[0, 1, 2]], boxes: [{ corners: [[0, 0, 0]], label: 'car', color: [255, 0, 0] }] });
    assert.equal(text(scene.bytes), '{"boxes":[{"corners":[[0,0,0]],"label":"car","color":[255,0,0]}],"points":[[0,1,2]],"type":"lidar/beta","vectors":[]}');
    assert.throws(() => new Object3D({ type: 'radar' as never, points: [[0, 0, 0]] }), /'lidar\/beta', the only one W&B supports/);
  });

  it('keeps model files: the format from a path\'s extension, or from { format } for bytes', () => {
    const path = join(tmp, 'mesh.obj');
    writeFileSync(path, 'v 0 0 0\n');
    const mesh = new Object3D(path);
    assert.deepEqual([mesh.format, text(mesh.bytes)], ['obj', 'v 0 0 0\n']);
    assert.equal(mesh.toWandbJson(recorder('m', 0)).path, `media/object3D/m_0_${sha256('v 0 0 0\n').slice(0, 20)}.obj`);
    const glb = new Object3D(Uint8Array.from([0x67, 0x6c, 0x54, 0x46]), { format: 'glb' });
    assert.equal((glb.toWandbJson(recorder('m', 0)).path as string).endsWith('.glb'), true);
    assert.equal(new Object3D(Uint8Array.from([1]), { file_type: 'stl' }).format, 'stl');
    assert.throws(() => new Object3D(Uint8Array.from([1])), /bytes need \{ format \}/);
    assert.throws(() => new Object3D(join(tmp, 'mesh.fbx')), /must be obj, gltf, glb, babylon, stl, pts.json \(by extension\)/);
  });

  it('logs a list as W&B\'s object3D JSON, file names relative to media/object3D', () => {
    const a = new Object3D([[1, 1, 1]]);
    const b = new Object3D([[2, 2, 2]]);
    const ctx = recorder('scans/x', 4);
    const json = Object3D.seqToWandbJson([a, b], ctx);
    const names = [a, b].map((o) => `scans/x_4_${o.sha256.slice(0, 20)}.pts.json`);
    assert.deepEqual(json, { _type: 'object3D', filenames: names, count: 2, objects: [a, b].map((o) => o.toWandbJson(recorder('scans/x', 4))) });
    assert.deepEqual(ctx.files.map((file) => file.path), names.map((name) => `media/object3D/${name}`));
  });
});
