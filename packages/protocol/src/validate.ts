import * as v from 'valibot';
import { ProtocolError } from './errors.js';
import { Hello } from './messages/handshake.js';
import { isHistoryRow } from './messages/history.js';
import { ClientMessage, DaemonMessage, RecordMessage } from './messages/index.js';

const KNOWN_CLIENT_TYPES: ReadonlySet<string> = new Set(ClientMessage.options.map((o) => o.entries.t.literal));
const KNOWN_RECORD_TYPES: ReadonlySet<string> = new Set(RecordMessage.options.map((o) => o.entries.t.literal));

/** Formats valibot issues as `path: message; ...`, short enough for a log line. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

function typeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const t = (value as { t?: unknown }).t;
  return typeof t === 'string' ? t : undefined;
}

/**
 * Parses a tagged message against a variant schema, trying the hand-written history check first.
 * Throws UNKNOWN_TYPE when the tag is not one of `known`, else BAD_MESSAGE naming the fields.
 */
function parseTagged<S extends v.GenericSchema>(schema: S, known: ReadonlySet<string>, value: unknown, what: string): v.InferOutput<S> {
  if (isHistoryRow(value)) return value as v.InferOutput<S>;
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const t = typeOf(value);
  if (t === undefined || !known.has(t)) throw new ProtocolError('UNKNOWN_TYPE', `unknown ${what} type ${JSON.stringify(t ?? null).slice(0, 64)}`);
  throw new ProtocolError('BAD_MESSAGE', `invalid ${t} ${what}: ${describeIssues(result.issues)}`);
}

/** Validates a decoded client message; throws ProtocolError (UNKNOWN_TYPE or BAD_MESSAGE). */
export function parseClientMessage(value: unknown): ClientMessage {
  return parseTagged(ClientMessage, KNOWN_CLIENT_TYPES, value, 'message');
}

/** Validates one record (of a batch, or on its own); throws like parseClientMessage. */
export function parseRecord(value: unknown): RecordMessage {
  return parseTagged(RecordMessage, KNOWN_RECORD_TYPES, value, 'record');
}

/** Validates the first message of a connection. */
export function parseHello(value: unknown): Hello {
  const result = v.safeParse(Hello, value);
  if (result.success) return result.output;
  if (typeOf(value) !== 'hello') {
    throw new ProtocolError('HANDSHAKE_REQUIRED', 'the first message on a connection must be a hello naming the protocol version');
  }
  throw new ProtocolError('BAD_MESSAGE', `invalid hello: ${describeIssues(result.issues)}`);
}

/** Validates a decoded daemon message (client side). */
export function parseDaemonMessage(value: unknown): DaemonMessage {
  const result = v.safeParse(DaemonMessage, value);
  if (result.success) return result.output;
  throw new ProtocolError('BAD_MESSAGE', `invalid message from the daemon: ${describeIssues(result.issues)}`);
}

/** Validates a request's successful result against its declared reply schema. */
export function parseResult<S extends v.GenericSchema>(schema: S, value: unknown, what: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  throw new ProtocolError('BAD_MESSAGE', `invalid ${what} reply: ${describeIssues(result.issues)}`);
}
