/**
 * The schema-free pieces client processes use: the hand-written daemon-message check must give the
 * same verdicts as the schema, and batch frames built by concatenation must equal encoded ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as v from 'valibot';
import {
  checkDaemonMessage,
  decodeBody,
  encodeBatchFrame,
  encodeBody,
  encodeFrame,
  DaemonMessage,
  FrameReader,
  generateRunName,
  MAX_BATCH_RECORDS,
  ProtocolError,
} from '../src/index.js';

const VALID: unknown[] = [
  { t: 'welcome', protocol: 2, version: '0.1.0', pid: 12, httpPort: null },
  { t: 'welcome', protocol: 2, version: '0.1.0', pid: 12, httpPort: 8080 },
  { t: 'reply', id: 0, ok: true, result: { anything: [1, 2] } },
  { t: 'reply', id: 3, ok: true, result: null },
  { t: 'reply', id: 3, ok: false, error: { code: 'RUN_EXISTS', message: 'exists' } },
  { t: 'ack', acks: [] },
  { t: 'ack', acks: [{ run: 1, seq: 5 }, { run: 2, seq: 1 }] },
  { t: 'error', code: 'BAD_MESSAGE', message: 'bad' },
  { t: 'error', code: 'BAD_MESSAGE', message: 'bad', seq: 4, run: 1 },
];

const INVALID: unknown[] = [
  null,
  42,
  [],
  { t: 'nope' },
  { t: 'welcome', protocol: '1', version: '0.1.0', pid: 12, httpPort: null },
  { t: 'welcome', protocol: 2, version: '0.1.0', pid: 12, httpPort: 'x' },
  { t: 'welcome', protocol: 2, version: '0.1.0', pid: 12 },
  { t: 'reply', id: -1, ok: true, result: 1 },
  { t: 'reply', id: 1.5, ok: true, result: 1 },
  { t: 'reply', id: 1, ok: true },
  { t: 'reply', id: 1, ok: 'yes', result: 1 },
  { t: 'reply', id: 1, ok: false, error: { code: 'NOT_A_CODE', message: 'x' } },
  { t: 'reply', id: 1, ok: false, error: { code: 'RUN_EXISTS' } },
  { t: 'ack', acks: [{ run: 0, seq: 1 }] },
  { t: 'ack', acks: [{ run: 1, seq: 0 }] },
  { t: 'ack', acks: {} },
  { t: 'error', code: 'NOPE', message: 'x' },
  { t: 'error', code: 'BAD_MESSAGE', message: 'x', seq: 'one' },
];

describe('checkDaemonMessage', () => {
  for (const [i, message] of VALID.entries()) {
    it(`accepts valid message ${i} (${JSON.stringify(message).slice(0, 60)}) as the schema does`, () => {
      assert.equal(v.safeParse(DaemonMessage, message).success, true);
      assert.deepEqual(checkDaemonMessage(message), message);
    });
  }
  for (const [i, message] of INVALID.entries()) {
    it(`rejects invalid message ${i} (${JSON.stringify(message)?.slice(0, 60)}) as the schema does`, () => {
      assert.equal(v.safeParse(DaemonMessage, message).success, false);
      assert.throws(() => checkDaemonMessage(message), (error: unknown) => error instanceof ProtocolError && error.code === 'BAD_MESSAGE');
    });
  }
});

describe('encodeBatchFrame', () => {
  const records = [
    { t: 'history', run: 1, seq: 1, step: 0, ts: 1.5, runtime: 0.1, data: { loss: 0.5, nested: { a: [1, 2] } } },
    { t: 'summary', run: 1, seq: 2, set: { best: 1 }, remove: [] },
    { t: 'history', run: 1, seq: 3, step: 1, ts: 2.5, runtime: 1.1, data: { loss: Number.NaN } },
  ];

  it('builds a frame that decodes to the same batch as an encoded one', () => {
    const frame = encodeBatchFrame(records.map((r) => encodeBody(r)));
    const reader = new FrameReader();
    const bodies = reader.push(frame);
    assert.equal(bodies.length, 1);
    const decoded = decodeBody(bodies[0]!) as { t: string; records: unknown[] };
    assert.equal(decoded.t, 'batch');
    assert.deepEqual(decoded.records, records);
    const reference = new FrameReader().push(encodeFrame({ t: 'batch', records }));
    assert.deepEqual(decodeBody(reference[0]!), decoded);
  });

  it('refuses empty and oversized batches', () => {
    assert.throws(() => encodeBatchFrame([]), RangeError);
    const one = encodeBody(records[1]);
    assert.throws(() => encodeBatchFrame(new Array(MAX_BATCH_RECORDS + 1).fill(one)), RangeError);
  });
});

describe('generateRunName', () => {
  it('gives adjective-noun-number names', () => {
    for (let i = 0; i < 200; i += 1) assert.match(generateRunName(), /^[a-z]+-[a-z]+-\d{1,3}$/);
  });
});
