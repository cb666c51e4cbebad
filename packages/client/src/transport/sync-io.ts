/**
 * Blocking I/O on the daemon socket, for the moments the event loop will not run again (`exit`
 * after `process.exit()` or an uncaught exception) or must not (backpressure in `log`). The socket
 * is non-blocking, so a full kernel buffer reports EAGAIN; we sleep a millisecond and try again.
 */
import { readSync, writeSync } from 'node:fs';
import type { Socket } from 'node:net';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` milliseconds without spinning. */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** The file descriptor behind a socket while it is open, else null (libuv exposes it on POSIX systems). */
export function socketFdOrNull(socket: Socket): number | null {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : null;
}

/** The file descriptor behind a connected Unix socket. */
export function socketFd(socket: Socket): number {
  const fd = socketFdOrNull(socket);
  if (fd === null) throw new Error('the daemon socket has no file descriptor (unsupported platform)');
  return fd;
}

function isWouldBlock(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR';
}

/** Writes as much of `bytes` as the kernel takes now; returns the count (0 when it would block). */
export function writeSome(fd: number, bytes: Uint8Array): number {
  try {
    return writeSync(fd, bytes);
  } catch (error) {
    if (isWouldBlock(error)) return 0;
    throw error;
  }
}

/** Reads what is available now into `scratch`: the byte count, 0 when nothing is waiting, -1 at end of stream. */
export function readSome(fd: number, scratch: Buffer): number {
  try {
    const n = readSync(fd, scratch, 0, scratch.length, null);
    return n === 0 ? -1 : n;
  } catch (error) {
    if (isWouldBlock(error)) return 0;
    throw error;
  }
}
