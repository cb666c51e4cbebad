/** Which files a logged wandb.Object3D value names, how each is read, and the panel's state. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kindOfPath, object3DRefs, panelState } from '../src/viewers/object3d/object3d-value.js';

const file = (path: string, extra: Record<string, unknown> = {}) => ({ _type: 'object3D-file', path, sha256: 'abc', size: 10, ...extra });

describe('object3DRefs', () => {
  it('reads one object3D-file value', () => {
    assert.deepEqual(object3DRefs(file('media/object3D/a_1.pts.json', { caption: 'lidar' })), [
      { path: 'media/object3D/a_1.pts.json', sha256: 'abc', size: 10, caption: 'lidar', kind: 'points' },
    ]);
  });

  it('reads a list of them, skipping what is not one', () => {
    const refs = object3DRefs([file('m/a.obj'), 42, { path: '' }, file('m/b.GLB')]);
    assert.deepEqual(
      refs.map((r) => [r.path, r.kind, r.caption]),
      [
        ['m/a.obj', 'obj', null],
        ['m/b.GLB', 'glb', null],
      ],
    );
  });

  it("reads W&B's sequence value: its objects, else its file names under media/object3D", () => {
    assert.deepEqual(
      object3DRefs({ _type: 'object3D', count: 2, filenames: ['x.stl', 'y.gltf'], objects: [file('media/object3D/x.stl'), file('media/object3D/y.gltf')] }).map((r) => r.kind),
      ['stl', 'gltf'],
    );
    assert.deepEqual(
      object3DRefs({ _type: 'object3D', count: 2, filenames: ['x.stl', 'media/object3D/y.pts.json'] }).map((r) => r.path),
      ['media/object3D/x.stl', 'media/object3D/y.pts.json'],
    );
  });

  it('is empty for values that name no file', () => {
    assert.deepEqual(object3DRefs(null), []);
    assert.deepEqual(object3DRefs('media/a.obj'), []);
    assert.deepEqual(object3DRefs({ _type: 'object3D-file' }), []);
  });
});

describe('kindOfPath', () => {
  it('decides by extension, case-insensitively', () => {
    assert.equal(kindOfPath('a/b.pts.json'), 'points');
    assert.equal(kindOfPath('b.OBJ'), 'obj');
    assert.equal(kindOfPath('b.gltf'), 'gltf');
    assert.equal(kindOfPath('b.glb'), 'glb');
    assert.equal(kindOfPath('b.stl'), 'stl');
    assert.equal(kindOfPath('b.json'), null);
    assert.equal(kindOfPath('b.ply'), null);
  });
});

describe('panelState', () => {
  it('is loading while any file loads, then error if any failed, else ready', () => {
    assert.equal(panelState(['ready', undefined]), 'loading');
    assert.equal(panelState(['error', 'loading']), 'loading');
    assert.equal(panelState(['ready', 'error']), 'error');
    assert.equal(panelState(['ready', 'ready']), 'ready');
    assert.equal(panelState([]), 'error');
  });
});
