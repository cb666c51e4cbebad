/** glTF packed into one self-contained GLB, so three.js's loader never fetches (CSP). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildGlb, decodeDataUri, GltfError, packGltf, parseGlb, resolveRelative, type GltfJson } from '../src/viewers/object3d/gltf-pack.js';

const bytes = (...values: number[]) => new Uint8Array(values);
const dataUri = (b: Uint8Array, type = 'application/octet-stream') => `data:${type};base64,${Buffer.from(b).toString('base64')}`;
const noFiles = async (uri: string): Promise<ArrayBuffer> => {
  throw new Error(`unexpected read of ${uri}`);
};

describe('GLB container', () => {
  it('round-trips JSON and binary chunks, padded to 4 bytes', () => {
    const json: GltfJson = { asset: { version: '2.0' }, buffers: [{ byteLength: 5 }] };
    const glb = buildGlb(json, bytes(1, 2, 3, 4, 5));
    const view = new DataView(glb);
    assert.equal(view.getUint32(0, true), 0x46546c67);
    assert.equal(view.getUint32(8, true), glb.byteLength);
    assert.equal(glb.byteLength % 4, 0);
    const parts = parseGlb(glb);
    assert.deepEqual(parts.json, json);
    assert.deepEqual([...parts.bin!], [1, 2, 3, 4, 5, 0, 0, 0]);
  });

  it('refuses what is not a GLB 2', () => {
    assert.throws(() => parseGlb(new ArrayBuffer(40)), GltfError);
    const glb = buildGlb({ asset: {} }, new Uint8Array(0));
    new DataView(glb).setUint32(4, 1, true);
    assert.throws(() => parseGlb(glb), /version 1/);
  });
});

describe('decodeDataUri and resolveRelative', () => {
  it('decodes base64 and percent-encoded data URIs', () => {
    assert.deepEqual(decodeDataUri('data:image/png;base64,AQID'), { mimeType: 'image/png', bytes: bytes(1, 2, 3) });
    assert.deepEqual([...decodeDataUri('data:,a%20b')!.bytes], [97, 32, 98]);
    assert.equal(decodeDataUri('tex.png'), null);
  });

  it('resolves relative URIs against the file and refuses others', () => {
    assert.equal(resolveRelative('media/object3D/a.gltf', 'b.bin'), 'media/object3D/b.bin');
    assert.equal(resolveRelative('media/object3D/a.gltf', './tex/c%20d.png'), 'media/object3D/tex/c d.png');
    assert.equal(resolveRelative('media/object3D/a.gltf', '../x.bin'), 'media/x.bin');
    assert.throws(() => resolveRelative('a.gltf', '../x.bin'), GltfError);
    assert.throws(() => resolveRelative('m/a.gltf', 'https://example.com/x.bin'), /external/);
    assert.throws(() => resolveRelative('m/a.gltf', '/etc/x.bin'), /external/);
  });
});

describe('packGltf', () => {
  it('merges data-URI and file buffers into the binary chunk, moving bufferView offsets', async () => {
    const json: GltfJson = {
      asset: { version: '2.0' },
      buffers: [{ byteLength: 3, uri: dataUri(bytes(1, 2, 3)) }, { byteLength: 2, uri: 'second.bin' }],
      bufferViews: [
        { buffer: 0, byteOffset: 1, byteLength: 2 },
        { buffer: 1, byteLength: 2 },
      ],
    };
    const asked: string[] = [];
    const glb = await packGltf(json, null, async (uri) => {
      asked.push(uri);
      return bytes(7, 8).buffer;
    });
    assert.deepEqual(asked, ['second.bin']);
    const { json: out, bin } = parseGlb(glb);
    assert.deepEqual(out.buffers, [{ byteLength: 8 }]);
    assert.deepEqual(out.bufferViews, [
      { buffer: 0, byteOffset: 1, byteLength: 2 },
      { buffer: 0, byteOffset: 4, byteLength: 2 },
    ]);
    assert.deepEqual([...bin!], [1, 2, 3, 0, 7, 8, 0, 0]);
    assert.equal(json.buffers![0]!.uri!.startsWith('data:'), true, 'the input is not modified');
  });

  it('moves images given by URI into buffer views, keeping the GLB chunk first', async () => {
    const json: GltfJson = {
      asset: { version: '2.0' },
      buffers: [{ byteLength: 4 }],
      bufferViews: [{ buffer: 0, byteLength: 4 }],
      images: [{ uri: dataUri(bytes(9), 'image/jpeg') }, { uri: 'tex/a.png' }, { bufferView: 0, mimeType: 'image/png' }],
    };
    const glb = await packGltf(json, bytes(1, 1, 1, 1), async () => bytes(5, 6).buffer);
    const { json: out, bin } = parseGlb(glb);
    assert.deepEqual(out.images, [
      { bufferView: 1, mimeType: 'image/jpeg' },
      { bufferView: 2, mimeType: 'image/png' },
      { bufferView: 0, mimeType: 'image/png' },
    ]);
    assert.deepEqual(out.bufferViews!.slice(1), [
      { buffer: 0, byteOffset: 4, byteLength: 1 },
      { buffer: 0, byteOffset: 8, byteLength: 2 },
    ]);
    assert.deepEqual([...bin!], [1, 1, 1, 1, 9, 0, 0, 0, 5, 6, 0, 0]);
  });

  it('fails for a buffer without a source and for a missing buffer', async () => {
    await assert.rejects(packGltf({ buffers: [{ byteLength: 1 }] }, null, noFiles), /no uri/);
    await assert.rejects(packGltf({ buffers: [], bufferViews: [{ buffer: 2, byteLength: 1 }] }, null, noFiles), /buffer 2/);
  });

  it('passes a file read failure on', async () => {
    await assert.rejects(
      packGltf({ buffers: [{ byteLength: 1, uri: 'gone.bin' }] }, null, async () => {
        throw new Error('HTTP 404');
      }),
      /HTTP 404/,
    );
  });
});
