/** Glue between commander actions and the CLI's exit code. */

/** What a command does: resolves with its exit code (or nothing for 0); throws CliError on failure. */
export type CommandFn<A extends unknown[]> = (...args: A) => Promise<number | void>;

/** Wraps a command function as a commander action that records its exit code. */
export type Action = <A extends unknown[]>(fn: CommandFn<A>) => (...args: A) => Promise<void>;
