/**
 * Message bodies are msgpack. We import msgpackr's pure-JavaScript entry points so that the client
 * process never loads a native module; the daemon may opt into msgpackr's native string extractor by
 * importing `msgpackr` itself, which accelerates this same Unpackr instance.
 */
import { Packr } from 'msgpackr/pack';
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
const unpackr = new Unpackr(options);

/** Encodes a message body (no frame header). */
export function encodeBody(message: unknown): Buffer {
  return packr.pack(message);
}

/** Encodes a message into a complete frame. Throws RangeError when it exceeds the frame ceiling. */
export function encodeFrame(message: unknown, maxBytes = MAX_FRAME_BYTES): Buffer {
  return frameBody(packr.pack(message), maxBytes);
}

/** Decodes one frame body; a body that is not exactly one msgpack value throws BAD_FRAME. */
export function decodeBody(body: Uint8Array): unknown {
  try {
    return unpackr.unpack(body);
  } catch (error) {
    throw new ProtocolError('BAD_FRAME', `frame body is not valid msgpack: ${(error as Error).message}`);
  }
}
