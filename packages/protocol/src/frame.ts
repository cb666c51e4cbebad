/**
 * Framing: every message is `[MAGIC u8][length u32 LE][msgpack body]`. The decoder is a pure function
 * over incoming chunks; once a stream has lost sync (bad magic, oversize, empty body) it is never
 * resynchronised, because any guess about where the next frame starts could misread user data.
 */
export const FRAME_MAGIC = 0xb7;
export const FRAME_HEADER_BYTES = 5;
/** Largest accepted body. Big enough for a batch of media references, small enough to bound memory. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export type FrameErrorReason = 'bad-magic' | 'oversize' | 'empty';

/** Why a stream lost sync, with the byte that gave it away. */
export interface FrameError {
  reason: FrameErrorReason;
  message: string;
}

/**
 * What the decoder remembers between chunks: bytes of an incomplete frame (kept as the chunks they
 * arrived in, so a large frame is copied once, not once per chunk) and the error that closed the stream.
 */
export interface DecoderState {
  readonly chunks: readonly Buffer[];
  readonly bytes: number;
  readonly error?: FrameError;
}

/** The result of feeding one chunk: the next state and the complete frame bodies. */
export interface DecodeResult {
  state: DecoderState;
  frames: Buffer[];
}

export const INITIAL_DECODER_STATE: DecoderState = Object.freeze({ chunks: [], bytes: 0 });

/** Wraps an encoded body in a frame header. */
export function frameBody(body: Uint8Array, maxBytes = MAX_FRAME_BYTES): Buffer {
  if (body.length === 0) throw new RangeError('a frame body cannot be empty');
  if (body.length > maxBytes) {
    throw new RangeError(`frame body of ${body.length} bytes exceeds the ${maxBytes}-byte limit`);
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  frame[0] = FRAME_MAGIC;
  frame.writeUInt32LE(body.length, 1);
  frame.set(body, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Feeds one chunk to the decoder. Pure: the input state is not modified. Frame bodies are views into
 * the received bytes. On error, the frames before the bad header are still returned, and the returned
 * state keeps the error so that every later call returns no frames.
 */
export function decodeFrames(state: DecoderState, chunk: Buffer, maxBytes = MAX_FRAME_BYTES): DecodeResult {
  if (state.error || chunk.length === 0) return { state, frames: [] };
  const chunks = [...state.chunks, chunk];
  const bytes = state.bytes + chunk.length;
  const first = chunks[0]!;
  if (first.length > 0 && first[0] !== FRAME_MAGIC) return fail(badMagic(first[0]!, 0), []);
  if (bytes < FRAME_HEADER_BYTES) return { state: { chunks, bytes }, frames: [] };
  const needed = FRAME_HEADER_BYTES + bodyLength(chunks);
  if (bytes < needed && needed - FRAME_HEADER_BYTES <= maxBytes) return { state: { chunks, bytes }, frames: [] };
  const data = chunks.length === 1 ? first : Buffer.concat(chunks, bytes);
  return splitFrames(data, maxBytes);
}

function splitFrames(data: Buffer, maxBytes: number): DecodeResult {
  const frames: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (data[offset] !== FRAME_MAGIC) return fail(badMagic(data[offset]!, offset), frames);
    if (data.length - offset < FRAME_HEADER_BYTES) break;
    const length = data.readUInt32LE(offset + 1);
    if (length === 0) return fail({ reason: 'empty', message: `frame at byte ${offset} has an empty body` }, frames);
    if (length > maxBytes) {
      return fail({ reason: 'oversize', message: `frame of ${length} bytes exceeds the ${maxBytes}-byte limit` }, frames);
    }
    const end = offset + FRAME_HEADER_BYTES + length;
    if (end > data.length) break;
    frames.push(data.subarray(offset + FRAME_HEADER_BYTES, end));
    offset = end;
  }
  const rest = data.subarray(offset);
  return { state: rest.length === 0 ? INITIAL_DECODER_STATE : { chunks: [rest], bytes: rest.length }, frames };
}

/** Reads the u32 length of the frame at the start of `chunks` (its header may span chunks). */
function bodyLength(chunks: readonly Buffer[]): number {
  const first = chunks[0]!;
  if (first.length >= FRAME_HEADER_BYTES) return first.readUInt32LE(1);
  return Buffer.concat(chunks as Buffer[]).readUInt32LE(1);
}

function badMagic(found: number, offset: number): FrameError {
  const hex = found.toString(16).padStart(2, '0');
  return { reason: 'bad-magic', message: `expected frame magic 0xb7 at byte ${offset}, got 0x${hex}` };
}

function fail(error: FrameError, frames: Buffer[]): DecodeResult {
  return { state: { chunks: [], bytes: 0, error }, frames };
}

/** A stateful reader over `decodeFrames` that stays closed once the stream lost sync. */
export class FrameReader {
  private state: DecoderState = INITIAL_DECODER_STATE;

  constructor(private readonly maxBytes = MAX_FRAME_BYTES) {}

  /** The error that closed this stream, if any. */
  get error(): FrameError | undefined {
    return this.state.error;
  }

  /** Bytes received but not yet part of a complete frame. */
  get bufferedBytes(): number {
    return this.state.bytes;
  }

  /** Feeds a chunk; returns complete bodies. After an error it returns nothing, forever. */
  push(chunk: Buffer): Buffer[] {
    const result = decodeFrames(this.state, chunk, this.maxBytes);
    this.state = result.state;
    return result.frames;
  }
}
