/** Writing to stdout or a file with backpressure, so that big exports never pile up in memory. */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';

/** A destination for streamed output. */
export interface Sink {
  write(chunk: string): Promise<void>;
  /** Flushes and closes (a file) or waits for stdout to drain. */
  close(): Promise<void>;
}

/** Writes `chunk`, waiting for 'drain' when the stream's buffer is full. */
export function writeWithBackpressure(stream: Writable, chunk: string): Promise<void> {
  if (stream.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onDrain);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
    stream.once('close', onDrain);
  });
}

/**
 * Resolves once everything written to stdout has been handed to the OS. Not by waiting for 'drain':
 * that event only follows a write that returned false, so after a last write that fit the buffer it
 * never comes, and the process would exit with a pending top-level await (code 13). Writes complete
 * in order, so the callback of an empty write runs after every earlier one.
 */
export function drainStdout(): Promise<void> {
  if (process.stdout.writableLength === 0 || process.stdout.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    process.stdout.once('close', () => resolve());
    process.stdout.write('', () => resolve());
  });
}

export function stdoutSink(): Sink {
  return {
    write: (chunk) => writeWithBackpressure(process.stdout, chunk),
    close: drainStdout,
  };
}

/** A file sink; its first write fails cleanly when the file cannot be created. */
export function fileSink(path: string): Sink {
  const stream = createWriteStream(path, { flags: 'w' });
  let failure: Error | null = null;
  stream.on('error', (error) => {
    failure ??= error;
  });
  const check = () => {
    if (failure) throw failure;
  };
  return {
    async write(chunk) {
      check();
      await writeWithBackpressure(stream, chunk);
      check();
    },
    async close() {
      check();
      stream.end();
      await finished(stream);
      check();
    },
  };
}

/** What `--json` prints when no daemon runs. */
const NOT_RUNNING_JSON = '{"running": false}';

/** Says that no daemon runs, as JSON or as a sentence. */
export function printNotRunning(json = false): void {
  print(json ? NOT_RUNNING_JSON : 'wandb-daemon is not running');
}

/** Prints to stdout (small outputs: status, tables). */
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Prints one line to stderr, prefixed with the program name. */
export function printError(message: string): void {
  process.stderr.write(`wandb-daemon: ${message}\n`);
}
