/**
 * The `wandb-daemon` command line: builds the commander program and runs it, turning every outcome
 * into an exit code (0 ok, 1 failure, 2 bad usage or unknown run, 3 not running). Errors are reported
 * as one line on stderr, never with a stack trace.
 */
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { PACKAGE_VERSION } from '@wandb-daemon/protocol';
import type { Action } from './action.js';
import { registerExport } from './commands/export.js';
import { registerLogs } from './commands/logs.js';
import { registerRuns } from './commands/runs.js';
import { registerStart } from './commands/start.js';
import { registerStatus } from './commands/status.js';
import { registerStop } from './commands/stop.js';
import { registerSync } from './commands/sync.js';
import { CliError, EXIT, oneLine } from './errors.js';
import { printError } from './output.js';

const EXIT_CODES_HELP = `
Exit codes: 0 ok, 1 failure, 2 bad usage or unknown run, 3 daemon not running.
Environment: WANDB_DAEMON_HOME (default ~/.wandb-daemon), WANDB_DAEMON_IDLE_TIMEOUT, WANDB_DAEMON_LOG_LEVEL;
sync: WANDB_BASE_URL, WANDB_API_KEY (or netrc), WANDB_DAEMON_SYNC_* (see src/sync/sync-settings.ts).`;

/** Builds the program; `action` wraps each command so that its exit code is recorded. */
export function buildProgram(action: Action): Command {
  const program = new Command('wandb-daemon')
    .description('Local daemon for W&B runs: durable ingest, a SQLite store and a local HTTP API.')
    .version(PACKAGE_VERSION, '-V, --version', 'print the version')
    .option('--home <dir>', 'daemon home directory (sets WANDB_DAEMON_HOME)')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride() // inherited by the subcommands declared below
    .showSuggestionAfterError(true);
  program.hook('preAction', (thisCommand) => {
    const home = (thisCommand.opts() as { home?: string }).home;
    if (home !== undefined) {
      if (home.trim() === '') throw new CliError('--home needs a directory', EXIT.USAGE);
      process.env.WANDB_DAEMON_HOME = resolve(home);
    }
  });
  registerStart(program, action);
  registerStop(program, action);
  registerStatus(program, action);
  registerRuns(program, action);
  registerExport(program, action);
  registerLogs(program, action);
  registerSync(program, action);
  return program;
}

/** Runs the CLI on `argv` (as in process.argv) and resolves with the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.OK;
  const action: Action =
    (fn) =>
    async (...args) => {
      exitCode = (await fn(...args)) ?? EXIT.OK;
    };
  try {
    await buildProgram(action).parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    // Commander already printed its message (or the help / the version).
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    printError(oneLine(error));
    return error instanceof CliError ? error.exitCode : EXIT.FAILURE;
  }
}
