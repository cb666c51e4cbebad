/**
 * Unit tests of message validation (src/validate.ts over the valibot schemas in src/messages), the
 * handshake compatibility rule (src/messages/handshake.ts), the error catalogue (src/errors.ts) and
 * the version constants (src/version.ts).
 *
 * The catalogue and version tests read source files and package.json files from disk so that they
 * fail as soon as code uses an error code the catalogue lacks, or a package version drifts.
 * Compiled tests live in packages/protocol/dist/test/, so paths are resolved relative to that.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, isErrorCode, ProtocolError, type ErrorCode } from '../src/errors.js';
import { encodeBatchFrame } from '../src/batch-frame.js';
import { decodeBody, encodeBody } from '../src/codec.js';
import { FrameReader } from '../src/frame.js';
import { handshakeMismatch, makeHello } from '../src/messages/handshake.js';
import { ClientMessage } from '../src/messages/index.js';
import { MAX_MEDIA_BYTES } from '../src/limits.js';
import { parseClientMessage, parseHello, parseRecord } from '../src/validate.js';
import { PACKAGE_VERSION, PROTOCOL_VERSION } from '../src/version.js';

/** packages/ (this file runs from packages/protocol/dist/test/). */
const PACKAGES_DIR = fileURLToPath(new URL('../../../', import.meta.url));

const runInfo = () => ({
  runId: 'run-1_a.b',
  entity: 'team',
  project: 'proj',
  name: 'my run',
  group: null,
  jobType: null,
  tags: ['a', 'b'],
  notes: null,
  config: { lr: 0.1, nested: { depth: 2 } },
  host: 'box',
  program: 'train.py',
  pid: 1234,
  mode: 'offline',
  settings: {},
  startTime: 1_700_000_000.5,
});

/** One valid message of every client message type. */
const VALID: Record<string, Record<string, unknown>> = {
  'run.start': { t: 'run.start', id: 0, run: runInfo(), resume: 'allow' },
  finish: { t: 'finish', id: 7, run: 1, seq: 10, exitCode: 0 },
  status: { t: 'status', id: 3 },
  sync: { t: 'sync', id: 4, remote: { baseUrl: 'https://api.wandb.ai', apiKey: 'k'.repeat(40) }, runs: ['abc123'], all: false, project: 'p' },
  history: { t: 'history', run: 1, seq: 1, step: 0, ts: 1_700_000_001, runtime: 0.5, data: { loss: 0.25, acc: { train: 0.9 } } },
  summary: { t: 'summary', run: 1, seq: 2, set: { best: 0.1 }, remove: ['old'] },
  config: { t: 'config', run: 1, seq: 3, set: { batch: 32 }, remove: [] },
  console: { t: 'console', run: 1, seq: 4, stream: 'stderr', ts: 1_700_000_002, lines: ['hello', ''] },
  system: { t: 'system', run: 1, seq: 5, ts: 1_700_000_003, runtime: 2, metrics: { cpu: 12.5, 'proc.memory.rssMB': 300 } },
  metric: { t: 'metric', run: 1, seq: 6, name: 'train/*', stepMetric: 'epoch', summary: ['min', 'max'], goal: 'minimize', hidden: false },
  file: { t: 'file', run: 1, seq: 7, path: 'media/images/a.png', localPath: '/tmp/a.png', policy: 'now', size: 10, sha256: 'a'.repeat(64) },
  alert: { t: 'alert', run: 1, seq: 8, title: 'loss is NaN', text: 'check the learning rate', level: 'WARN', waitDurationSeconds: 60 },
  dropped: { t: 'dropped', run: 1, seq: 9, rows: 3, step: 4, currentStep: 10 },
  media: { t: 'media', run: 1, seq: 10, path: 'media/images/x_3_0123456789abcdef0123.png', sha256: 'b'.repeat(64), bytes: new Uint8Array([137, 80, 78, 71]) },
  chart: {
    t: 'chart', run: 1, seq: 11, key: 'pr', panelDefId: 'wandb/line/v0', tableKey: 'pr_table',
    fields: { x: 'step', y: 'loss' }, stringFields: { title: 'Loss' },
  },
  batch: { t: 'batch', records: [{ t: 'summary', run: 1, seq: 12, set: { best: 0.1 }, remove: [] }] },
};

/** Asserts that `fn` throws a ProtocolError with `code` whose message matches `pattern`. */
function assertProtocolError(fn: () => unknown, code: ErrorCode, pattern?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

describe('parseClientMessage', () => {
  it('has a valid example of every client message type', () => {
    const types = ClientMessage.options.map((o) => o.entries.t.literal).sort();
    assert.ok(types.includes('media') && types.includes('chart'), types.join());
    assert.deepEqual(Object.keys(VALID).sort(), types);
  });

  for (const [t, message] of Object.entries(VALID)) {
    it(`accepts a valid ${t} message`, () => {
      const parsed = parseClientMessage(structuredClone(message));
      assert.equal(parsed.t, t);
      assert.deepEqual(parsed, message);
    });
  }

  it('accepts optional fields left out', () => {
    assert.equal(parseClientMessage({ t: 'metric', run: 1, seq: 1, name: 'loss' }).t, 'metric');
    assert.equal(parseClientMessage({ t: 'file', run: 1, seq: 1, path: 'a.txt', localPath: '/x', policy: 'end' }).t, 'file');
    assert.equal(parseClientMessage({ t: 'alert', run: 1, seq: 1, title: 'x', text: '', level: 'INFO' }).t, 'alert');
  });

  it('rejects an unknown type with UNKNOWN_TYPE naming the type', () => {
    assertProtocolError(() => parseClientMessage({ t: 'bogus', run: 1, seq: 1 }), 'UNKNOWN_TYPE', /"bogus"/);
  });

  it('rejects hello after the handshake as an unknown type', () => {
    assertProtocolError(() => parseClientMessage(makeHello(1)), 'UNKNOWN_TYPE', /"hello"/);
  });

  it('rejects values without a string type as UNKNOWN_TYPE', () => {
    for (const value of [null, 42, 'history', [], {}, { t: 5 }]) {
      assertProtocolError(() => parseClientMessage(value), 'UNKNOWN_TYPE');
    }
  });

  it('does not echo a huge unknown type in full', () => {
    assert.throws(
      () => parseClientMessage({ t: 'x'.repeat(10_000) }),
      (error: unknown) => error instanceof ProtocolError && error.code === 'UNKNOWN_TYPE' && error.message.length < 200,
    );
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['a non-integer seq', { ...VALID.history, seq: 1.5 }, /\bseq\b/],
    ['seq 0', { ...VALID.history, seq: 0 }, /\bseq\b/],
    ['a negative step', { ...VALID.history, step: -1 }, /\bstep\b/],
    ['missing data', { ...VALID.history, data: undefined }, /\bdata\b/],
    ['a metric name with an inner *', { ...VALID.metric, name: 'train/*/loss' }, /\bname\b.*trailing \*/],
    ['a file path with ..', { ...VALID.file, path: 'media/../../etc/passwd' }, /\bpath\b.*\.\./],
    ['a file path that is only ..', { ...VALID.file, path: '..' }, /\bpath\b/],
    ['an absolute file path', { ...VALID.file, path: '/etc/passwd' }, /\bpath\b/],
    // The server refuses these in CreateRunFiles, failing the run's whole upload round: refused at the edge, as for media.
    ['a file path with an empty segment', { ...VALID.file, path: 'code//train.py' }, /\bpath\b.*empty segments/],
    ['a file path with a . segment', { ...VALID.file, path: './train.py' }, /\bpath\b.*empty segments/],
    ['a run id with a space', { ...VALID['run.start'], run: { ...runInfo(), runId: 'my run' } }, /\brun\.runId\b/],
    ['console with an empty lines array', { ...VALID.console, lines: [] }, /\blines\b/],
    ['a non-integer finish seq', { ...VALID.finish, seq: 2.5 }, /\bseq\b/],
    ['an unknown console stream', { ...VALID.console, stream: 'stdin' }, /\bstream\b/],
    ['a non-numeric system metric', { ...VALID.system, metrics: { cpu: 'high' } }, /\bmetrics\.cpu\b/],
    ['a bad sha256', { ...VALID.file, sha256: 'XYZ' }, /\bsha256\b/],
    ['an unknown resume policy', { ...VALID['run.start'], resume: 'sometimes' }, /\bresume\b/],
    ['a non-finite timestamp', { ...VALID.history, ts: Infinity }, /\bts\b/],
    ['a dropped record of 0 rows', { ...VALID.dropped, rows: 0 }, /\brows\b/],
    ['a dropped record of a fractional row count', { ...VALID.dropped, rows: 1.5 }, /\brows\b/],
    ['a dropped record with an unsafe row count', { ...VALID.dropped, rows: 2 ** 53 }, /\brows\b/],
    ['a dropped record with a negative step', { ...VALID.dropped, step: -1 }, /\bstep\b/],
    ['a dropped record with a fractional currentStep', { ...VALID.dropped, currentStep: 2.5 }, /\bcurrentStep\b/],
    ['a dropped record without currentStep', { ...VALID.dropped, currentStep: undefined }, /\bcurrentStep\b/],
    ['a dropped record with a string row count', { ...VALID.dropped, rows: '3' }, /\brows\b/],
    ['a media path with ..', { ...VALID.media, path: 'media/../wandb-summary.json' }, /\bpath\b.*\.\./],
    ['a media path ending in ..', { ...VALID.media, path: 'media/images/..' }, /\bpath\b.*\.\./],
    ['a media path not under media/', { ...VALID.media, path: 'images/x.png' }, /\bpath\b.*media\//],
    ['a media path that only starts like media/', { ...VALID.media, path: 'mediax/x.png' }, /\bpath\b.*media\//],
    ['an absolute media path', { ...VALID.media, path: '/media/x.png' }, /\bpath\b/],
    ['a media path with an empty segment', { ...VALID.media, path: 'media//x.png' }, /\bpath\b/],
    ['a media sha256 in upper case', { ...VALID.media, sha256: 'B'.repeat(64) }, /\bsha256\b/],
    ['a media sha256 that is too short', { ...VALID.media, sha256: 'b'.repeat(63) }, /\bsha256\b/],
    ['media bytes over the limit', { ...VALID.media, bytes: new Uint8Array(MAX_MEDIA_BYTES + 1) }, /\bbytes\b.*at most/],
    ['media bytes as a string', { ...VALID.media, bytes: 'iVBORw0KGgo=' }, /\bbytes\b/],
    ['media bytes as an array of numbers', { ...VALID.media, bytes: [137, 80, 78, 71] }, /\bbytes\b/],
    ['a chart without tableKey', { ...VALID.chart, tableKey: undefined }, /\btableKey\b/],
    ['a chart with an empty key', { ...VALID.chart, key: '' }, /\bkey\b/],
    ['a chart field that is not a string', { ...VALID.chart, fields: { x: 3 } }, /\bfields\.x\b/],
  ];
  for (const [name, message, field] of invalid) {
    it(`rejects ${name} with BAD_MESSAGE naming the field`, () => {
      assertProtocolError(() => parseClientMessage(message), 'BAD_MESSAGE', field);
      assertProtocolError(() => parseClientMessage(message), 'BAD_MESSAGE', new RegExp(`^invalid ${String(message.t).replace('.', '\\.')} message: `));
    });
  }

  it('accepts a dropped record at the edges of its ranges, as a message or as a record of a batch', () => {
    const edge = { t: 'dropped', run: 1, seq: 1, rows: 1, step: 0, currentStep: 0 };
    assert.deepEqual(parseClientMessage(edge), edge);
    assert.deepEqual(parseRecord({ ...edge, rows: Number.MAX_SAFE_INTEGER }), { ...edge, rows: Number.MAX_SAFE_INTEGER });
    assertProtocolError(() => parseRecord({ ...edge, rows: 0 }), 'BAD_MESSAGE', /^invalid dropped record: rows: /);
  });

  it('accepts media bytes of exactly the limit, and an empty file', () => {
    const atLimit = { ...VALID.media, bytes: new Uint8Array(MAX_MEDIA_BYTES) };
    assert.equal(parseRecord(atLimit).t, 'media');
    assert.equal(parseRecord({ ...VALID.media, bytes: new Uint8Array(0) }).t, 'media');
  });

  it('refuses a bad media record of a batch as a record (BAD_MESSAGE naming the field)', () => {
    assertProtocolError(() => parseRecord({ ...VALID.media, path: 'media/../x' }), 'BAD_MESSAGE', /^invalid media record: path: /);
    assertProtocolError(() => parseRecord({ ...VALID.media, bytes: new Uint8Array(MAX_MEDIA_BYTES + 1) }), 'BAD_MESSAGE', /^invalid media record: bytes: /);
  });

  it('a media record of the largest size fits one batch frame, and its bytes survive the codec', () => {
    const bytes = new Uint8Array(MAX_MEDIA_BYTES);
    for (let i = 0; i < bytes.length; i += 4099) bytes[i] = i % 251;
    const record = { ...VALID.media, bytes };
    const frame = encodeBatchFrame([encodeBody(record)]);
    const [body] = new FrameReader().push(frame);
    const batch = parseClientMessage(decodeBody(body!));
    assert.equal(batch.t, 'batch');
    const parsed = parseRecord((batch as { records: unknown[] }).records[0]);
    assert.equal(parsed.t, 'media');
    const decoded = (parsed as { bytes: Uint8Array }).bytes;
    assert.ok(decoded instanceof Uint8Array);
    assert.equal(Buffer.compare(Buffer.from(decoded.buffer, decoded.byteOffset, decoded.byteLength), Buffer.from(bytes)), 0);
  });

  it('accepts a chart with empty field maps', () => {
    assert.equal(parseRecord({ ...VALID.chart, fields: {}, stringFields: {} }).t, 'chart');
  });

  it('accepts a metric name with a single trailing *', () => {
    assert.equal(parseClientMessage({ ...VALID.metric, name: '*' }).t, 'metric');
    assert.equal(parseClientMessage({ ...VALID.metric, name: 'a.b*' }).t, 'metric');
  });

  it('accepts a file path with dots that are not ..', () => {
    assert.equal(parseClientMessage({ ...VALID.file, path: 'a/..b/c../.d' }).t, 'file');
  });
});

describe('parseHello', () => {
  it('accepts the hello this package builds', () => {
    const hello = makeHello(4321, 'train.py');
    assert.deepEqual(parseHello(hello), { t: 'hello', protocol: PROTOCOL_VERSION, version: PACKAGE_VERSION, pid: 4321, program: 'train.py' });
    assert.equal('program' in makeHello(1), false);
  });

  it('requires a hello first: any other message is HANDSHAKE_REQUIRED', () => {
    for (const value of [VALID.history, VALID.status, VALID['run.start'], null, 'hello', { protocol: 1 }]) {
      assertProtocolError(() => parseHello(value), 'HANDSHAKE_REQUIRED', /hello/);
    }
  });

  it('rejects a malformed hello with BAD_MESSAGE naming the field', () => {
    assertProtocolError(() => parseHello({ t: 'hello', protocol: '1', version: '0.1.0', pid: 1 }), 'BAD_MESSAGE', /\bprotocol\b/);
    assertProtocolError(() => parseHello({ t: 'hello', protocol: 1, version: '0.1.0' }), 'BAD_MESSAGE', /\bpid\b/);
  });
});

describe('handshakeMismatch', () => {
  it('accepts the same protocol, whatever the package versions', () => {
    assert.equal(handshakeMismatch({ protocol: PROTOCOL_VERSION, version: PACKAGE_VERSION }), undefined);
    assert.equal(handshakeMismatch({ protocol: 3, version: '9.9.9' }, { protocol: 3, version: '1.0.0' }), undefined);
  });

  it('explains a protocol mismatch with both protocols, both versions and the remedy', () => {
    const message = handshakeMismatch({ protocol: 7, version: '2.5.1' }, { protocol: 4, version: '0.9.3' });
    assert.ok(message);
    assert.match(message, /protocol 7\b/);
    assert.match(message, /protocol 4\b/);
    assert.ok(message.includes('2.5.1'));
    assert.ok(message.includes('0.9.3'));
    assert.ok(message.includes('wandb-daemon stop'));
  });

  it('compares against this package by default', () => {
    const message = handshakeMismatch({ protocol: PROTOCOL_VERSION + 1, version: '99.0.0' });
    assert.ok(message);
    assert.ok(message.includes(`protocol ${PROTOCOL_VERSION} (package ${PACKAGE_VERSION})`));
    assert.ok(message.includes(`protocol ${PROTOCOL_VERSION + 1} (package 99.0.0)`));
  });
});

/** Every `.ts` file under `dir`, recursively. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

describe('error catalogue', () => {
  it('gives every code a known kind and a summary', () => {
    const kinds = new Set(['argument', 'environment', 'retryable', 'bug']);
    assert.ok(Object.keys(ERROR_CODES).length > 0);
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      assert.match(code, /^[A-Z][A-Z_]*$/, `code ${code}`);
      assert.ok(kinds.has(entry.kind), `${code} has kind ${entry.kind}`);
      assert.equal(typeof entry.summary, 'string');
      assert.ok(entry.summary.trim().length > 0, `${code} has a summary`);
    }
  });

  it('isErrorCode accepts catalogue codes only', () => {
    for (const code of Object.keys(ERROR_CODES)) assert.equal(isErrorCode(code), true, code);
    for (const value of ['bad_frame', 'NOPE', '', 'toString', 'constructor', '__proto__', 42, null, undefined, {}]) {
      assert.equal(isErrorCode(value), false, String(value));
    }
  });

  it('ProtocolError carries its code, kind and wire form', () => {
    const error = new ProtocolError('SHUTTING_DOWN', 'bye');
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'ProtocolError');
    assert.equal(error.kind, 'retryable');
    assert.deepEqual(error.toWire(), { code: 'SHUTTING_DOWN', message: 'bye' });
    assert.equal(new ProtocolError('INTERNAL', 'x').kind, 'bug');
    assert.equal(new ProtocolError('STORE_FAILED', 'x').kind, 'environment');
  });

  // The packages that speak this protocol; the server's error codes are GraphQL's, not ours.
  const PROTOCOL_PEERS = ['protocol', 'client', 'daemon'];

  it('contains every error code used in the sources of the protocol peers', () => {
    const used = new Map<string, string>();
    const patterns = [/\bcode:\s*'([^']*)'/g, /new ProtocolError\(\s*'([^']*)'/g];
    let files = 0;
    for (const pkg of readdirSync(PACKAGES_DIR).filter((name) => PROTOCOL_PEERS.includes(name))) {
      const src = join(PACKAGES_DIR, pkg, 'src');
      try {
        if (!statSync(src).isDirectory()) continue;
      } catch {
        continue;
      }
      for (const file of tsFiles(src)) {
        files += 1;
        const text = readFileSync(file, 'utf8');
        for (const pattern of patterns) {
          for (const match of text.matchAll(pattern)) used.set(match[1]!, file.slice(PACKAGES_DIR.length));
        }
      }
    }
    assert.ok(files > 10, `read ${files} source files`);
    // Sanity: the scan finds codes we know are used, so an empty result cannot pass silently.
    for (const known of ['BAD_FRAME', 'BAD_MESSAGE', 'UNKNOWN_TYPE', 'HANDSHAKE_REQUIRED']) assert.ok(used.has(known), `scan found ${known}`);
    for (const [code, file] of used) assert.ok(isErrorCode(code), `${file} uses error code '${code}', which is not in ERROR_CODES`);
  });
});

describe('versions', () => {
  const versionOf = (pkg: string) => (JSON.parse(readFileSync(join(PACKAGES_DIR, pkg, 'package.json'), 'utf8')) as { version: string }).version;

  it('PACKAGE_VERSION equals the protocol package version', () => {
    assert.equal(PACKAGE_VERSION, versionOf('protocol'));
  });

  it('PACKAGE_VERSION equals the daemon package version', () => {
    assert.equal(PACKAGE_VERSION, versionOf('daemon'));
  });

  it('PROTOCOL_VERSION is a positive integer', () => {
    assert.ok(Number.isSafeInteger(PROTOCOL_VERSION) && PROTOCOL_VERSION > 0);
  });

  it('PROTOCOL_VERSION is 2 (media files and custom charts): a client of protocol 1 is refused, not misread', () => {
    assert.equal(PROTOCOL_VERSION, 2);
    assert.ok(handshakeMismatch({ protocol: 1, version: PACKAGE_VERSION }));
  });
});
