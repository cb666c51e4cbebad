import { generateRunName, ProtocolError, type RunStart, type RunStartReply } from '@wandb-daemon/protocol';
import { isProcessAlive } from '../../lifecycle/process-alive.js';
import type { RunRow } from '../../store/run-store.js';
import type { HandlerContext } from '../context.js';
import type { ClientConnection } from '../connection.js';

/** Starts, resumes or reattaches a run, applying the resume policy against the store. */
export function handleRunStart(ctx: HandlerContext, conn: ClientConnection, msg: RunStart): RunStartReply {
  // Commit what is queued first, so that an overwrite or resume sees every earlier record.
  ctx.queue.flush();
  const { run: info, resume } = msg;
  const existing = ctx.runs.find(info.entity, info.project, info.runId);
  if (existing) assertNotInUse(ctx, conn, existing);
  if (resume === 'never' && existing) {
    throw new ProtocolError('RUN_EXISTS', `run ${info.runId} already exists in project ${info.project}; resume="never" refuses to reuse it`);
  }
  if (resume === 'must' && !existing) {
    throw new ProtocolError('RUN_NOT_FOUND', `resume="must" but run ${info.runId} does not exist in project ${info.project}`);
  }
  const resuming = existing !== undefined && resume !== 'overwrite';
  const pk = ctx.db.transaction(() => {
    if (resuming) {
      ctx.runs.resume(existing, info, resume !== 'reattach');
      return existing.pk;
    }
    if (existing) ctx.runs.delete(existing.pk);
    return ctx.runs.create(info.name === null ? { ...info, name: generateRunName() } : info);
  })();
  // An overwritten run may have been attached here (a second init with the same id): forget it.
  if (existing && !resuming) ctx.registry.detach(existing.pk);
  const active = ctx.runs.load(pk);
  ctx.registry.attach(active, conn);
  ctx.log.info({ run: pk, runId: info.runId, project: info.project, resume, resumed: resuming }, 'run attached');
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
