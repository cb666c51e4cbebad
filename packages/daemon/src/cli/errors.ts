/** Exit codes and the one error type the CLI reports as a single line. */

/** What the CLI's exit codes mean (documented in `wandb-daemon --help`). */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  NOT_RUNNING: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as `wandb-daemon: <message>` with `exitCode`, never with a stack. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.FAILURE) {
    super(message);
    this.name = 'CliError';
  }
}

/** No daemon answers in the current home (no discovery file, dead pid, or connection refused). */
export class NotRunningError extends CliError {
  constructor(readonly home: string) {
    super(`wandb-daemon is not running (home ${home})`, EXIT.NOT_RUNNING);
    this.name = 'NotRunningError';
  }
}

/** The first line of an error's message: multi-line messages (e.g. with a log tail) stay one line. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim() || (error instanceof Error ? error.name : 'unknown error');
}
