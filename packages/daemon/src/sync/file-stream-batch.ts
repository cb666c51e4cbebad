/**
 * One file_stream request, read from SQLite from the watermarks on: history, events and `output.log`
 * lines (contiguous from each stream's watermark), the whole summary when it changed, and the files
 * uploaded since the last acknowledged request. Bounded in lines per stream and (roughly) in bytes, so
 * a large backlog goes out as a series of requests and nothing is buffered beyond one of them.
 */
import { sha256 } from '../sha256.js';
import type { LineStream, StreamAck, SyncRow, SyncStore } from './sync-store.js';
import { outputLine } from './wire-format.js';

/** Bounds of one request. */
export interface BatchLimits {
  maxBytes: number;
  maxLines: number;
}

/** The file names of the line streams on the wire. */
export const STREAM_FILES: Record<LineStream, string> = {
  history: 'wandb-history.jsonl',
  events: 'wandb-events.jsonl',
  output: 'output.log',
};

/** A request ready to send, and what its 2xx answer acknowledges. */
export interface FileStreamBatch {
  body: Record<string, unknown>;
  ack: StreamAck;
  /** True when a stream was cut by the bounds: more is waiting, send again without delay. */
  more: boolean;
}

/** Whether the run has lines, a summary or uploaded files the server has not acknowledged. */
export function hasStreamWork(row: SyncRow, store: SyncStore): boolean {
  return (
    row.wm_history < row.history_lines ||
    row.wm_events < row.event_lines ||
    row.wm_output < row.console_lines ||
    row.summary_hash !== sha256(row.summary) ||
    store.unreportedFiles(row.pk).length > 0
  );
}

/** Builds the next file_stream request of a run (empty `files` when there are no lines to send). */
export function buildBatch(row: SyncRow, store: SyncStore, limits: BatchLimits): FileStreamBatch {
  const files: Record<string, { offset: number; content: string[] }> = {};
  const ack: StreamAck = { uploaded: [], complete: false, stopRequested: false };
  let budget = limits.maxBytes;
  let more = false;
  const summaryHash = sha256(row.summary);
  if (row.summary_hash !== summaryHash) {
    files['wandb-summary.json'] = { offset: 0, content: [row.summary] };
    ack.summaryHash = summaryHash;
    budget -= wireBytes(row.summary);
  }
  for (const stream of ['history', 'events', 'output'] as const) {
    const chunk = readStream(row, store, stream, limits.maxLines, budget);
    more ||= chunk.cut;
    if (chunk.content.length === 0) {
      if (chunk.skipTo !== undefined) ack[stream] = chunk.skipTo;
      continue;
    }
    files[STREAM_FILES[stream]] = { offset: chunk.offset, content: chunk.content };
    ack[stream] = chunk.offset + chunk.content.length;
    budget -= chunk.bytes;
  }
  const body: Record<string, unknown> = {};
  if (Object.keys(files).length > 0) body.files = files;
  ack.uploaded = store.unreportedFiles(row.pk);
  if (ack.uploaded.length > 0) body.uploaded = ack.uploaded;
  return { body, ack, more };
}

/** The bytes a line adds to the request body: UTF-8 of its JSON-escaped string, and a comma. */
function wireBytes(line: string): number {
  return Buffer.byteLength(JSON.stringify(line)) + 1;
}

interface Chunk {
  offset: number;
  content: string[];
  bytes: number;
  /** Stopped by a bound (lines or bytes) while lines remained: send again without delay. */
  cut: boolean;
  /** No line is stored from the watermark to the stream's count: the watermark moves past them. */
  skipTo?: number;
}

/**
 * Lines of one stream from its watermark: at most `maxLines`, and while under `budget` bytes (at
 * least one line, so that a single huge line still goes out). The chunk starts at the first stored
 * line at or after the watermark and stops at the next gap in line numbers, never sending a line at a
 * wrong offset. Gaps are lines this store never had: a run continued from a server holds only the lines
 * from that server's count on, and a new remote starts at the watermark 0. A gap is not a bound, so an
 * empty chunk at a gap never asks for an immediate resend (that was a busy loop of empty requests).
 */
function readStream(row: SyncRow, store: SyncStore, stream: LineStream, maxLines: number, budget: number): Chunk {
  const from = stream === 'history' ? row.wm_history : stream === 'events' ? row.wm_events : row.wm_output;
  const total = stream === 'history' ? row.history_lines : stream === 'events' ? row.event_lines : row.console_lines;
  if (from >= total) return { offset: from, content: [], bytes: 0, cut: false };
  if (budget <= 0) return { offset: from, content: [], bytes: 0, cut: true };
  const rows = store.lines(stream, row.pk, from, Math.min(maxLines, total - from));
  if (rows.length === 0) return { offset: from, content: [], bytes: 0, cut: false, skipTo: total };
  const offset = rows[0]!.line_no;
  const content: string[] = [];
  let bytes = 0;
  let bounded = rows.length === maxLines;
  for (const r of rows) {
    if (r.line_no !== offset + content.length) {
      bounded = false;
      break;
    }
    const line = stream === 'output' ? outputLine(r.stream!, r.ts!, r.text!) : r.line!;
    const size = wireBytes(line);
    if (content.length > 0 && bytes + size > budget) {
      bounded = true;
      break;
    }
    content.push(line);
    bytes += size;
  }
  return { offset, content, bytes, cut: bounded && offset + content.length < total };
}
