/**
 * `wandb-daemon logs [-n N] [--follow]`: the end of the daemon log (JSON lines from pino), pretty:
 * `HH:MM:SS LEVEL msg key=value ...`. Lines that are not JSON (what the daemon wrote to stderr before
 * its logger existed) are printed as they are.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { Action } from '../action.js';
import { currentPaths } from '../daemon-api.js';
import { CliError, EXIT } from '../errors.js';
import { localTime } from '../format.js';
import { writeWithBackpressure } from '../output.js';

const POLL_MS = 200;
const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

export function registerLogs(program: Command, action: Action): void {
  program
    .command('logs')
    .description('print the end of the daemon log')
    .option('-n, --lines <n>', 'how many lines to print', parseLineCount, 50)
    .option('-f, --follow', 'keep printing new lines until interrupted')
    .action(action(logs));
}

function parseLineCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number of lines');
  return n;
}

async function logs(options: { lines: number; follow?: boolean }): Promise<number> {
  const path = currentPaths().log;
  let size = fileSize(path);
  if (size === null) {
    if (!options.follow) throw new CliError(`no daemon log at ${path}`);
    size = 0;
  }
  const { lines, partial } = tail(path, size, options.lines);
  await printLines(lines);
  if (!options.follow) {
    if (partial.length > 0) await printLines([partial.toString('utf8')]);
    return EXIT.OK;
  }
  return follow(path, size, partial);
}

/** Polls the file and prints complete lines as they are appended; resolves 0 on SIGINT/SIGTERM. */
function follow(path: string, offset: number, pending: Buffer): Promise<number> {
  return new Promise((resolve) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void poll().finally(() => (busy = false));
    }, POLL_MS);
    const done = () => {
      clearInterval(timer);
      resolve(EXIT.OK);
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);

    async function poll(): Promise<void> {
      const size = fileSize(path);
      if (size === null) return; // not created yet, or being replaced
      if (size < offset) {
        // Truncated or replaced: start again from its beginning.
        offset = 0;
        pending = Buffer.alloc(0);
      }
      if (size === offset) return;
      const added = readRange(path, offset, size);
      offset += added.length;
      const { lines, rest } = splitLines(Buffer.concat([pending, added]));
      pending = rest;
      await printLines(lines);
    }
  });
}

/** The last `n` complete lines before `end`, and the bytes after the last newline (a line being written). */
export function tail(path: string, end: number, n: number): { lines: string[]; partial: Buffer } {
  if (end === 0) return { lines: [], partial: Buffer.alloc(0) };
  const chunks: Buffer[] = [];
  let start = end;
  let newlines = 0;
  // Read backwards until the buffer holds n + 1 newlines (the one ending the line before the first wanted).
  while (start > 0 && newlines <= n) {
    const from = Math.max(0, start - CHUNK);
    const chunk = readRange(path, from, start);
    for (const byte of chunk) if (byte === NEWLINE) newlines += 1;
    chunks.unshift(chunk);
    start = from;
  }
  const { lines, rest } = splitLines(Buffer.concat(chunks));
  // The first line may be cut (when the file's start was not reached); with n + 1 newlines read, slice(-n) drops it.
  return { lines: n === 0 ? [] : lines.slice(-n), partial: rest };
}

function splitLines(buffer: Buffer): { lines: string[]; rest: Buffer } {
  const lines: string[] = [];
  let from = 0;
  for (let i = buffer.indexOf(NEWLINE); i !== -1; i = buffer.indexOf(NEWLINE, from)) {
    lines.push(buffer.toString('utf8', from, i).replace(/\r$/, ''));
    from = i + 1;
  }
  return { lines, rest: buffer.subarray(from) };
}

function fileSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read the daemon log ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function readRange(path: string, from: number, to: number): Buffer {
  const buffer = Buffer.alloc(to - from);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new CliError(`cannot read the daemon log ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    let read = 0;
    while (read < buffer.length) {
      const got = readSync(fd, buffer, read, buffer.length - read, from + read);
      if (got === 0) break;
      read += got;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

async function printLines(lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  await writeWithBackpressure(process.stdout, `${lines.map(prettyLogLine).join('\n')}\n`);
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** `HH:MM:SS LEVEL msg key=value ...` for a pino JSON line; any other line as it is. */
export function prettyLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return line;
  const { level, time, msg, ...fields } = entry as Record<string, unknown>;
  const when = typeof time === 'number' || typeof time === 'string' ? new Date(time) : null;
  const parts = [
    when && !Number.isNaN(when.getTime()) ? localTime(when) : '--:--:--',
    (typeof level === 'number' ? LEVELS[level] ?? `L${level}` : String(level ?? '-')).toUpperCase().padEnd(5),
  ];
  if (msg !== undefined) parts.push(typeof msg === 'string' ? msg : JSON.stringify(msg));
  let stack = '';
  for (const [key, value] of Object.entries(fields)) {
    if ((key === 'err' || key === 'error') && isErrorLike(value)) {
      parts.push(`${key}=${formatValue(value.message)}`);
      if (typeof value.stack === 'string') stack = `\n${value.stack.split('\n').map((l) => `    ${l}`).join('\n')}`;
    } else {
      parts.push(`${key}=${formatValue(value)}`);
    }
  }
  return parts.join(' ') + stack;
}

function isErrorLike(value: unknown): value is { message: unknown; stack?: unknown } {
  return value !== null && typeof value === 'object' && 'message' in value;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return value !== '' && !/[\s"=\\]/.test(value) ? value : JSON.stringify(value);
  if (value === undefined) return 'undefined';
  return JSON.stringify(value) ?? String(value);
}
