/**
 * The process-wide side of the API: `init` (with W&B's reinit and resume rules and its choice between
 * online and offline), the current run behind `wandb.run` / `wandb.log`, the one daemon link shared by
 * all runs, and the exit hooks that finish live runs when the script ends however it ends.
 */
import { homedir, hostname } from 'node:os';
import { netrcLabel } from '@wandb-daemon/protocol/credentials';
import { generateRunName, ProtocolError, type FinishReply, type ResumePolicy, type RunInfo } from '@wandb-daemon/protocol/lite';
import { connectToDaemon, DaemonStartError } from '@wandb-daemon/daemon/ensure';
import { termlog, termwarn, termwarnOnce, type Terminal } from './console.js';
import { captureConsole } from './console-capture.js';
import { UsageError, WandbError } from './errors.js';
import { installExitHooks, onExitAfterRuns } from './exit-hooks.js';
import {
  clearResumeState,
  generateRunId,
  readResumeState,
  resolveInitOptions,
  writeResumeState,
  type InitOptions,
  type ResolvedInit,
} from './options/index.js';
import { appUrl, resolveRunTarget, type RunTarget } from './remote.js';
import { DaemonBackend, DisabledBackend, Run } from './run.js';
import { DaemonLink } from './transport/link.js';
import { normalizeObject } from './values.js';

/** The current run (`wandb.run`): the latest run from `init`, until it finishes. */
export let run: Run | null = null;

/** Runs of this process that have not finished, oldest first. */
const liveRuns: Run[] = [];
/** One link per daemon home, shared by every run of the process. */
const links = new Map<string, Promise<DaemonLink>>();

/** Runs that are not finished yet, oldest first. */
export function activeRuns(): readonly Run[] {
  return liveRuns;
}

/**
 * Starts a run (W&B's `wandb.init`). Invalid options throw a UsageError before anything is created.
 * Resolves once the daemon has the run, so every later call is local and cheap. An online run needs
 * an API key (see {@link resolveRunTarget}); without one it runs offline with a warning, or, with
 * `force: true`, init throws a UsageError. Nothing here touches the network: the daemon syncs.
 */
export async function init(options?: InitOptions): Promise<Run> {
  const resolved = await resolveInitOptions(options, process.env, process.cwd());
  const term: Terminal = { silent: resolved.silent };
  const target = resolved.mode === 'disabled' ? null : resolveRunTarget(resolved, process.env);
  if (target?.notLoggedIn && resolved.force) throw notLoggedIn(target.baseUrl);
  for (const name of resolved.unsupported) {
    termwarnOnce(term, `unsupported:${name}`, `init option "${name}" has no effect in this runtime yet; it is stored in the run's settings`);
  }
  const previous = liveRuns.at(-1);
  if (previous) {
    if (resolved.reinit === 'return_previous') {
      termwarnOnce(term, 'reinit', `init() returned the active run ${previous.name} (${previous.id}); pass reinit: 'finish_previous' or 'create_new' for a new run`);
      return previous;
    }
    if (resolved.reinit === 'finish_previous') await Promise.all(liveRuns.map((r) => r.finish()));
  }
  const created = target === null ? createDisabledRun(resolved) : await createDaemonRun(goOfflineIfNeeded(resolved, target, term), target, term);
  liveRuns.push(created);
  if (resolved.reinit !== 'create_new' || run === null) run = created;
  if (created.mode !== 'disabled') installExitHooks(() => liveRuns);
  return created;
}

/** The error of `init({ force: true })` for an online run without an API key. Names where keys are looked for. */
function notLoggedIn(baseUrl: string): UsageError {
  const netrc = netrcLabel(baseUrl, process.env);
  return new UsageError(
    `Not logged in to ${baseUrl}: no API key in settings.apiKey, login(), WANDB_API_KEY or ${netrc}, and force: true refuses to run offline. Call login() or set WANDB_API_KEY.`,
  );
}

/** An online run without a key runs offline: said once per server, with how to log in and upload it later. */
function goOfflineIfNeeded(resolved: ResolvedInit, target: RunTarget, term: Terminal): ResolvedInit {
  if (!target.notLoggedIn) return resolved;
  termwarnOnce(
    term,
    `not-logged-in:${target.baseUrl}`,
    `not logged in to ${target.baseUrl}: runs are offline, kept by the local daemon. Call login() or set WANDB_API_KEY, then upload them with \`wandb-daemon sync\` (force: true makes init fail instead).`,
  );
  return { ...resolved, mode: 'offline' };
}

/** Finishes the current run (W&B's `wandb.finish`); does nothing when there is none. */
export async function finish(exitCode?: number): Promise<void> {
  await run?.finish(exitCode);
}

/** The current run, or W&B's error naming the call that needed one. */
export function requireRun(what: string): Run {
  if (run === null) throw new WandbError(`You must call wandb.init() before ${what}`);
  return run;
}

function createDisabledRun(resolved: ResolvedInit): Run {
  const now = Date.now() / 1000;
  const info = runInfo(resolved, resolved.runId ?? generateRunId(), now);
  return new Run({
    info: { ...info, name: info.name ?? generateRunName() },
    backend: new DisabledBackend(),
    dir: resolved.dir,
    mode: 'disabled',
    startingStep: 0,
    resumed: false,
    summary: {},
    allowValChange: resolved.allowValChange,
    strictSteps: resolved.strictSteps,
    baseUrl: null,
    warn: () => {},
    onFinished: (finished) => forget(finished),
  });
}

async function createDaemonRun(resolved: ResolvedInit, target: RunTarget, term: Terminal): Promise<Run> {
  const fromResumeFile = resolved.resume === 'auto' && resolved.runId === null ? await readResumeState(resolved.dir) : null;
  const runId = resolved.runId ?? fromResumeFile ?? generateRunId();
  const info = runInfo(resolved, runId, Date.now() / 1000);
  const link = await linkFor(resolved, term);
  let started;
  try {
    started = await link.startRun(info, resumePolicy(resolved), target.remote);
  } catch (error) {
    if (error instanceof ProtocolError && ['RUN_EXISTS', 'RUN_NOT_FOUND', 'RUN_IN_USE', 'BAD_MESSAGE'].includes(error.code)) {
      throw new UsageError(error.message);
    }
    throw error;
  }
  const { run: linkRun, reply } = started;
  // The stored config (merged on resume) becomes the run's live config; the link reattaches with it.
  info.config = reply.config;
  info.startTime = reply.startTime;
  info.name = reply.name;
  const where = target.remote ? `syncing to ${target.baseUrl} in the background` : 'offline';
  const location = `${where}, stored by the daemon (pid ${link.daemonPid ?? '?'}) in ${tildify(link.daemonHome ?? '?')}`;
  let stopCapture: (() => void) | null = null;
  const created: Run = new Run({
    info,
    backend: new DaemonBackend(link, linkRun, reply.lastSeq),
    dir: resolved.dir,
    mode: resolved.mode,
    startingStep: reply.startingStep,
    resumed: reply.resumed,
    summary: reply.summary,
    allowValChange: resolved.allowValChange,
    strictSteps: resolved.strictSteps,
    baseUrl: appUrl(target.baseUrl),
    warn: (message) => termwarn(term, message),
    // Held console lines become the run's last records, before its finish; later output is not the run's.
    beforeFinish: () => stopCapture?.(),
    onFinished: (finished, exitCode, finishReply) => onDaemonRunFinished(finished, exitCode, finishReply, resolved, target, term),
  });
  if (resolved.resume === 'auto') await writeResumeState(resolved.dir, runId);
  // Before the "Tracking run" line, so that the run's output.log starts with it, as W&B's does.
  if (resolved.console !== 'off') {
    stopCapture = captureConsole({ lines: (stream, ts, lines) => created.backend.record({ t: 'console', stream, ts, lines }) });
  }
  const verb = reply.resumed ? 'Resuming' : 'Tracking';
  termlog(term, `${verb} run ${created.name} (${created.id}) in project ${created.project}${created.url ? ` at ${created.url}` : ''}; ${location}`);
  return created;
}

/** A path under the home directory as `~/...`, as shells show it. */
function tildify(path: string): string {
  const home = homedir();
  return home && path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

function runInfo(resolved: ResolvedInit, runId: string, startTime: number): RunInfo {
  return {
    runId,
    entity: resolved.entity,
    project: resolved.project,
    name: resolved.name,
    group: resolved.group,
    jobType: resolved.jobType,
    tags: resolved.tags,
    notes: resolved.notes,
    config: normalizeObject(resolved.config, 'init() config'),
    host: hostname(),
    program: process.argv[1] ?? null,
    pid: process.pid,
    mode: resolved.mode === 'offline' ? 'offline' : 'online',
    settings: resolved.settings,
    startTime,
  };
}

/** W&B's resume argument as the daemon's policy for an existing run with the same id. */
function resumePolicy(resolved: ResolvedInit): ResumePolicy {
  switch (resolved.resume) {
    case 'none':
      return 'overwrite';
    case 'auto':
      return 'allow';
    default:
      return resolved.resume;
  }
}

function linkFor(resolved: ResolvedInit, term: Terminal): Promise<DaemonLink> {
  const home = process.env.WANDB_DAEMON_HOME ?? '';
  let link = links.get(home);
  if (!link) {
    link = openLink(resolved, term);
    links.set(home, link);
    link.catch(() => links.delete(home));
  }
  return link;
}

async function openLink(resolved: ResolvedInit, term: Terminal): Promise<DaemonLink> {
  const options = {
    timeoutMs: resolved.initTimeoutMs,
    maxBufferedBytes: resolved.maxBufferedBytes,
    program: process.argv[1] ?? 'node',
  };
  let link: DaemonLink;
  try {
    link = await DaemonLink.open(options);
  } catch (error) {
    if (!(error instanceof DaemonStartError) || !resolved.fallback) throw error;
    termwarn(term, `no daemon could be started (${error.message.split('\n')[0]}); settings.fallback: running the daemon inside this process`);
    link = await openEmbeddedLink(options, error);
  }
  link.onWarning = (message) => termwarn(term, message);
  return link;
}

/** `settings.fallback`: the daemon runs in this process (on a worker thread), on the same home and store. */
async function openEmbeddedLink(options: { timeoutMs: number; maxBufferedBytes: number; program: string }, cause: Error): Promise<DaemonLink> {
  const { startEmbeddedDaemon } = await import('@wandb-daemon/daemon/embedded');
  let embedded;
  try {
    // The home as the daemon resolves it (WANDB_DAEMON_HOME, else ~/.wandb-daemon), like a forked daemon.
    embedded = await startEmbeddedDaemon({ stopAtExit: false });
  } catch (error) {
    throw new DaemonStartError(`${cause.message}\nand the in-process fallback failed too: ${(error as Error).message}`, '');
  }
  // At exit the runs are finished first, then the daemon is stopped so that it frees the home.
  installExitHooks(() => liveRuns);
  onExitAfterRuns(() => embedded.stopBlocking());
  const { paths } = embedded;
  return DaemonLink.open({
    ...options,
    connect: async () => ({ connection: await connectToDaemon(paths.socket, options.timeoutMs, options.program), home: paths.home }),
  });
}

function onDaemonRunFinished(finished: Run, exitCode: number, reply: FinishReply | null, resolved: ResolvedInit, target: RunTarget, term: Terminal): void {
  forget(finished);
  if (resolved.resume === 'auto' && exitCode === 0) {
    try {
      clearResumeState(resolved.dir);
    } catch (error) {
      termwarn(term, `could not forget the resumable run in ${resolved.dir}: ${(error as Error).message}`);
    }
  }
  const state = reply?.state ?? (exitCode === 0 ? 'finished' : 'failed');
  // Without a reply (finished at exit, synchronously) the daemon confirmed it all the same.
  const rows = reply ? `${reply.rows.toLocaleString('en-US')} history rows stored` : 'durable in the daemon';
  const dropped = finished.droppedSteps > 0 ? `, ${finished.droppedSteps} log calls dropped for out-of-order steps` : '';
  const sync = target.remote ? `; syncing to ${target.baseUrl} in the background` : '; offline: `wandb-daemon sync` uploads it';
  termlog(term, `Run ${finished.name} (${finished.id}) ${state}${exitCode !== 0 ? ` with exit code ${exitCode}` : ''}: ${rows}${dropped}${sync}. See \`wandb-daemon runs\`.`);
}

function forget(finished: Run): void {
  const i = liveRuns.indexOf(finished);
  if (i >= 0) liveRuns.splice(i, 1);
  if (run === finished) run = null;
}
