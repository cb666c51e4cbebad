import { generateRunName, ProtocolError, type RunInfo, type RunStart, type RunStartReply } from '@wandb-daemon/protocol';
import { isProcessAlive } from '../../lifecycle/process-alive.js';
import type { RunRow } from '../../store/run-store.js';
import { fetchServerRun, type ServerRun } from '../../sync/resume-status.js';
import { DEFERRED, replyFailure, type HandlerContext } from '../context.js';
import type { ClientConnection } from '../connection.js';

/**
 * Starts, resumes or reattaches a run, applying the resume policy against the store, and records the
 * run's remote (present: set; null: none; absent: keep). A run this daemon does not know, started
 * with a remote and resume `must`/`allow`/`never`, is first looked up on the server (RunResumeStatus):
 * the reply is then deferred until the server answered, so the socket keeps serving other clients.
 */
export function handleRunStart(ctx: HandlerContext, conn: ClientConnection, msg: RunStart): RunStartReply | typeof DEFERRED {
  // Commit what is queued first, so that an overwrite or resume sees every earlier record.
  ctx.queue.flush();
  assertNotStarting(ctx, msg.run);
  const existing = ctx.runs.find(msg.run.entity, msg.run.project, msg.run.runId);
  if (!existing && msg.remote && (msg.resume === 'must' || msg.resume === 'allow' || msg.resume === 'never')) {
    void startFromServer(ctx, conn, msg);
    return DEFERRED;
  }
  return startLocally(ctx, conn, msg, existing, null);
}

const identity = (info: RunInfo) => `${info.entity ?? ''}/${info.project}/${info.runId}`;

/** A start of the same run is waiting for the server: refuse this one rather than race it. */
function assertNotStarting(ctx: HandlerContext, info: RunInfo): void {
  if (ctx.pendingStarts.has(identity(info))) {
    throw new ProtocolError('RUN_IN_USE', `run ${info.runId} is being started by another process (waiting for the server's answer)`);
  }
}

/** Asks the server about the run, then starts it locally (continuing the server's run if it has one). */
async function startFromServer(ctx: HandlerContext, conn: ClientConnection, msg: RunStart): Promise<void> {
  const key = identity(msg.run);
  ctx.pendingStarts.add(key);
  try {
    const server = await askServer(ctx, msg);
    // The client left while we waited: nothing would ever finish or crash a run attached to it.
    if (conn.closed) return;
    if (msg.resume === 'never' && server) throw new ProtocolError('RUN_EXISTS', `run ${msg.run.runId} already exists on the server in project ${server.project}; resume="never" refuses to reuse it`);
    if (msg.resume === 'must' && !server) throw new ProtocolError('RUN_NOT_FOUND', `resume="must" but run ${msg.run.runId} exists neither here nor on the server in project ${msg.run.project}`);
    ctx.queue.flush();
    // Another start (without a remote) may have created the run meanwhile: then it is resumed locally.
    const existing = ctx.runs.find(msg.run.entity, msg.run.project, msg.run.runId);
    conn.reply(msg.id, startLocally(ctx, conn, msg, existing, existing ? null : server));
  } catch (error) {
    replyFailure(ctx, conn, msg, error);
  } finally {
    ctx.pendingStarts.delete(key);
  }
}

/** The server's run, null when it has none; unreachable: an error for `must`, else a warning and null. */
async function askServer(ctx: HandlerContext, msg: RunStart): Promise<ServerRun | null> {
  const remote = msg.remote!;
  const names = { entity: msg.run.entity, project: msg.run.project, runId: msg.run.runId };
  try {
    return await fetchServerRun(remote, names, ctx.syncer.settings.resumeTimeoutMs, ctx.syncer.signal);
  } catch (error) {
    const reason = (error as Error).message;
    if (msg.resume === 'must') {
      throw new ProtocolError('RUN_NOT_FOUND', `resume="must": cannot ask ${new URL(remote.baseUrl).origin} whether run ${msg.run.runId} exists: ${reason}`);
    }
    ctx.log.warn({ runId: msg.run.runId, project: msg.run.project, resume: msg.resume, reason }, 'cannot ask the server about the run; starting it locally');
    return null;
  }
}

/** Applies the resume policy against the store, creates/resumes the run, and attaches it to `conn`. */
function startLocally(ctx: HandlerContext, conn: ClientConnection, msg: RunStart, existing: RunRow | undefined, server: ServerRun | null): RunStartReply {
  const { run: info, resume } = msg;
  if (existing) assertNotInUse(ctx, conn, existing);
  if (resume === 'never' && existing) {
    throw new ProtocolError('RUN_EXISTS', `run ${info.runId} already exists in project ${info.project}; resume="never" refuses to reuse it`);
  }
  if (resume === 'must' && !existing && !server) {
    throw new ProtocolError('RUN_NOT_FOUND', `resume="must" but run ${info.runId} does not exist in project ${info.project}`);
  }
  const resuming = (existing !== undefined && resume !== 'overwrite') || server !== null;
  const pk = ctx.db.transaction(() => {
    const pk = storeRun(ctx, msg, existing, server);
    if (msg.remote !== undefined) ctx.syncer.store.setRemote(pk, msg.remote);
    if (server) ctx.syncer.store.seedFromServer(pk, { bucketId: server.bucketId, entity: server.entity, project: server.project, history: server.historyLines, events: server.eventLines, output: server.logLines });
    return pk;
  })();
  // An overwritten run may have been attached here (a second init with the same id): forget it.
  if (existing && existing.pk !== pk) ctx.registry.detach(existing.pk);
  const active = ctx.runs.load(pk);
  ctx.registry.attach(active, conn);
  ctx.syncer.poke(pk);
  ctx.log.info({ run: pk, runId: info.runId, project: info.project, resume, resumed: resuming, fromServer: server !== null }, 'run attached');
  return {
    run: pk,
    runId: active.runId,
    name: ctx.runs.get(pk)?.name ?? active.runId,
    startingStep: active.lastStep + 1,
    resumed: resuming,
    lastSeq: active.lastSeq,
    startTime: active.startTime,
    config: active.config,
    summary: active.summary,
  };
}

/** Inside the transaction: resumes, overwrites or creates the run's row; returns its pk. */
function storeRun(ctx: HandlerContext, msg: RunStart, existing: RunRow | undefined, server: ServerRun | null): number {
  const { run: info, resume } = msg;
  if (existing && resume !== 'overwrite') {
    ctx.runs.resume(existing, info, resume !== 'reattach');
    // A run that had ended is upserted again and will send a new `complete` at its next end.
    if (existing.state !== 'running') ctx.syncer.store.reopen(existing.pk);
    return existing.pk;
  }
  if (existing) ctx.runs.delete(existing.pk);
  if (!server) return ctx.runs.create(info.name === null ? { ...info, name: generateRunName() } : info);
  const pk = ctx.runs.create({
    ...info,
    // The server's run has been running for its last `_runtime`: continue that clock, not restart it.
    startTime: server.lastRuntime === null ? info.startTime : Date.now() / 1000 - server.lastRuntime,
    name: info.name ?? server.displayName ?? generateRunName(),
    config: { ...server.config, ...info.config },
    tags: info.tags.length > 0 ? info.tags : (server.tags ?? []),
    notes: info.notes ?? server.notes,
  });
  ctx.runs.seedCounters(pk, { historyLines: server.historyLines, eventLines: server.eventLines, consoleLines: server.logLines, lastStep: server.lastStep, summary: server.summary });
  return pk;
}

/**
 * A run being written by another live connection cannot be taken over. (A connection that closed has
 * had its disconnect committed by the flush above, so it no longer holds the run.)
 */
function assertNotInUse(ctx: HandlerContext, conn: ClientConnection, row: RunRow): void {
  const attached = ctx.registry.get(row.pk);
  if (attached && attached.owner !== conn && !attached.owner.closed) {
    throw new ProtocolError('RUN_IN_USE', `run ${row.run_id} is being written by another process (pid ${row.pid ?? 'unknown'})`);
  }
  if (!attached && row.state === 'running' && row.pid !== null && row.pid !== conn.hello?.pid && isProcessAlive(row.pid)) {
    ctx.log.info({ run: row.pk, pid: row.pid }, 'taking over a run whose live writer has not reattached');
  }
}
