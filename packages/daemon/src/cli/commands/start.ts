/** `wandb-daemon start [--foreground]`: attach to the running daemon or start one. */
import type { Command } from 'commander';
import { ensureDaemon } from '../../lifecycle/ensure-daemon.js';
import type { Action } from '../action.js';
import { CliError, EXIT, oneLine } from '../errors.js';
import { print } from '../output.js';

export function registerStart(program: Command, action: Action): void {
  program
    .command('start')
    .description('start the daemon in the background (or report the one already running)')
    .option('--foreground', 'run the daemon in this process, logging to stderr, until SIGINT/SIGTERM')
    .action(action(start));
}

async function start(options: { foreground?: boolean }): Promise<number> {
  if (options.foreground) return runInForeground();
  let ensured;
  try {
    ensured = await ensureDaemon({ program: 'wandb-daemon start' });
  } catch (error) {
    // DaemonStartError carries the daemon log's tail on the following lines: point at it instead.
    throw new CliError(`${oneLine(error)} (see: wandb-daemon logs)`);
  }
  ensured.connection.socket.destroy();
  print(`wandb-daemon running (pid ${ensured.discovery.pid}, socket ${ensured.discovery.socketPath})`);
  return EXIT.OK;
}

async function runInForeground(): Promise<number> {
  // Imported lazily: only this mode loads the daemon (SQLite, fastify).
  const { runDaemonProcess } = await import('../../main.js');
  return runDaemonProcess({ foreground: true });
}
