/**
 * The last resort of an exiting process whose daemon is gone: the event loop will not run again, so
 * a reconnect cannot happen here. A short-lived child process takes the records the daemon never
 * acknowledged and the finish, reaches (or starts) a daemon, reattaches each run, delivers them and
 * waits for the durable reply, while this process waits for it synchronously.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeBody, encodeBody, type Remote, type RunInfo } from '@wandb-daemon/protocol/lite';

export interface CourierRun {
  info: RunInfo;
  /** Where the run syncs; travels over the child's stdin pipe, never through a file or an argument. */
  remote: Remote | null;
  /** Unacknowledged records as `[seq, encoded record]`, in seq order. */
  records: [number, Uint8Array][];
  finish: { seq: number; exitCode: number };
}

const ENTRY = fileURLToPath(new URL('./courier-process.js', import.meta.url));

/** Delivers `runs` through a child process; returns the ids of the runs whose finish the daemon confirmed. */
export function deliverSync(runs: CourierRun[], timeoutMs: number): { confirmed: string[]; error?: string } {
  const result = spawnSync(process.execPath, [ENTRY], {
    input: encodeBody({ runs }),
    timeout: timeoutMs,
    maxBuffer: 1024 * 1024,
    env: process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (result.error) return { confirmed: [], error: result.error.message };
  try {
    return decodeBody(result.stdout) as { confirmed: string[]; error?: string };
  } catch {
    return { confirmed: [], error: `the courier exited with ${result.status ?? result.signal}: ${String(result.stderr).trim().slice(-500)}` };
  }
}
