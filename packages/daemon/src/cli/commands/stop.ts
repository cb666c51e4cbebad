/** `wandb-daemon stop`: SIGTERM the running daemon and wait until it has exited. */
import type { Command } from 'commander';
import type { Action } from '../action.js';
import { isProcessAlive } from '../../lifecycle/process-alive.js';
import { currentPaths, liveDiscovery } from '../daemon-api.js';
import { CliError, EXIT } from '../errors.js';
import { print, printNotRunning } from '../output.js';

export const STOP_TIMEOUT_MS = 15_000;

export function registerStop(program: Command, action: Action): void {
  program
    .command('stop')
    .description(`stop the daemon: it commits what is queued, then exits (waits up to ${STOP_TIMEOUT_MS / 1000} s)`)
    .action(action(stop));
}

async function stop(): Promise<number> {
  const discovery = liveDiscovery(currentPaths());
  if (!discovery) {
    printNotRunning();
    return EXIT.OK;
  }
  const { pid } = discovery;
  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') {
      printNotRunning();
      return EXIT.OK;
    }
    throw new CliError(`cannot signal the daemon (pid ${pid}): ${code ?? (error as Error).message}`);
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) {
      throw new CliError(`the daemon (pid ${pid}) did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM (see: wandb-daemon logs)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  print(`stopped (pid ${pid})`);
  return EXIT.OK;
}
