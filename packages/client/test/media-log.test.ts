/**
 * Rich values through `run.log`, `run.summary` and `run.config`, against a backend that records what
 * the run sends: files go as `media` records before the row naming them, custom charts as `chart`
 * records, typed arrays and tensors as histograms; a call that throws, or is dropped, sends nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { MAX_MEDIA_BYTES, parseRecord } from '@wandb-daemon/protocol';
import { Audio } from '../src/media/audio.js';
import { Histogram } from '../src/media/histogram.js';
import { Html } from '../src/media/html.js';
import { Image } from '../src/media/image.js';
import { Object3D } from '../src/media/object3d.js';
import { CustomChart, WBValue, type MediaContext } from '../src/media/wb-value.js';
import { recordingRun, type SentRecord } from './recording-backend.js';

const image = new Image([[0, 255]]);
const imageId = image.sha256.slice(0, 20);

/** A value that adds the file it is given: for files other values cannot produce (too big, bad path). */
class RawFile extends WBValue {
  readonly wandbType = 'raw';
  constructor(
    private readonly path: string,
    private readonly bytes: Uint8Array,
  ) {
    super();
  }
  toWandbJson(ctx: MediaContext): Record<string, unknown> {
    ctx.addFile({ path: this.path, bytes: this.bytes, sha256: 'a'.repeat(64) });
    return { _type: 'raw', key: ctx.key, step: ctx.step };
  }
}

/** A value whose JSON names its context, to see the key and step `normalize` gives. */
class Probe extends WBValue {
  readonly wandbType = 'probe';
  toWandbJson(ctx: MediaContext): Record<string, unknown> {
    return { _type: 'probe', key: ctx.key, step: ctx.step };
  }
}

const chartSpec = { panelDefId: 'wandb/line/v0', fields: { x: 'x', y: 'y' }, stringFields: { title: 'T' } };

/** Every record is one the daemon's validator accepts. */
function assertValid(records: SentRecord[]): void {
  records.forEach((record, i) => {
    if (record.t !== 'history') parseRecord({ ...record, run: 1, seq: i + 1 });
  });
}

describe('run.log with rich values', () => {
  it('sends the file as a media record before the row that names it', () => {
    const { run, backend } = recordingRun();
    run.log({ loss: 1 });
    run.log({ examples: image, loss: 0.5 });
    const path = `media/images/examples_1_${imageId}.png`;
    assert.deepEqual(backend.kinds, ['history', 'media', 'history']);
    assert.deepEqual(backend.sent[1], { t: 'media', path, sha256: image.sha256, bytes: image.bytes });
    assert.deepEqual(backend.sent[2], { t: 'history', step: 1, data: { examples: image.toWandbJson({ key: 'examples', step: 1, addFile: () => {} }), loss: 0.5 } });
    assertValid(backend.sent);
    assert.equal((run.summary.examples as { path: string }).path, path, 'the summary takes the latest value, as W&B does');
  });

  it('names files with the step given, or the current step while accumulating', () => {
    const { run, backend } = recordingRun({ startingStep: 10 });
    run.log({ a: new Probe() }, { step: 12 });
    run.log({ b: new Probe() }, { commit: false });
    run.log({ c: new Probe() });
    assert.deepEqual(backend.sent, [{ t: 'history', step: 12, data: { a: { _type: 'probe', key: 'a', step: 12 }, b: { _type: 'probe', key: 'b', step: 12 }, c: { _type: 'probe', key: 'c', step: 12 } } }]);
  });

  it('gives nested values their dotted key, and lists of one class their sequence JSON', () => {
    const { run, backend } = recordingRun();
    const quiet = new Audio([0, 0], { sampleRate: 2 });
    run.log({ eval: { pic: image, hist: new Histogram([1, 2], { numBins: 1 }), probes: [new Probe(), new Probe()] }, clips: [quiet], pics: new Set([image]) });
    const row = backend.sent.at(-1)!.data as Record<string, any>;
    assert.equal(row.eval.pic.path, `media/images/eval.pic_0_${imageId}.png`);
    assert.deepEqual(row.eval.hist, { _type: 'histogram', values: [2], bins: [1, 2] });
    assert.deepEqual(row.eval.probes, [{ _type: 'probe', key: 'eval.probes', step: 0 }, { _type: 'probe', key: 'eval.probes', step: 0 }]);
    assert.equal(row.clips._type, 'audio');
    assert.deepEqual(row.pics.filenames, [`media/images/pics_0_${imageId}.png`]);
    assert.deepEqual(backend.kinds, ['media', 'media', 'media', 'history']);
  });

  it('sends a path once when one call names it twice', () => {
    const { run, backend } = recordingRun();
    run.log({ pair: [image, image] });
    assert.deepEqual(backend.kinds, ['media', 'history']);
    assert.deepEqual((backend.sent[1]!.data as any).pair.filenames, [`media/images/pair_0_${imageId}.png`, `media/images/pair_0_${imageId}.png`]);
  });

  it('logs typed arrays and tensors of more than 32 values as 32-bin histograms; shorter ones and plain arrays as lists', () => {
    const { run, backend } = recordingRun();
    const big = Float64Array.from({ length: 64 }, (_, i) => i);
    const tensor = tf.tensor1d(Array.from({ length: 33 }, (_, i) => i));
    const small = tf.tensor2d([[1, 2], [3, 4]]);
    const scalar = tf.scalar(2.5);
    run.log({ big, ints: new BigInt64Array(40), short: new Float32Array(32), plain: Array.from({ length: 40 }, () => 1), tensor, small, scalar, flag: tf.scalar(1, 'bool') });
    [tensor, small, scalar].forEach((t) => t.dispose());
    const row = backend.sent[0]!.data as Record<string, any>;
    assert.deepEqual(row.big, { _type: 'histogram', values: new Array(32).fill(2), bins: Array.from({ length: 33 }, (_, i) => (i === 32 ? 63 : (i * 63) / 32)) });
    assert.deepEqual(row.ints, { _type: 'histogram', values: [...new Array(16).fill(0), 40, ...new Array(15).fill(0)], bins: Array.from({ length: 33 }, (_, i) => (i === 32 ? 0.5 : -0.5 + i / 32)) });
    assert.equal(row.tensor._type, 'histogram');
    assert.deepEqual(row.short, new Array(32).fill(0));
    assert.deepEqual(row.plain, new Array(40).fill(1));
    assert.deepEqual([row.small, row.scalar, row.flag], [[[1, 2], [3, 4]], 2.5, true]);
    assert.deepEqual(backend.kinds, ['history']);
  });

  it('logs a custom chart as its table under <key>_table and a chart record', () => {
    const { run, backend } = recordingRun();
    run.log({ curve: new CustomChart(new Probe(), chartSpec), loss: 1 });
    assert.deepEqual(backend.sent, [
      { t: 'chart', key: 'curve', tableKey: 'curve_table', panelDefId: 'wandb/line/v0', fields: { x: 'x', y: 'y' }, stringFields: { title: 'T' } },
      { t: 'history', step: 0, data: { curve_table: { _type: 'probe', key: 'curve_table', step: 0 }, loss: 1 } },
    ]);
    assertValid(backend.sent);
    const fromMap = recordingRun();
    fromMap.run.log(new Map<string, unknown>([['m', new CustomChart(new Probe(), chartSpec)]]));
    assert.deepEqual(fromMap.backend.kinds, ['chart', 'history']);
  });

  it('makes sanitized paths the daemon accepts for any key', () => {
    const { run, backend } = recordingRun();
    run.log({ '/../we\\ird//key/./\u0001': image, '': image, '..': image });
    const paths = backend.sent.filter((r) => r.t === 'media').map((r) => r.path);
    assert.deepEqual(paths, [`media/images/__/we/ird/key/_/__0_${imageId}.png`, `media/images/__0_${imageId}.png`, `media/images/___0_${imageId}.png`]);
    assertValid(backend.sent);
  });
});

describe('what throws in the caller and sends nothing', () => {
  const CASES: [string, () => Record<string, unknown>, RegExp][] = [
    ['a value that cannot be logged beside an image', () => ({ pic: image, bad: () => 1 }), /cannot log "bad": a function/],
    ['a list mixing classes', () => ({ mix: [image, new Probe()] }), /cannot log "mix\[1\]": a list of rich values must hold one type: a Probe follows a Image/],
    ['a list mixing rich values and numbers', () => ({ mix: [1, image] }), /cannot log "mix\[1\]": a list with a Image must hold only values of that type/],
    ['a nested custom chart', () => ({ deep: { c: new CustomChart(new Probe(), chartSpec) } }), /cannot log "deep.c": a custom chart is logged at the top level of a row/],
    ['a file over MAX_MEDIA_BYTES', () => ({ pic: image, raw: new RawFile('media/x/big.bin', new Uint8Array(MAX_MEDIA_BYTES + 1)) }), /media file media\/x\/big.bin is 12.0 MiB; a logged media file is at most 12.0 MiB/],
    ['a file outside media/', () => ({ raw: new RawFile('files/../x', new Uint8Array(1)) }), /not a relative path under media\//],
  ];
  for (const [what, data, message] of CASES) {
    it(what, () => {
      const { run, backend } = recordingRun();
      assert.throws(() => run.log(data()), message);
      assert.deepEqual(backend.sent, []);
      assert.equal(run.step, 0);
    });
  }

  it('a media file over the limit is refused when the value is made', () => {
    assert.throws(() => new Html('x'.repeat(MAX_MEDIA_BYTES + 1)), (error: unknown) => error instanceof RangeError && /Html is 12.0 MiB; a logged media file is at most 12.0 MiB/.test(error.message));
  });

  it('a log call dropped for an old step sends no file', () => {
    const { run, backend } = recordingRun({ startingStep: 5 });
    run.log({ pic: image }, { step: 3 });
    assert.deepEqual(backend.sent, [{ t: 'dropped', rows: 1, step: 3, currentStep: 5 }]);
    run.log({ x: 1 });
    assert.deepEqual(backend.kinds, ['dropped', 'history'], 'the next call does not send the dropped call\'s file');
  });
});

describe('summary and config', () => {
  it('the summary takes rich values, named with the step "summary", files first', () => {
    const { run, backend } = recordingRun();
    run.summary.best = image;
    run.summary.update({ dist: new Histogram([1, 2, 3], { numBins: 2 }), cloud: new Object3D([[0, 0, 0]]), weights: new Float32Array(40) });
    const path = `media/images/best_summary_${imageId}.png`;
    assert.deepEqual(backend.kinds, ['media', 'summary', 'media', 'summary']);
    assert.deepEqual(backend.sent[0], { t: 'media', path, sha256: image.sha256, bytes: image.bytes });
    assert.equal((backend.sent[1]!.set as any).best.path, path);
    assert.deepEqual((backend.sent[3]!.set as any).dist, { _type: 'histogram', values: [1, 2], bins: [1, 2, 3] });
    assert.equal((backend.sent[3]!.set as any).weights._type, 'histogram');
    assert.equal((run.summary.best as { path: string }).path, path);
    assertValid(backend.sent);
  });

  it('the summary refuses custom charts, and a refused update changes nothing', () => {
    const { run, backend } = recordingRun();
    assert.throws(() => run.summary.update({ pic: image, c: new CustomChart(new Probe(), chartSpec) }), /cannot log "c": a custom chart cannot be set in the summary/);
    assert.deepEqual([backend.sent, run.summary.keys()], [[], []]);
  });

  it('the config refuses rich values and custom charts, naming the key, and keeps typed arrays as lists', () => {
    const { run, backend } = recordingRun();
    assert.throws(() => run.config.update({ lr: 0.1, aug: { sample: image } }), (error: unknown) => error instanceof TypeError && /cannot log "aug.sample": a Image can be logged with run.log\(\) or set in run.summary, not in the config/.test(error.message));
    assert.throws(() => run.config.update({ c: new CustomChart(new Probe(), chartSpec) }), /cannot log "c": a custom chart can only be logged with run.log\(\)/);
    assert.throws(() => run.config.update({ pics: [image] }), /cannot log "pics\[0\]": a Image can be logged/);
    assert.deepEqual(backend.sent, []);
    run.config.update({ mean: new Float32Array(40) });
    assert.deepEqual(backend.sent, [{ t: 'config', set: { mean: new Array(40).fill(0) }, remove: [] }]);
  });
});
