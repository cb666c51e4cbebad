/** Which keys get a media panel (and of which kind), which stay charts, and how they are grouped. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricInfo } from '../src/api.js';
import { mediaEntries, mediaSections, plainHistoryKeys, summaryValueAt } from '../src/media/media-keys.js';
import { extensionOf, isGif, mediaItems, mediaKindOf, typeOf } from '../src/media/media-types.js';

const metric = (m: Partial<MetricInfo>): MetricInfo => ({ name: null, glob: null, stepMetric: null, hidden: false, goal: null, summary: [], ...m });

describe('media kinds', () => {
  it('maps each W&B type to its panel, numbers and plain JSON to none', () => {
    const kinds = Object.fromEntries(['image-file', 'images/separated', 'histogram', 'table-file', 'video-file', 'audio-file', 'audio', 'html-file', 'object3D-file', 'graph-file', 'plotly-file'].map((t) => [t, mediaKindOf(t)]));
    assert.deepEqual(kinds, {
      'image-file': 'image',
      'images/separated': 'images',
      histogram: 'histogram',
      'table-file': 'table',
      'video-file': 'video',
      'audio-file': 'audio',
      audio: 'audio',
      'html-file': 'html',
      'object3D-file': 'object3d',
      'graph-file': 'graph',
      'plotly-file': 'other',
    });
    assert.equal(mediaKindOf('number'), null);
    assert.equal(mediaKindOf('json'), null);
    assert.equal(mediaKindOf(undefined), null);
    assert.equal(mediaKindOf('toString'), 'other', 'no prototype lookups');
    assert.equal(mediaKindOf('videos'), 'video');
    assert.equal(mediaKindOf('object3D'), 'object3d');
  });
  it('reads the _type of a value', () => {
    assert.equal(typeOf({ _type: 'histogram' }), 'histogram');
    assert.equal(typeOf({ _type: 3 }), null);
    assert.equal(typeOf([{ _type: 'x' }]), null);
    assert.equal(typeOf('image-file'), null);
  });
});

describe('media items', () => {
  it('lists every image of images/separated with its caption', () => {
    const items = mediaItems({ _type: 'images/separated', width: 28, height: 28, format: 'png', count: 3, filenames: ['media/images/a/x.png', 'media/images/b.png', 'media/images/c.png'], captions: ['zero', 'one'] });
    assert.deepEqual(items.map((i) => [i.path, i.caption, i.width, i.height]), [
      ['media/images/a/x.png', 'zero', 28, 28],
      ['media/images/b.png', 'one', 28, 28],
      ['media/images/c.png', null, 28, 28],
    ]);
  });
  it('reads one file value, and the clips of an audio list', () => {
    assert.deepEqual(mediaItems({ _type: 'image-file', path: 'media/images/i.png', width: 4, height: 2, caption: 'c' }), [{ path: 'media/images/i.png', caption: 'c', width: 4, height: 2 }]);
    const clips = mediaItems({ _type: 'audio', count: 2, audio: [{ _type: 'audio-file', path: 'media/audio/a.wav' }, { _type: 'audio-file', path: 'media/audio/b.wav', caption: 'own' }], captions: ['first', 'second'] });
    assert.deepEqual(clips.map((c) => [c.path, c.caption]), [['media/audio/a.wav', 'first'], ['media/audio/b.wav', 'own']]);
    const videos = mediaItems({ _type: 'videos', count: 1, videos: [{ _type: 'video-file', path: 'media/videos/v.gif' }], captions: ['run'] });
    assert.deepEqual(videos.map((c) => [c.path, c.caption]), [['media/videos/v.gif', 'run']]);
    assert.deepEqual(mediaItems({ _type: 'image-file' }), [], 'no path: nothing');
    assert.deepEqual(mediaItems(undefined), []);
  });
  it('tells GIFs from other videos by extension', () => {
    assert.ok(isGif('media/videos/v_1_ab.GIF'));
    assert.ok(!isGif('media/videos/v_1_ab.mp4'));
    assert.equal(extensionOf('media/x.y/file'), '');
    assert.equal(extensionOf('media/table/t_1.table.json'), 'json');
  });
});

describe('media entries', () => {
  const historyKeys = ['loss', 'examples', 'train/weights', 'eval/table', 'secret/img', '_step', 'note'];
  const types = { loss: 'number', examples: 'image-file', 'train/weights': 'histogram', 'eval/table': 'table-file', 'secret/img': 'image-file', _step: 'number', note: 'json' };
  const summary = { loss: 0.1, examples: { _type: 'image-file', path: 'media/images/e.png' }, graph_0: { _type: 'graph-file', path: 'media/graph/g.graph.json' }, nested: { conf: { _type: 'table-file', path: 'media/table/c.table.json' }, lr: 3 }, _wandb: { runtime: 3 } };
  const metrics = [metric({ glob: 'secret/*', hidden: true })];

  it('charts everything but media keys', () => {
    assert.deepEqual(plainHistoryKeys(historyKeys, types), ['loss', '_step', 'note']);
    assert.deepEqual(plainHistoryKeys(historyKeys, undefined), historyKeys, 'a server without types: as before');
    assert.deepEqual(plainHistoryKeys(['new'], { loss: 'number' }), ['new'], 'a key without a type yet stays a chart');
  });
  it('gives history media keys and summary-only typed values a panel, hidden and internal keys none', () => {
    const entries = mediaEntries(historyKeys, types, summary, metrics);
    assert.deepEqual(entries.map((e) => [e.key, e.kind, e.source]), [
      ['examples', 'image', 'history'],
      ['train/weights', 'histogram', 'history'],
      ['eval/table', 'table', 'history'],
      ['graph_0', 'graph', 'summary'],
      ['nested.conf', 'table', 'summary'],
    ]);
    assert.equal(entries.find((e) => e.key === 'graph_0')!.summaryValue, summary.graph_0);
    assert.equal(entries.find((e) => e.key === 'examples')!.summaryValue, undefined);
  });
  it('groups panels by key prefix like the charts, filtered by the key query', () => {
    const entries = mediaEntries(historyKeys, types, summary, metrics);
    assert.deepEqual(mediaSections(entries, '').map((s) => [s.name, s.entries.map((e) => e.key)]), [
      ['Charts', ['examples', 'graph_0', 'nested.conf']],
      ['eval', ['eval/table']],
      ['train', ['train/weights']],
    ]);
    assert.deepEqual(mediaSections(entries, 'TAB').map((s) => [s.name, s.entries.map((e) => e.key)]), [['eval', ['eval/table']]]);
  });
  it('finds a summary value by plain or dotted key', () => {
    assert.equal(summaryValueAt(summary, 'graph_0'), summary.graph_0);
    assert.equal(summaryValueAt(summary, 'nested.conf'), summary.nested.conf);
    assert.equal(summaryValueAt(summary, 'nested.missing'), undefined);
  });
});
