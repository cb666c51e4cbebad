/** Media file names: W&B's `media/<kind>/<key>_<step>_<id>.<ext>`, made safe for any key; the size limit. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRecord } from '@wandb-daemon/protocol';
import { mediaPath, sanitizeMediaKey } from '../src/media/media-path.js';

describe('media paths', () => {
  it('follow W&B\'s naming and keep "/" in keys as folders', () => {
    assert.equal(mediaPath('images', 'examples', 3, 'abc', 'png'), 'media/images/examples_3_abc.png');
    assert.equal(mediaPath('object3D', 'train/cloud', 'summary', 'x', 'pts.json'), 'media/object3D/train/cloud_summary_x.pts.json');
  });

  it('replace what the protocol or a file system refuses', () => {
    const CASES: [string, string][] = [
      ['plain.key', 'plain.key'],
      ['/leading', 'leading'],
      ['trailing/', 'trailing'],
      ['a//b', 'a/b'],
      ['a/../b', 'a/__/b'],
      ['./a', '_/a'],
      ['..', '__'],
      ['', '_'],
      ['/', '_'],
      ['win\\path', 'win/path'],
      ['tab\there\nnew\u007f', 'tab_here_new_'],
      ['...', '...'],
      ['ümlaut/日本', 'ümlaut/日本'],
    ];
    for (const [key, expected] of CASES) assert.equal(sanitizeMediaKey(key), expected, JSON.stringify(key));
  });

  it('cut long keys: segments to 180 UTF-8 bytes (whole characters), keys to 800 characters', () => {
    assert.equal(sanitizeMediaKey('a'.repeat(300)), 'a'.repeat(180));
    assert.equal(sanitizeMediaKey('é'.repeat(100)), 'é'.repeat(90));
    assert.equal(sanitizeMediaKey('😀'.repeat(50)), '😀'.repeat(45));
    const long = sanitizeMediaKey(Array.from({ length: 100 }, () => 'x'.repeat(20)).join('/'));
    assert.equal(long.length, 800); // 38 segments of 20 and '/', then the 39th cut to 'xx'
    assert.equal(long.endsWith('/xxxxxxxxxxxxxxxxxxxx/xx'), true);
  });

  it('always give a path the daemon accepts', () => {
    const keys = ['', '.', '..', '/', '\\', '/../x', 'a/./b', '\u0000', 'k'.repeat(5000), `${'é/'.repeat(600)}`];
    for (const key of keys) {
      const path = mediaPath('images', key, 12345, 'f'.repeat(20), 'pts.json');
      parseRecord({ t: 'media', run: 1, seq: 1, path, sha256: '0'.repeat(64), bytes: new Uint8Array(1) });
    }
  });
});
