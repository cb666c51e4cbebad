/**
 * What the library prints: W&B's `wandb: ` prefixed lines on stderr, a line at init and at finish,
 * and warnings, each said once. `WANDB_SILENT` (or `settings.silent`) silences all but errors.
 */
const said = new Set<string>();

export interface Terminal {
  silent: boolean;
}

export function termlog(term: Terminal, message: string): void {
  if (!term.silent) process.stderr.write(`wandb: ${message}\n`);
}

export function termwarn(term: Terminal, message: string): void {
  if (!term.silent) process.stderr.write(`wandb: WARNING ${message}\n`);
}

/** Warns once per process for a given `key`. */
export function termwarnOnce(term: Terminal, key: string, message: string): void {
  if (said.has(key)) return;
  said.add(key);
  termwarn(term, message);
}
