/** Audio: samples written as WAV (parsed back with wavefile), WAV files kept, W&B's JSON, lists, errors. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import wavefile from 'wavefile';
import { Audio } from '../src/media/audio.js';
import { recorder, sha256 } from './media-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'wdc-audio-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The WAV's format and its samples, one array per channel. */
function parseWav(bytes: Uint8Array): { channels: number; sampleRate: number; bitDepth: string; samples: number[][] } {
  const wav = new wavefile.WaveFile(bytes);
  const fmt = wav.fmt as { numChannels: number; sampleRate: number };
  const samples = wav.getSamples(false) as unknown as Float64Array | Float64Array[];
  const channels = fmt.numChannels === 1 ? [Array.from(samples as Float64Array)] : (samples as Float64Array[]).map((c) => Array.from(c));
  return { channels: fmt.numChannels, sampleRate: fmt.sampleRate, bitDepth: wav.bitDepth, samples: channels };
}

describe('Audio from samples', () => {
  it('writes mono floats as 16-bit PCM (x · 32767, rounded half to even, clamped) and logs W&B\'s audio-file JSON', () => {
    const clip = new Audio(new Float32Array([0, 0.5, -0.5, 1, -1, 2, -2]), { sampleRate: 8000, caption: 'beep' });
    assert.deepEqual(parseWav(clip.bytes), { channels: 1, sampleRate: 8000, bitDepth: '16', samples: [[0, 16384, -16384, 32767, -32767, 32767, -32768]] });
    assert.equal(clip.bytes.length, 44 + 7 * 2);
    assert.equal(clip.duration, 7 / 8000);
    const ctx = recorder('sound', 12);
    const json = clip.toWandbJson(ctx);
    const digest = sha256(clip.bytes);
    assert.deepEqual(json, { _type: 'audio-file', sha256: digest, size: 58, path: `media/audio/sound_12_${digest.slice(0, 20)}.wav`, sample_rate: 8000, caption: 'beep' });
    assert.deepEqual(ctx.files.map((file) => file.path), [json.path]);
  });

  it('writes one channel per array of an array of channels, and 32-bit float on request', () => {
    const left = [0.25, -0.25];
    const right = new Float32Array([1, 0]);
    assert.deepEqual(parseWav(new Audio([left, right], { sample_rate: 44100 }).bytes), { channels: 2, sampleRate: 44100, bitDepth: '16', samples: [[8192, -8192], [32767, 0]] });
    assert.deepEqual(parseWav(new Audio([0.1, -1.5], { sampleRate: 16000, bitDepth: '32f' }).bytes), { channels: 1, sampleRate: 16000, bitDepth: '32f', samples: [[Math.fround(0.1), -1]] });
  });

  it('reads [frames, channels] data interleaved, as numpy lays it out, and Int16Array as PCM', () => {
    const wav = parseWav(new Audio({ data: [0.5, -0.5, 1, 0], shape: [2, 2] }, { sampleRate: 100 }).bytes);
    assert.deepEqual(wav.samples, [[16384, 32767], [-16384, 0]]);
    assert.deepEqual(parseWav(new Audio(new Int16Array([5, -7, 32767]), { sampleRate: 100 }).bytes).samples, [[5, -7, 32767]]);
    const tensor = tf.tensor2d([[0.5, 0], [0, -0.5], [1, 1]], [3, 2]);
    assert.deepEqual(parseWav(new Audio(tensor, { sampleRate: 100 }).bytes).samples, [[16384, 0, 32767], [0, -16384, 32767]]);
    tensor.dispose();
  });

  it('needs a sample rate, numbers, and channels of one length', () => {
    assert.throws(() => new Audio([0.1]), /needs \{ sampleRate \}/);
    assert.throws(() => new Audio([0.1], { sampleRate: 44100.5 }), /positive integer/);
    assert.throws(() => new Audio([], { sampleRate: 8000 }), /no samples/);
    assert.throws(() => new Audio([0.1, 'x' as never], { sampleRate: 8000 }), /samples\[1\] must be a number/);
    assert.throws(() => new Audio([[1, 2], [3]], { sampleRate: 8000 }), /same length/);
    assert.throws(() => new Audio([1], { sampleRate: 8000, bitDepth: '8' as never }), /bitDepth/);
  });
});

describe('Audio from WAV files', () => {
  const wav = new Audio(new Float32Array(22050).fill(0.25), { sampleRate: 22050 }).bytes;

  it('keeps WAV bytes, reading the sample rate and duration from the header', () => {
    const clip = new Audio(wav);
    assert.deepEqual([clip.sampleRate, clip.duration, sha256(clip.bytes)], [22050, 1, sha256(wav)]);
    assert.deepEqual(clip.toWandbJson(recorder('a', 'summary')), { _type: 'audio-file', sha256: sha256(wav), size: wav.length, path: `media/audio/a_summary_${sha256(wav).slice(0, 20)}.wav`, sample_rate: 22050 });
  });

  it('reads a WAV path now and refuses anything but WAV', () => {
    const path = join(tmp, 'tone.wav');
    writeFileSync(path, wav);
    assert.equal(new Audio(path).sha256, sha256(wav));
    const mp3 = join(tmp, 'tone.mp3');
    writeFileSync(mp3, Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 0, 0]));
    assert.throws(() => new Audio(mp3), /holds no WAV file/);
    assert.throws(() => new Audio(Uint8Array.from([1, 2, 3])), /bytes given hold no WAV file/);
  });
});

describe('a list of audio clips', () => {
  it('is W&B\'s audio JSON: clips, sample rates, durations, captions with \'\' for none', () => {
    const a = new Audio([0, 0.5], { sampleRate: 2, caption: 'a' });
    const b = new Audio([0, 0, 0, 0], { sampleRate: 8 });
    const ctx = recorder('clips', 0);
    const json = Audio.seqToWandbJson([a, b], ctx);
    assert.deepEqual(json, {
      _type: 'audio',
      count: 2,
      audio: [a.toWandbJson(recorder('clips', 0)), b.toWandbJson(recorder('clips', 0))],
      sampleRates: [2, 8],
      durations: [1, 0.5],
      captions: ['a', ''],
    });
    assert.equal(ctx.files.length, 2);
    assert.equal('captions' in Audio.seqToWandbJson([b], recorder()), false);
  });
});
