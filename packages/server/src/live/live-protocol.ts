/**
 * The live socket's messages (JSON text frames), as the dashboard's live.ts speaks them:
 *
 *   → {"type":"auth","key":K}               ← {"type":"ready"}, or {"type":"error","message"} and close 4401
 *                                              (or 4429 when the key's user already has the most live sockets)
 *   → {"type":"watch","id":N,"entity","project","run"?}   no run: every run of the project; names of
 *                                              at most MAX_NAME_LENGTH characters
 *                                           ← {"type":"watching","id":N} once the watch is registered:
 *                                              every change from then on is pushed (the page refetches)
 *   → {"type":"unwatch","id":N}
 *   ← {"type":"run","entity","project","run","state","historyLineCount","eventsLineCount","logLineCount","updatedAt"}
 *   ← {"type":"error","id"?,"message"}       a refused watch (with its id) or a bad request; the socket stays
 *
 * A frame that is not a JSON object with a string `type` breaks the protocol: an error, then close
 * 4400. Close codes: 4400 protocol error, 4401 key refused or no auth first, 4408 no auth in time,
 * 4429 too many live sockets for the user, 1001 server closing, 1009 frame over the size limit (by ws),
 * 1006 (no close frame) a peer that did not answer a ping in time (live-session.ts).
 */
import { isPlainObject } from '@wandb-daemon/protocol';
import type { RunRecord, RunState } from '../store/server-store.js';

/** Close codes of the live socket. */
export const LIVE_CLOSE = { protocolError: 4400, unauthorized: 4401, authTimeout: 4408, tooManySockets: 4429, goingAway: 1001 } as const;

/**
 * Longest entity, project or run name a watch may carry: the router's maxParamLength too
 * (server.ts), so every name a watch can hold is one the read API can address. A socket keeps
 * several copies of each watched name; this bounds them.
 */
export const MAX_NAME_LENGTH = 1024;

/** What a watch targets: a run, or every run of a project. */
export interface WatchTarget {
  entity: string;
  project: string;
  /** Absent: every run of the project. */
  run?: string;
}

/** A message from the page. */
export type ClientMessage =
  | { type: 'auth'; key: string }
  | { type: 'watch'; id: number; target: WatchTarget }
  | { type: 'unwatch'; id: number }
  /** Valid JSON but not a request this server knows or well formed: answered with an error. */
  | { type: 'invalid'; id?: number; message: string };

/** The `run` message: what the page needs to decide whether to refetch. */
export interface RunMessage {
  type: 'run';
  entity: string;
  project: string;
  run: string;
  state: RunState;
  historyLineCount: number;
  eventsLineCount: number;
  logLineCount: number;
  updatedAt: string;
}

/** A message to the page. */
export type ServerMessage = { type: 'ready' } | { type: 'watching'; id: number } | { type: 'error'; id?: number; message: string } | RunMessage;

const name = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** A frame's message; null for a frame that breaks the protocol (not a JSON object with a string type). */
export function parseClientMessage(text: string): ClientMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isPlainObject(value) || typeof value.type !== 'string') return null;
  const id = Number.isSafeInteger(value.id) ? (value.id as number) : undefined;
  switch (value.type) {
    case 'auth':
      return typeof value.key === 'string' ? { type: 'auth', key: value.key } : { type: 'invalid', message: 'auth needs a "key" string' };
    case 'watch': {
      if (id === undefined) return { type: 'invalid', message: 'watch needs an integer "id"' };
      const { entity, project, run } = value;
      if (!name(entity) || !name(project) || !(run === undefined || run === null || name(run))) return { type: 'invalid', id, message: 'watch needs "entity" and "project" names, and "run" a name when given' };
      if ([entity, project, run].some((n) => typeof n === 'string' && n.length > MAX_NAME_LENGTH)) return { type: 'invalid', id, message: `entity, project and run names are at most ${MAX_NAME_LENGTH} characters` };
      return { type: 'watch', id, target: name(run) ? { entity, project, run } : { entity, project } };
    }
    case 'unwatch':
      return id === undefined ? { type: 'invalid', message: 'unwatch needs an integer "id"' } : { type: 'unwatch', id };
    default:
      return { type: 'invalid', ...(id === undefined ? {} : { id }), message: `unknown message type ${JSON.stringify(value.type).slice(0, 64)}` };
  }
}

/** The `run` message for a run as stored. */
export function runMessage(run: RunRecord): RunMessage {
  return {
    type: 'run',
    entity: run.project.entity.name,
    project: run.project.name,
    run: run.name,
    state: run.state,
    historyLineCount: run.historyLineCount,
    eventsLineCount: run.eventsLineCount,
    logLineCount: run.logLineCount,
    updatedAt: new Date(run.updatedAt * 1000).toISOString(),
  };
}
