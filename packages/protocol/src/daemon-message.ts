/**
 * A hand-written check of what a daemon sends, equivalent to the `DaemonMessage` schema (a test holds
 * them to the same verdicts). Client processes use it so that they never load the validation library.
 */
import { isErrorCode, ProtocolError } from './errors.js';
import type { DaemonMessage } from './messages/index.js';

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown, min: number): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= min;

function isWireError(value: unknown): boolean {
  return isObject(value) && isErrorCode(value.code) && typeof value.message === 'string';
}

function checkFields(m: Fields): string | undefined {
  switch (m.t) {
    case 'welcome':
      if (typeof m.protocol !== 'number' || typeof m.version !== 'string' || typeof m.pid !== 'number') return 'welcome needs protocol, version and pid';
      if (m.httpPort !== null && typeof m.httpPort !== 'number') return 'welcome.httpPort must be a number or null';
      return undefined;
    case 'reply':
      if (!isCount(m.id, 0)) return 'reply.id must be a non-negative integer';
      if (m.ok === true) return 'result' in m ? undefined : 'reply has no result';
      if (m.ok === false) return isWireError(m.error) ? undefined : 'reply.error must carry a known code and a message';
      return 'reply.ok must be a boolean';
    case 'ack':
      if (!Array.isArray(m.acks)) return 'ack.acks must be an array';
      for (const ack of m.acks) if (!isObject(ack) || !isCount(ack.run, 1) || !isCount(ack.seq, 1)) return 'ack.acks holds {run, seq} pairs';
      return undefined;
    case 'error':
      if (!isErrorCode(m.code) || typeof m.message !== 'string') return 'error notice needs a known code and a message';
      if (m.seq !== undefined && typeof m.seq !== 'number') return 'error.seq must be a number';
      if (m.run !== undefined && typeof m.run !== 'number') return 'error.run must be a number';
      return undefined;
    default:
      return `unknown message type ${JSON.stringify(m.t ?? null).slice(0, 64)}`;
  }
}

/** Validates a decoded daemon message; throws BAD_MESSAGE naming what is wrong. */
export function checkDaemonMessage(value: unknown): DaemonMessage {
  const problem = isObject(value) ? checkFields(value) : 'a message must be a map';
  if (problem !== undefined) throw new ProtocolError('BAD_MESSAGE', `invalid message from the daemon: ${problem}`);
  return value as DaemonMessage;
}
