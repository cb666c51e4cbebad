/**
 * `wandb-daemon sync [RUN_ID...] [--all] [--project P] [--entity E]`: uploads stored runs to a
 * W&B-compatible server (`WANDB_BASE_URL`, key from `WANDB_API_KEY` or netrc). The daemon does the
 * upload (it keeps going if this command is interrupted, and follows a run that is still running);
 * this command assigns the remote, then shows progress until the selected runs' backlog as of now is
 * delivered. `--project`/`--entity` narrow the selection (runs keep their own project and entity).
 */
import { MultiBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import type { SyncedRun } from '@wandb-daemon/protocol';
import { netrcMachine, resolveApiKey, resolveBaseUrl } from '@wandb-daemon/protocol/credentials';
import type { RunView } from '../../http/queries.js';
import { ensureDaemon } from '../../lifecycle/ensure-daemon.js';
import type { Action } from '../action.js';
import { DaemonApi } from '../daemon-api.js';
import { CliError, EXIT, oneLine } from '../errors.js';
import { count } from '../format.js';
import { print, printError } from '../output.js';
import { socketRequest } from '../socket-request.js';

const POLL_MS = 250;

interface SyncOptions {
  all?: boolean;
  project?: string;
  entity?: string;
}

/** Registers `sync`. */
export function registerSync(program: Command, action: Action): void {
  program
    .command('sync')
    .description('upload stored runs (offline ones, or ones whose sync failed) to WANDB_BASE_URL and wait until delivered')
    .argument('[runs...]', 'run ids or pks (see: wandb-daemon runs)')
    .option('--all', 'every run without a server or whose sync failed')
    .option('--project <project>', 'only runs of this project')
    .option('--entity <entity>', 'only runs of this entity')
    .action(action(sync));
}

async function sync(runIds: string[], options: SyncOptions): Promise<number> {
  if (runIds.length === 0 && !options.all) throw new CliError('name the runs to sync, or pass --all (see: wandb-daemon runs)', EXIT.USAGE);
  const baseUrl = resolveBaseUrl();
  const apiKey = resolveApiKey(baseUrl);
  if (!apiKey) throw new CliError(`no API key for ${baseUrl}: set WANDB_API_KEY or add it to your netrc (machine ${netrcMachine(baseUrl)})`);
  let ensured;
  try {
    ensured = await ensureDaemon({ program: 'wandb-daemon sync' });
  } catch (error) {
    throw new CliError(`${oneLine(error)} (see: wandb-daemon logs)`);
  }
  let runs: SyncedRun[];
  try {
    const request = { t: 'sync' as const, remote: { baseUrl, apiKey }, runs: runIds, all: options.all ?? false, ...pick(options) };
    runs = (await socketRequest(ensured.connection, request)).runs;
  } finally {
    ensured.connection.socket.destroy();
  }
  if (runs.length === 0) {
    print('nothing to sync');
    return EXIT.OK;
  }
  return follow(DaemonApi.connect(ensured.paths), runs);
}

function pick(options: SyncOptions): { project?: string; entity?: string } {
  return { ...(options.project ? { project: options.project } : {}), ...(options.entity ? { entity: options.entity } : {}) };
}

type Outcome = 'waiting' | 'delivered' | 'failed';

/** Delivered: a run that had ended is fully synced; a running one has every line counted at the request. */
function outcomeOf(target: SyncedRun, view: RunView): Outcome {
  const s = view.sync;
  if (!s) return 'waiting';
  if (s.state === 'failed') return 'failed';
  if (s.state === 'synced') return 'delivered';
  if (target.state !== 'running') return 'waiting';
  const caughtUp = s.history.synced >= target.historyLines && s.events.synced >= target.eventLines && s.output.synced >= target.consoleLines;
  return caughtUp ? 'delivered' : 'waiting';
}

/** The line printed when a run is delivered (naming the files the server refused, if any). */
function deliveredLine(view: RunView): string {
  const s = view.sync!;
  const failed = (s.fileErrors ?? []).filter((f) => f.state === 'failed');
  const refused = failed.length > 0 ? `; not uploaded: ${failed.map((f) => `${f.path} (${f.error})`).join(', ')}` : '';
  return `synced run ${view.id} (project ${view.project}): ${count(s.history.synced)} history rows, ${count(s.output.synced)} console lines, ${count(s.files)} files${refused}`;
}

/** Polls the daemon until every run is delivered or failed; exit code 1 when one failed. */
async function follow(api: DaemonApi, runs: SyncedRun[]): Promise<number> {
  const progress = process.stdout.isTTY ? new Progress(runs) : null;
  const pending = new Map(runs.map((r) => [r.run, r]));
  const retrying = new Set<number>();
  let failed = 0;
  while (pending.size > 0) {
    for (const target of [...pending.values()]) {
      const view = await api.getJson<RunView>(`/api/runs/${target.run}`);
      progress?.update(target, view);
      const outcome = outcomeOf(target, view);
      if (outcome === 'waiting') {
        if (view.sync?.state === 'retrying' && !retrying.has(target.run)) {
          retrying.add(target.run);
          say(progress, `run ${view.id}: retrying (${view.sync.error ?? 'server unavailable'})`);
        }
        continue;
      }
      pending.delete(target.run);
      if (outcome === 'failed') {
        failed += 1;
        printError(`sync of run ${view.id} (project ${view.project}) failed: ${view.sync?.error ?? 'unknown error'}`);
      } else say(progress, deliveredLine(view));
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  progress?.stop(runs.length - failed);
  return failed > 0 ? EXIT.FAILURE : EXIT.OK;
}

function say(progress: Progress | null, line: string): void {
  if (progress) progress.log(line);
  else print(line);
}

/** One bar per run on a terminal: lines delivered out of lines stored. */
class Progress {
  private readonly bars: MultiBar;
  private readonly byRun = new Map<number, ReturnType<MultiBar['create']>>();

  constructor(runs: SyncedRun[]) {
    this.bars = new MultiBar({ format: ' {bar} {percentage}% | {run} | {value}/{total} lines', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
    for (const run of runs) this.byRun.set(run.run, this.bars.create(1, 0, { run: run.runId }));
  }

  update(target: SyncedRun, view: RunView): void {
    const s = view.sync;
    if (!s) return;
    const total = s.history.total + s.events.total + s.output.total;
    this.byRun.get(target.run)?.setTotal(Math.max(total, 1));
    this.byRun.get(target.run)?.update(s.history.synced + s.events.synced + s.output.synced, { run: target.runId });
  }

  log(line: string): void {
    this.bars.log(`${line}\n`);
  }

  stop(synced: number): void {
    this.bars.stop();
    print(`synced ${count(synced)} run${synced === 1 ? '' : 's'}`);
  }
}
