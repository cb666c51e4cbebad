/**
 * `Audio` (W&B's `wandb.Audio`): samples written as a WAV file with wavefile, or a WAV file or its
 * bytes kept as they are.
 */
import { loadWavefile } from './codecs.js';
import { copyBytes, FileMedia, readMediaFile } from './file-media.js';
import { isNumericArrayView, isShapedData, isTensorLike, toNdArray, type ShapedData, type TensorLike } from './ndarray.js';
import type { MediaContext, WBValue } from './wb-value.js';

/** Samples: one channel, or one array per channel. */
export type AudioSamples = ArrayLike<number> | readonly ArrayLike<number>[];

/** What an Audio is made from. */
export type AudioInput = string | Uint8Array | AudioSamples | ShapedData | TensorLike;

/** Options of `new Audio(...)`; W&B's `sample_rate` is accepted too. */
export interface AudioOptions {
  /** Samples per second; required for samples, read from the header for WAV files. */
  sampleRate?: number;
  sample_rate?: number;
  /** Shown with the clip. */
  caption?: string;
  /** Sample format of a WAV written from samples: 16-bit PCM (the default, as W&B's soundfile writes) or 32-bit float. */
  bitDepth?: '16' | '32f';
}

/**
 * An audio clip, logged as `{"_type": "audio-file", "path": "media/audio/<key>_<step>_<sha20>.wav",
 * "sha256", "size", "sample_rate"}` plus `caption`.
 *
 * Samples are floats in [-1, 1] (clamped; an Int16Array is taken as 16-bit PCM as it is): a
 * Float32Array, Float64Array or number[] for one channel, an array of such arrays for one per channel
 * (as Web Audio keeps them), or `{ data, shape }` / a tensor of shape [frames] or [frames, channels]
 * (interleaved, as numpy and soundfile lay them out). A string is the path of a WAV file; a Uint8Array
 * is a WAV file's bytes.
 */
export class Audio extends FileMedia {
  readonly wandbType = 'audio-file';
  protected readonly kind = 'audio';
  readonly sampleRate: number;
  /** Seconds. */
  readonly duration: number;

  constructor(data: AudioInput, options: AudioOptions = {}) {
    const clip = encodeAudio(data, options);
    super(clip.bytes, 'wav', options.caption, 'Audio');
    this.sampleRate = clip.sampleRate;
    this.duration = clip.duration;
  }

  toWandbJson(ctx: MediaContext): Record<string, unknown> {
    return { ...this.fileJson(ctx), sample_rate: this.sampleRate, ...this.captionJson() };
  }

  /** W&B's `audio`: every clip's JSON with their sample rates and durations; `captions` ('' for none) when some clip has one. */
  static seqToWandbJson(items: readonly WBValue[], ctx: MediaContext): Record<string, unknown> {
    const clips = items as readonly Audio[];
    const captioned = clips.some((clip) => clip.hasCaption);
    return {
      _type: 'audio',
      count: clips.length,
      audio: clips.map((clip) => clip.toWandbJson(ctx)),
      sampleRates: clips.map((clip) => clip.sampleRate),
      durations: clips.map((clip) => clip.duration),
      ...(captioned ? { captions: clips.map((clip) => (clip.hasCaption ? clip.caption! : '')) } : {}),
    };
  }
}

interface EncodedAudio {
  bytes: Uint8Array;
  sampleRate: number;
  duration: number;
}

function encodeAudio(data: AudioInput, options: AudioOptions): EncodedAudio {
  if (typeof data === 'string') return readWav(readMediaFile(data, 'Audio'), `the file ${JSON.stringify(data)} holds`);
  if (data instanceof Uint8Array) return readWav(copyBytes(data), 'the bytes given hold');
  const channels = toChannels(data);
  const sampleRate = options.sampleRate ?? options.sample_rate;
  if (sampleRate === undefined) throw new TypeError('Audio needs { sampleRate } when given samples');
  if (!Number.isSafeInteger(sampleRate) || sampleRate <= 0) throw new TypeError(`Audio sampleRate must be a positive integer, got ${String(sampleRate)}`);
  const bitDepth = options.bitDepth ?? '16';
  if (bitDepth !== '16' && bitDepth !== '32f') throw new TypeError(`Audio bitDepth must be '16' or '32f', got ${String(bitDepth)}`);
  const frames = channels[0]!.length;
  if (frames === 0) throw new TypeError('Audio of no samples: there is nothing to play');
  const { WaveFile } = loadWavefile();
  const wav = new WaveFile();
  const samples = channels.map((channel) => (bitDepth === '16' ? toPcm16(channel) : Float64Array.from(channel, (v) => (v > 1 ? 1 : v < -1 ? -1 : v || 0))));
  wav.fromScratch(channels.length, sampleRate, bitDepth, channels.length === 1 ? samples[0]! : samples);
  return { bytes: wav.toBuffer(), sampleRate, duration: frames / sampleRate };
}

/** The samples as one array per channel, all of one length. */
function toChannels(data: unknown): ArrayLike<number>[] {
  if (isTensorLike(data) || isShapedData(data)) {
    const { data: flat, shape } = toNdArray(data, 'Audio')!;
    if (shape.length === 1) return [flat];
    if (shape.length !== 2) throw new TypeError(`Audio samples must be of shape [frames] or [frames, channels]; got [${shape.join(', ')}]`);
    const [frames, count] = shape as [number, number];
    return Array.from({ length: count }, (_, c) => Float64Array.from({ length: frames }, (_v, f) => flat[f * count + c]!));
  }
  if (isNumericArrayView(data)) return [data];
  if (!Array.isArray(data)) throw new TypeError('Audio needs samples (a Float32Array, number[], an array per channel, { data, shape } or a tensor), a WAV file path, or WAV bytes');
  if (data.length > 0 && (Array.isArray(data[0]) || isNumericArrayView(data[0]))) {
    const channels = data as ArrayLike<number>[];
    if (!channels.every((channel) => (Array.isArray(channel) || isNumericArrayView(channel)) && channel.length === channels[0]!.length)) {
      throw new TypeError('Audio channels must be arrays of samples, all of the same length');
    }
    channels.forEach((channel, c) => checkNumbers(channel, `channel ${c}`));
    return channels;
  }
  checkNumbers(data, 'samples');
  return [data as number[]];
}

function checkNumbers(samples: ArrayLike<unknown>, what: string): void {
  if (isNumericArrayView(samples)) return;
  for (let i = 0; i < samples.length; i += 1) {
    if (typeof samples[i] !== 'number') throw new TypeError(`Audio ${what}[${i}] must be a number, got ${samples[i] === null ? 'null' : typeof samples[i]}`);
  }
}

/** Floats in [-1, 1] as 16-bit PCM: x · 32767 rounded half to even (C's lrint) and clamped, as libsndfile writes them. */
function toPcm16(channel: ArrayLike<number>): Int16Array {
  if (channel instanceof Int16Array) return channel;
  const out = new Int16Array(channel.length);
  for (let i = 0; i < channel.length; i += 1) {
    const x = channel[i]! * 32767;
    let v = Math.round(x);
    if (v - x === 0.5 && v % 2 !== 0) v -= 1;
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v || 0;
  }
  return out;
}

/** Sample rate and duration from a WAV file's header; anything but WAV is refused. */
function readWav(bytes: Uint8Array, what: string): EncodedAudio {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (!['RIFF', 'RIFX', 'RF64'].includes(ascii(0, 4)) || ascii(8, 12) !== 'WAVE') throw new TypeError(`Audio: ${what} no WAV file (only .wav files are logged as they are)`);
  const { WaveFile } = loadWavefile();
  const wav = new WaveFile();
  try {
    wav.fromBuffer(bytes, false);
  } catch (error) {
    throw new TypeError(`Audio: ${what} no readable WAV file (${(error as Error).message})`);
  }
  const fmt = wav.fmt as { sampleRate: number; blockAlign: number };
  const data = wav.data as { chunkSize: number };
  return { bytes, sampleRate: fmt.sampleRate, duration: fmt.blockAlign > 0 && fmt.sampleRate > 0 ? data.chunkSize / fmt.blockAlign / fmt.sampleRate : 0 };
}
