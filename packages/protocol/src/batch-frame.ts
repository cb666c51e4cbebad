/**
 * Builds a `batch` frame from records that are already encoded, by concatenation: a msgpack array is
 * its header followed by its items, so queued records are never decoded and encoded again. The result
 * is byte-for-byte what `encodeFrame({ t: 'batch', records })` produces with a 32-bit array header.
 */
import { FRAME_HEADER_BYTES, FRAME_MAGIC, MAX_FRAME_BYTES } from './frame.js';
import { MAX_BATCH_RECORDS } from './limits.js';

// fixmap(2) "t" "batch" "records" array32
const PREFIX = Buffer.from([0x82, 0xa1, 0x74, 0xa5, 0x62, 0x61, 0x74, 0x63, 0x68, 0xa7, 0x72, 0x65, 0x63, 0x6f, 0x72, 0x64, 0x73, 0xdd]);
const BATCH_OVERHEAD = FRAME_HEADER_BYTES + PREFIX.length + 4;

/** Largest record payload (sum of encoded record sizes) one batch frame may carry. */
export const MAX_BATCH_PAYLOAD_BYTES = MAX_FRAME_BYTES - BATCH_OVERHEAD;

/** One frame carrying `records` (1 to MAX_BATCH_RECORDS encoded records, at most MAX_BATCH_PAYLOAD_BYTES). */
export function encodeBatchFrame(records: readonly Uint8Array[]): Buffer {
  if (records.length === 0 || records.length > MAX_BATCH_RECORDS) {
    throw new RangeError(`a batch carries 1 to ${MAX_BATCH_RECORDS} records, got ${records.length}`);
  }
  let payload = 0;
  for (const record of records) payload += record.length;
  if (payload > MAX_BATCH_PAYLOAD_BYTES) throw new RangeError(`batch payload of ${payload} bytes exceeds ${MAX_BATCH_PAYLOAD_BYTES}`);
  const frame = Buffer.allocUnsafe(BATCH_OVERHEAD + payload);
  frame[0] = FRAME_MAGIC;
  frame.writeUInt32LE(BATCH_OVERHEAD - FRAME_HEADER_BYTES + payload, 1);
  PREFIX.copy(frame, FRAME_HEADER_BYTES);
  let at = FRAME_HEADER_BYTES + PREFIX.length;
  frame.writeUInt32BE(records.length, at); // msgpack lengths are big-endian
  at += 4;
  for (const record of records) {
    frame.set(record, at);
    at += record.length;
  }
  return frame;
}
