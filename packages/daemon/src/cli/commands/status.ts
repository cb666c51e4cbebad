/** `wandb-daemon status [--json]`: is a daemon running in this home, and what does it hold. */
import type { Command } from 'commander';
import type { StatusReply, SyncRunStatus } from '@wandb-daemon/protocol';
import { DaemonApi } from '../daemon-api.js';
import { EXIT, NotRunningError } from '../errors.js';
import { count, humanDuration } from '../format.js';
import { print, printNotRunning } from '../output.js';
import type { Action } from '../action.js';

export function registerStatus(program: Command, action: Action): void {
  program
    .command('status')
    .description('show whether the daemon is running and what it holds (exit code 3 when not running)')
    .option('--json', 'print the status as one JSON object')
    .action(action(status));
}

async function status(options: { json?: boolean }): Promise<number> {
  let text: string;
  try {
    text = await DaemonApi.connect().getText('/api/status');
  } catch (error) {
    if (!(error instanceof NotRunningError)) throw error;
    printNotRunning(options.json);
    return EXIT.NOT_RUNNING;
  }
  if (options.json) {
    print(text.trimEnd()); // exactly what the daemon returned
    return EXIT.OK;
  }
  print(humanStatus(JSON.parse(text) as StatusReply));
  return EXIT.OK;
}

export function humanStatus(s: StatusReply): string {
  const r = s.runs;
  const rows: [string, string][] = [
    ['pid', String(s.pid)],
    ['uptime', humanDuration(s.uptimeSeconds)],
    ['socket', s.socketPath],
    ['home', s.home],
    ['http port', s.httpPort === null ? '-' : `${s.httpPort} (127.0.0.1)`],
    ['clients', count(s.clients)],
    ['runs', `${count(r.total)} total: ${count(r.running)} running, ${count(r.finished)} finished, ${count(r.failed)} failed, ${count(r.crashed)} crashed`],
    ['rows', `${count(s.rows.stored)} stored, ${count(s.rows.unsynced)} unsynced, ${count(s.rows.dropped)} dropped`],
  ];
  if (s.sync) {
    const y = s.sync;
    rows.push(['sync', `${count(y.pending)} syncing, ${count(y.synced)} synced, ${count(y.failed)} failed, ${count(y.local)} local only`]);
  }
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  const lines = [`wandb-daemon ${s.version} is running (protocol ${s.protocolVersion})`, ...rows.map(([k, v]) => `  ${`${k}:`.padEnd(width)}  ${v}`)];
  for (const run of s.sync?.runs ?? []) lines.push(`    ${syncRunLine(run)}`);
  return lines.join('\n');
}

/** `run abc123 (project p) → https://host: failed: 401 Unauthorized ...` for one unfinished sync. */
export function syncRunLine(run: SyncRunStatus): string {
  const rows = `${count(run.syncedRows)} synced, ${count(run.unsyncedRows)} unsynced rows`;
  const detail = run.error ? `: ${run.error}` : '';
  const stop = run.stopRequested ? ' (server asked to stop the run)' : '';
  return `run ${run.runId} (project ${run.project}) → ${run.server}: ${run.state}, ${rows}${stop}${detail}`;
}
