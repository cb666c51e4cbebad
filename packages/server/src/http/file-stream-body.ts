/**
 * Validates a file_stream request body into a FileStreamUpdate. The body is ordinary JSON; the lines
 * inside are strings, parsed leniently later (they may hold NaN/Infinity). Keys of older clients
 * (`dropped`, `failed`, `limits`) and unknown file names are accepted and ignored. Everything the
 * store cannot take is refused here, with a 4xx: a 5xx would make the client resend it forever.
 */
import { parseJsonObject } from '@wandb-daemon/protocol';
import { invalidFilePath } from '../file-paths.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../json-depth.js';
import type { FileStreamUpdate, LineChunk } from '../store/server-store.js';

/** File names of the streamed files. */
const STREAM_FILES = {
  history: 'wandb-history.jsonl',
  events: 'wandb-events.jsonl',
  summary: 'wandb-summary.json',
  output: 'output.log',
} as const;

/** Longest line accepted (UTF-8 bytes); Python's whole request is at most ~10 MiB. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** Lines are numbered by GraphQL `Int`s (historyLineCount...): 32-bit signed. */
const MAX_LINE_COUNT = 2 ** 31 - 1;

/** A body that cannot be a file_stream request; `status` is the HTTP status to answer. */
export class FileStreamBodyError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 | 422 = 400,
  ) {
    super(message);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function chunk(name: string, value: unknown, json = true): LineChunk {
  if (!isObject(value)) throw new FileStreamBodyError(`files["${name}"] must be an object`);
  const offset = value.offset ?? 0;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw new FileStreamBodyError(`files["${name}"].offset must be a non-negative integer`);
  const content = value.content ?? [];
  if (!Array.isArray(content) || !content.every((line) => typeof line === 'string')) throw new FileStreamBodyError(`files["${name}"].content must be an array of strings`);
  if (offset + content.length > MAX_LINE_COUNT) throw new FileStreamBodyError(`files["${name}"]: offset + lines must not exceed ${MAX_LINE_COUNT}`);
  content.forEach((line: string, k) => checkLine(name, offset + k, line, json));
  return { offset, content: content as string[] };
}

/** Refuses a line too long to store, or (for JSON files) nested too deeply to read back. */
function checkLine(name: string, lineNo: number, line: string, json: boolean): void {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only long lines need counting.
  if (line.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(line, 'utf8') > MAX_LINE_BYTES) {
    throw new FileStreamBodyError(`files["${name}"] line ${lineNo} is larger than ${MAX_LINE_BYTES} bytes`, 413);
  }
  if (json && jsonDepthExceeds(line)) throw new FileStreamBodyError(`files["${name}"] line ${lineNo} nests deeper than ${MAX_JSON_DEPTH} levels`, 422);
}

/** The summary line if it is a JSON object (NaN/Infinity allowed), else undefined (kept as was). */
function summaryLine(content: readonly string[]): string | undefined {
  const line = content[content.length - 1];
  return line !== undefined && parseJsonObject(line) ? line : undefined;
}

/** Parses the (decoded) body bytes. An empty body is a heartbeat. */
export function parseFileStreamBody(bytes: Buffer): FileStreamUpdate {
  let body: unknown = {};
  if (bytes.length > 0) {
    try {
      body = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new FileStreamBodyError('the body is not JSON');
    }
  }
  if (!isObject(body)) throw new FileStreamBodyError('the body must be a JSON object');
  const update: FileStreamUpdate = {};
  if (body.files !== undefined && body.files !== null) {
    if (!isObject(body.files)) throw new FileStreamBodyError('"files" must be an object');
    const files = body.files;
    if (files[STREAM_FILES.history] !== undefined) update.history = chunk(STREAM_FILES.history, files[STREAM_FILES.history]);
    if (files[STREAM_FILES.events] !== undefined) update.events = chunk(STREAM_FILES.events, files[STREAM_FILES.events]);
    if (files[STREAM_FILES.output] !== undefined) update.output = chunk(STREAM_FILES.output, files[STREAM_FILES.output], false);
    if (files[STREAM_FILES.summary] !== undefined) {
      const summary = summaryLine(chunk(STREAM_FILES.summary, files[STREAM_FILES.summary]).content);
      if (summary !== undefined) update.summary = summary;
    }
  }
  if (Array.isArray(body.uploaded)) update.uploaded = body.uploaded.filter((p): p is string => typeof p === 'string' && invalidFilePath(p) === null);
  if (body.preempting === true) update.preempting = true;
  if (body.complete === true) {
    update.complete = true;
    const code = body.exitcode;
    update.exitcode = typeof code === 'number' && Number.isSafeInteger(code) ? code : 0;
  }
  return update;
}
