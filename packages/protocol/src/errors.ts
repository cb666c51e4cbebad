/**
 * The catalogue of stable error codes that cross the wire. Each code says what the remedy is:
 * - `argument`: the caller sent something wrong; fix the call.
 * - `environment`: permissions, disk, another process; fix the machine.
 * - `retryable`: transient; try again.
 * - `bug`: ours; report it.
 */
export type ErrorKind = 'argument' | 'environment' | 'retryable' | 'bug';

export const ERROR_CODES = {
  BAD_FRAME: { kind: 'argument', summary: 'a frame could not be decoded; the connection is closed' },
  BAD_MESSAGE: { kind: 'argument', summary: 'a message failed validation' },
  UNKNOWN_TYPE: { kind: 'argument', summary: 'a message type the daemon does not know' },
  HANDSHAKE_REQUIRED: { kind: 'argument', summary: 'the first message on a connection must be hello' },
  VERSION_MISMATCH: { kind: 'environment', summary: 'client and daemon speak different protocol versions' },
  RUN_NOT_FOUND: { kind: 'argument', summary: 'no such run in the store' },
  RUN_EXISTS: { kind: 'argument', summary: 'a run with this id already exists' },
  RUN_NOT_ATTACHED: { kind: 'argument', summary: 'the run was not started or resumed on this connection' },
  RUN_IN_USE: { kind: 'argument', summary: 'the run is being written by another live connection' },
  STORE_FAILED: { kind: 'environment', summary: 'the daemon could not write to its database' },
  SHUTTING_DOWN: { kind: 'retryable', summary: 'the daemon is stopping' },
  INTERNAL: { kind: 'bug', summary: 'an unexpected error inside the daemon' },
} as const satisfies Record<string, { kind: ErrorKind; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error as it travels on the wire. */
export interface WireError {
  code: ErrorCode;
  message: string;
}

/** An Error carrying a stable code; thrown on both sides of the socket. */
export class ProtocolError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }

  get kind(): ErrorKind {
    return ERROR_CODES[this.code].kind;
  }

  toWire(): WireError {
    return { code: this.code, message: this.message };
  }
}

/** True when `code` is one of the catalogue's codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}
