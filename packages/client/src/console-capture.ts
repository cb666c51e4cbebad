/**
 * Console capture (W&B's `console` setting): while at least one run captures, `process.stdout.write`
 * and `process.stderr.write` are wrapped so that what the process prints also becomes the runs'
 * `console` records (the daemon's output.log). The wrapper calls the original first, with the same
 * `this` and arguments, and returns its result: what the user sees is unchanged. Lines are batched
 * (many per record, one stream per record, in write order) and handed to every capturing run once per
 * event-loop turn, or sooner when a batch is full. When the last run stops capturing, the streams get
 * their original `write` back.
 */
import { StringDecoder } from 'node:string_decoder';
import { inspect } from 'node:util';
import { LineAssembler } from './console-lines.js';

/** The two captured streams, as the `console` record names them. */
export type ConsoleStreamName = 'stdout' | 'stderr';

/** Where captured lines go: one per capturing run. */
export interface ConsoleSink {
  /** Complete lines of one stream, oldest first, written at `ts` (Unix seconds). Must not keep `lines`. */
  lines(stream: ConsoleStreamName, ts: number, lines: string[]): void;
}

/** An unfinished line is sent on its own after its stream was quiet this long (a prompt, a bar without newline). */
export const PARTIAL_LINE_IDLE_MS = 1000;
/** A batch is sent at once past this many lines or characters, so a write loop that never yields stays bounded. */
const MAX_BATCH_LINES = 2000;
const MAX_BATCH_CHARS = 512 * 1024;

type WriteFunction = NodeJS.WriteStream['write'];

/** One stream's capture state. */
class StreamTap {
  readonly assembler = new LineAssembler();
  readonly decoder = new StringDecoder('utf8');
  /** Date.now() of the last write that left an unfinished line. */
  touched = 0;
  /** The wrapper we installed, while capturing; null when not wrapped. */
  wrapper: Wrapper | null = null;
  /** Bound once: a write must not allocate a closure. */
  readonly emit: (line: string) => void;

  constructor(readonly name: ConsoleStreamName) {
    this.emit = (line) => addLine(name, line);
  }

  get stream(): NodeJS.WriteStream {
    return this.name === 'stdout' ? process.stdout : process.stderr;
  }
}

/** A `write` we installed, what it replaced, and whether it still captures. */
interface Wrapper {
  fn: WriteFunction;
  /** The stream's own `write` property before us; undefined when `write` came from the prototype. */
  ownDescriptor: PropertyDescriptor | undefined;
  /** False once retired: a wrapper someone else wrapped again cannot be removed, and only passes through. */
  live: boolean;
}

interface Batch {
  stream: ConsoleStreamName;
  ts: number;
  lines: string[];
  chars: number;
}

const taps = [new StreamTap('stdout'), new StreamTap('stderr')] as const;
const sinks: ConsoleSink[] = [];
let batch: Batch | null = null;
let deliveryScheduled = false;
let partialTimer: NodeJS.Timeout | null = null;
/**
 * Set while capture code runs. Whatever it causes to be written (a link warning while records are
 * queued, a write from a sink) goes straight to the original `write` and is not captured: without
 * this, capturing a line could write a line that is captured, and so on.
 */
let busy = false;

/**
 * Sends this process's stdout and stderr lines to `sink` from now on; the first sink wraps the
 * streams. Returns the function that stops it (idempotent): complete lines still batched go to every
 * sink, the unfinished line of each stream to this sink as a line of its own, and the last sink to
 * stop unwraps the streams.
 */
export function captureConsole(sink: ConsoleSink): () => void {
  sinks.push(sink);
  if (sinks.length === 1) start();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    stopSink(sink);
  };
}

/** True while the streams are captured (some run captures). */
export function isCapturingConsole(): boolean {
  return sinks.length > 0;
}

function start(): void {
  for (const tap of taps) wrap(tap);
  process.on('uncaughtExceptionMonitor', onFatalError);
}

function stopSink(sink: ConsoleSink): void {
  const wasBusy = busy;
  busy = true;
  try {
    deliver();
    const last = sinks.length === 1;
    for (const tap of taps) {
      // The other sinks keep waiting for the rest of the line; the last one takes it and the stream is forgotten.
      const line = last ? tap.assembler.takePartial(true) : tap.assembler.peekPartial();
      if (line !== null) send(sink, tap.name, Date.now() / 1000, [line]);
    }
  } finally {
    busy = wasBusy;
  }
  const i = sinks.indexOf(sink);
  if (i >= 0) sinks.splice(i, 1);
  if (sinks.length === 0) stop();
}

function stop(): void {
  for (const tap of taps) {
    unwrap(tap);
    tap.decoder.end(); // half a character left by the last write must not start the next capture
  }
  process.removeListener('uncaughtExceptionMonitor', onFatalError);
  if (partialTimer) clearTimeout(partialTimer);
  partialTimer = null;
}

// ---- wrapping

function wrap(tap: StreamTap): void {
  const stream = tap.stream;
  const original = stream.write;
  const wrapper: Wrapper = { fn: original, ownDescriptor: Object.getOwnPropertyDescriptor(stream, 'write'), live: true };
  // A plain function, not an arrow: the caller's `this` and every argument go to the original as given.
  wrapper.fn = function write(this: unknown, ...args: unknown[]): boolean {
    const result = Reflect.apply(original, this, args) as boolean;
    if (wrapper.live && !busy) capture(tap, args[0], args[1]);
    return result;
  } as WriteFunction;
  tap.wrapper = wrapper;
  stream.write = wrapper.fn;
}

/** Restores the stream's `write` exactly, unless someone wrapped ours since: then ours stays, passing through. */
function unwrap(tap: StreamTap): void {
  const wrapper = tap.wrapper;
  if (!wrapper) return;
  tap.wrapper = null;
  wrapper.live = false;
  const stream = tap.stream;
  if (stream.write !== wrapper.fn) return; // their wrapper calls ours: removing ours would cut them off
  if (wrapper.ownDescriptor) Object.defineProperty(stream, 'write', wrapper.ownDescriptor);
  else delete (stream as { write?: WriteFunction }).write; // back to the prototype's, as before
}

// ---- capturing

function capture(tap: StreamTap, chunk: unknown, encoding: unknown): void {
  busy = true;
  try {
    const text = decode(tap, chunk, encoding);
    if (text === null || text === '') return;
    tap.assembler.push(text, tap.emit);
    if (tap.assembler.hasPartial) {
      tap.touched = Date.now();
      partialTimer ??= setTimeout(flushIdlePartials, PARTIAL_LINE_IDLE_MS).unref();
    }
  } catch {
    // Capture must never break the user's write; a line lost here is the lesser harm.
  } finally {
    busy = false;
  }
}

/** The text a write shows: strings in their encoding, bytes as UTF-8 (a character split across writes is joined). */
function decode(tap: StreamTap, chunk: unknown, encoding: unknown): string | null {
  if (typeof chunk === 'string') {
    if (typeof encoding !== 'string' || /^utf-?8$/i.test(encoding) || !Buffer.isEncoding(encoding)) return chunk;
    return tap.decoder.write(Buffer.from(chunk, encoding));
  }
  if (chunk instanceof Uint8Array) return tap.decoder.write(chunk);
  return null;
}

function addLine(stream: ConsoleStreamName, line: string): void {
  if (batch !== null && batch.stream !== stream) deliver(); // one stream per record, in write order
  if (batch === null) {
    batch = { stream, ts: Date.now() / 1000, lines: [], chars: 0 };
    scheduleDelivery();
  }
  batch.lines.push(line);
  batch.chars += line.length;
  if (batch.lines.length >= MAX_BATCH_LINES || batch.chars >= MAX_BATCH_CHARS) deliver();
}

function scheduleDelivery(): void {
  if (deliveryScheduled) return;
  deliveryScheduled = true;
  // Unref'd: pending lines never keep the process alive; the exit paths finish the runs, which delivers.
  setImmediate(() => {
    deliveryScheduled = false;
    const wasBusy = busy;
    busy = true;
    try {
      deliver();
    } finally {
      busy = wasBusy;
    }
  }).unref();
}

/** Hands the batch to every sink. Runs with `busy` set. */
function deliver(): void {
  const current = batch;
  batch = null;
  if (current === null) return;
  for (const sink of sinks) send(sink, current.stream, current.ts, current.lines);
}

function send(sink: ConsoleSink, stream: ConsoleStreamName, ts: number, lines: string[]): void {
  try {
    sink.lines(stream, ts, lines);
  } catch {
    // The link keeps records it could not send yet (it throws only past its buffer limit with the
    // daemon unreachable, after queueing); the user's write must not fail because of it.
  }
}

/** A stream quiet for PARTIAL_LINE_IDLE_MS with an unfinished line: that line goes out as it shows. */
function flushIdlePartials(): void {
  partialTimer = null;
  const now = Date.now();
  let next = Number.POSITIVE_INFINITY;
  const wasBusy = busy;
  busy = true;
  try {
    for (const tap of taps) {
      if (!tap.assembler.hasPartial) continue;
      const quiet = now - tap.touched;
      if (quiet < PARTIAL_LINE_IDLE_MS) next = Math.min(next, PARTIAL_LINE_IDLE_MS - quiet);
      else addLine(tap.name, tap.assembler.takePartial()!);
    }
    deliver();
  } finally {
    busy = wasBusy;
  }
  if (next !== Number.POSITIVE_INFINITY && sinks.length > 0) partialTimer = setTimeout(flushIdlePartials, next).unref();
}

/**
 * An uncaught exception (or unhandled rejection) is about to end the process. Node prints it to
 * stderr itself, from C++ and after the `exit` event, where no wrapper sees it and the runs are
 * already finished; so its text, as `util.inspect` renders it (Node adds the source line above it),
 * is captured here, before `exit`. Not when a handler or capture callback keeps the process alive:
 * then Node prints nothing.
 */
function onFatalError(error: unknown): void {
  if (process.listenerCount('uncaughtException') > 0 || process.hasUncaughtExceptionCaptureCallback()) return;
  const tap = taps[1];
  const wasBusy = busy;
  busy = true;
  try {
    const text = `${tap.assembler.hasPartial ? '\n' : ''}${inspect(error)}\n`;
    tap.assembler.push(text, tap.emit);
  } catch {
    // never in the way of the process's death
  } finally {
    busy = wasBusy;
  }
}
