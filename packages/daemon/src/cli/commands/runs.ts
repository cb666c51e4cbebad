/** `wandb-daemon runs [--json]`: every run the daemon stores, newest first. */
import type { Command } from 'commander';
import type { RunView } from '../../http/queries.js';
import type { Action } from '../action.js';
import { DaemonApi } from '../daemon-api.js';
import { EXIT, NotRunningError } from '../errors.js';
import { count, humanDuration, localDateTime, table } from '../format.js';
import { print, printNotRunning } from '../output.js';

export function registerRuns(program: Command, action: Action): void {
  program
    .command('runs')
    .description('list the runs the daemon stores, newest first (exit code 3 when not running)')
    .option('--json', 'print the runs as a JSON array')
    .action(action(runs));
}

async function runs(options: { json?: boolean }): Promise<number> {
  let list: RunView[];
  try {
    list = (await DaemonApi.connect().getJson<{ runs: RunView[] }>('/api/runs')).runs;
  } catch (error) {
    if (!(error instanceof NotRunningError)) throw error;
    printNotRunning(options.json);
    return EXIT.NOT_RUNNING;
  }
  if (options.json) print(JSON.stringify(list));
  else print(list.length === 0 ? 'no runs' : runsTable(list));
  return EXIT.OK;
}

const RIGHT = new Set([0, 4, 5, 6, 8]);

export function runsTable(list: RunView[], nowSeconds = Date.now() / 1000): string {
  const rows = list.map((run) => [
    String(run.pk),
    run.id,
    run.entity ? `${run.entity}/${run.project}` : run.project,
    run.state,
    count(run.historyRows),
    run.lastStep < 0 ? '-' : String(run.lastStep),
    count(run.droppedRows),
    localDateTime(run.startTime),
    humanDuration((run.finishedAt ?? nowSeconds) - run.startTime),
    syncCell(run.sync),
  ]);
  return table(['PK', 'ID', 'PROJECT', 'STATE', 'ROWS', 'LAST STEP', 'DROPPED', 'STARTED', 'RUNTIME', 'SYNC'], rows, RIGHT);
}

/** `-` (local only), `synced`, `failed`, `syncing 1,200/5,000`, `retrying 1,200/5,000`. */
export function syncCell(sync: RunView['sync'] | undefined): string {
  if (!sync) return '-';
  if (sync.state === 'synced' || sync.state === 'failed') return sync.state;
  return `${sync.state} ${count(sync.history.synced)}/${count(sync.history.total)}`;
}
