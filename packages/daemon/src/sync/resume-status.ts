/**
 * Resuming a run that this daemon does not know but the server does (another machine wrote it):
 * `RunResumeStatus` tells how many lines of each stream the server holds, the last history lines,
 * the config and summary, so that the local run continues at the right offsets and step.
 */
import { isPlainObject, parseWandbJson, type JsonObject } from '@wandb-daemon/protocol';
import { RUN_RESUME_STATUS } from './graphql-documents.js';
import { SyncError, WandbHttp, type RemoteTarget } from './wandb-http.js';
import { unwrapConfig } from './wire-format.js';

/** What the server holds of a run. */
export interface ServerRun {
  bucketId: string;
  entity: string;
  project: string;
  displayName: string | null;
  historyLines: number;
  eventLines: number;
  logLines: number;
  /**
   * The last `_step` in the history tail; for lines without `_step` (@wandb/sdk omits it: a line's step
   * is its index) the last line's index; -1 when the server has no history.
   */
  lastStep: number;
  /** The last `_runtime` in the history tail (seconds), or null when there is none. */
  lastRuntime: number | null;
  config: JsonObject;
  summary: JsonObject;
  tags: string[] | null;
  notes: string | null;
}

interface ResumeStatusData {
  model: {
    name: string;
    entity: { name: string } | null;
    bucket: Record<string, unknown> | null;
  } | null;
}

/**
 * Asks the server about a run; resolves null when the server has no such run. Throws SyncError when
 * the server cannot be asked (unreachable, timeout, an error answer).
 */
export async function fetchServerRun(remote: RemoteTarget, names: { entity: string | null; project: string; runId: string }, timeoutMs: number, signal: AbortSignal): Promise<ServerRun | null> {
  const http = new WandbHttp(remote, timeoutMs, signal);
  const data = await http.graphql<ResumeStatusData>('RunResumeStatus', RUN_RESUME_STATUS, { project: names.project, entity: names.entity, name: names.runId });
  const bucket = data.model?.bucket;
  if (!data.model || !bucket) return null;
  if (typeof bucket.id !== 'string') throw new SyncError('fatal', 'RunResumeStatus returned a run without id');
  const historyLines = count(bucket.historyLineCount);
  return {
    bucketId: bucket.id,
    entity: data.model.entity?.name ?? names.entity ?? '',
    project: data.model.name ?? names.project,
    displayName: typeof bucket.displayName === 'string' ? bucket.displayName : null,
    historyLines,
    eventLines: count(bucket.eventsLineCount),
    logLines: count(bucket.logLineCount),
    lastStep: resumeStep(lastStepOf(bucket.historyTail), historyLines),
    lastRuntime: lastRuntimeOf(bucket.historyTail),
    config: unwrapConfig(parseJsonString(bucket.config)),
    summary: objectOf(parseJsonString(bucket.summaryMetrics)),
    tags: Array.isArray(bucket.tags) ? bucket.tags.filter((t): t is string => typeof t === 'string') : null,
    notes: typeof bucket.notes === 'string' ? bucket.notes : null,
  };
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0);

/** A JSONString field (or an object a lenient server sent as is). */
function parseJsonString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return parseWandbJson(value);
  } catch {
    return null;
  }
}

const objectOf = (value: unknown): JsonObject => (isPlainObject(value) ? value : {});

/** The values of one key among the history tail's lines (a JSON array of JSON-line strings). */
function tailValues(historyTail: unknown, key: string): unknown[] {
  const tail = parseJsonString(historyTail);
  if (!Array.isArray(tail)) return [];
  return tail.map((item) => {
    const line = typeof item === 'string' ? parseJsonString(item) : item;
    return isPlainObject(line) ? line[key] : undefined;
  });
}

/** The largest `_step` among the history tail's lines. */
export function lastStepOf(historyTail: unknown): number {
  let last = -1;
  for (const step of tailValues(historyTail, '_step')) if (typeof step === 'number' && Number.isSafeInteger(step)) last = Math.max(last, step);
  return last;
}

/**
 * The step a resumed run continues after: the tail's last `_step`, or when its lines carry none (a run
 * logged by @wandb/sdk) the index of the server's last line, as the wire infers a missing `_step`.
 */
export function resumeStep(lastStep: number, historyLines: number): number {
  return lastStep < 0 && historyLines > 0 ? historyLines - 1 : lastStep;
}

/**
 * The largest `_runtime` among the history tail's lines; null when none has one. A resumed run starts
 * its clock that many seconds in the past, so that `_runtime` keeps growing as W&B's resume does.
 */
export function lastRuntimeOf(historyTail: unknown): number | null {
  let last: number | null = null;
  for (const runtime of tailValues(historyTail, '_runtime')) {
    if (typeof runtime === 'number' && Number.isFinite(runtime) && runtime >= 0) last = Math.max(last ?? 0, runtime);
  }
  return last;
}
