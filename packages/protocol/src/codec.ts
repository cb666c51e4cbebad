/**
 * Message bodies are msgpack. We import msgpackr's pure-JavaScript entry points so that the client
 * process never loads a native module; the daemon may opt into msgpackr's native string extractor by
 * importing `msgpackr` itself, which accelerates this same Unpackr instance.
 */
import { Packr } from 'msgpackr/pack';
import * as msgpackrUnpack from 'msgpackr/unpack';
import { Unpackr } from 'msgpackr/unpack';
import { ProtocolError } from './errors.js';
import { frameBody, MAX_FRAME_BYTES } from './frame.js';

const options = {
  useRecords: false, // plain msgpack maps: any msgpack peer can read our frames
  mapsAsObjects: true,
  int64AsType: 'auto', // numbers where they fit, bigint beyond 2^53
  moreTypes: false,
} as const;

const packr = new Packr(options);
/** msgpackr's marker for the byte 0xc1 (exported at run time, missing from its unpack typings). */
const C1: unknown = (msgpackrUnpack as unknown as { C1: unknown }).C1;
const unpackr = new Unpackr(options);

/** Encodes a message body (no frame header). */
export function encodeBody(message: unknown): Buffer {
  return packr.pack(message);
}

/** Encodes a message into a complete frame. Throws RangeError when it exceeds the frame ceiling. */
export function encodeFrame(message: unknown, maxBytes = MAX_FRAME_BYTES): Buffer {
  return frameBody(packr.pack(message), maxBytes);
}

/** Decodes one frame body; a body that is not exactly one valid msgpack value throws BAD_FRAME. */
export function decodeBody(body: Uint8Array): unknown {
  let value: unknown;
  try {
    value = unpackr.unpack(body);
  } catch (error) {
    throw new ProtocolError('BAD_FRAME', `frame body is not valid msgpack: ${(error as Error).message}`);
  }
  // msgpackr decodes the never-used byte 0xc1 to a marker object instead of failing. Bodies without
  // the byte anywhere (inside strings, binaries and numbers included) skip the walk.
  if (body.includes(0xc1) && containsC1(value, 0)) {
    throw new ProtocolError('BAD_FRAME', 'frame body is not valid msgpack: it contains the never-used byte 0xc1');
  }
  return value;
}

function containsC1(value: unknown, depth: number): boolean {
  if (value === C1) return true;
  if (typeof value !== 'object' || value === null || depth > 256 || ArrayBuffer.isView(value)) return false;
  // 0xc1 bytes occur inside most float64s, so this walk runs for nearly every history batch: indexed
  // and for-in loops, recursing only into objects, allocate nothing per node.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const item: unknown = value[i];
      if (item === C1 || (typeof item === 'object' && item !== null && containsC1(item, depth + 1))) return true;
    }
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (item === C1 || (typeof item === 'object' && item !== null && containsC1(item, depth + 1))) return true;
  }
  return false;
}
