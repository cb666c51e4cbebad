/** JSON shapes of runs in the read API (values as parsed; the route makes them strict JSON). */
import { parseJsonObject } from '@wandb-daemon/protocol';
import type { RunRecord } from '../store/server-store.js';
import { unwrapConfig } from '../store/wrapped-config.js';

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/** Seconds the run has been running: the summary's `_runtime` when logged, else wall time seen. */
function runtimeOf(run: RunRecord, summary: Record<string, unknown>): number {
  const logged = summary._runtime;
  return typeof logged === 'number' && Number.isFinite(logged) ? logged : Math.max(0, run.heartbeatAt - run.createdAt);
}

/** A run's stored (wrapped) config, parsed; {} when it is not a JSON object. */
export function parseRunConfig(run: RunRecord): Record<string, unknown> {
  return parseJsonObject(run.config) ?? {};
}

/** A run as listed: metadata, state, times, config (plain values) and summary. */
export function runListJson(run: RunRecord) {
  return listJson(run, parseRunConfig(run));
}

/** runListJson of `run` whose config parsed to `config`. */
function listJson(run: RunRecord, config: Record<string, unknown>) {
  const summary = (parseJsonObject(run.summary) ?? {});
  return {
    id: run.storageId,
    entity: run.project.entity.name,
    project: run.project.name,
    name: run.name,
    displayName: run.displayName,
    state: run.state,
    createdAt: iso(run.createdAt),
    heartbeatAt: iso(run.heartbeatAt),
    runtime: runtimeOf(run, summary),
    tags: run.tags,
    group: run.group,
    jobType: run.jobType,
    config: unwrapConfig(config),
    summary,
  };
}

/**
 * One run in full: everything listed, plus exit code, raw config, line counts and stop flag.
 * `config` is parseRunConfig(run), parsed once by the caller.
 */
export function runDetailJson(run: RunRecord, config: Record<string, unknown>) {
  return {
    ...listJson(run, config),
    description: run.description,
    notes: run.notes,
    host: run.host,
    program: run.program,
    repo: run.repo,
    commit: run.commit,
    sweep: run.sweep,
    exitcode: run.exitcode,
    stopRequested: run.stopRequested,
    updatedAt: iso(run.updatedAt),
    configWrapped: config,
    historyLineCount: run.historyLineCount,
    eventsLineCount: run.eventsLineCount,
    logLineCount: run.logLineCount,
  };
}
