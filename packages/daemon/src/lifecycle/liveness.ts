/**
 * The liveness policy, in one place:
 * - The daemon exits on its own only when it is idle: no client connected, nothing left to sync, and
 *   both true for the whole idle timeout (`WANDB_DAEMON_IDLE_TIMEOUT` seconds, default 600; 0 = never).
 * - SIGINT, SIGTERM and SIGHUP stop it: stop accepting, commit what is queued, close the database,
 *   remove the socket and the discovery file, release the start lock.
 * - It never exits because a client misbehaved.
 */
import { envSecondsMs } from '../env-seconds.js';

export const DEFAULT_IDLE_TIMEOUT_SECONDS = 600;

/** Reads the idle timeout from the environment, in milliseconds (0 disables idle exit). */
export function idleTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  return envSecondsMs(env, 'WANDB_DAEMON_IDLE_TIMEOUT', DEFAULT_IDLE_TIMEOUT_SECONDS);
}

/** What the monitor asks the daemon. */
export interface IdleProbes {
  clients(): number;
  syncBacklog(): number;
}

/** Calls `onIdle` once the daemon has been idle for `timeoutMs`. */
export class IdleMonitor {
  private idleSince: number | null = null;
  private fired = false;
  private readonly timer: NodeJS.Timeout | null;

  constructor(private readonly timeoutMs: number, private readonly probes: IdleProbes, private readonly onIdle: () => void) {
    const interval = Math.max(50, Math.min(timeoutMs / 4, 5_000));
    this.timer = timeoutMs > 0 ? setInterval(() => this.check(), interval) : null;
    this.timer?.unref();
  }

  /** Re-evaluates idleness now (also called when a client disconnects). */
  check(now = Date.now()): void {
    if (this.timeoutMs <= 0 || this.fired) return;
    const idle = this.probes.clients() === 0 && this.probes.syncBacklog() === 0;
    if (!idle) {
      this.idleSince = null;
      return;
    }
    this.idleSince ??= now;
    if (now - this.idleSince >= this.timeoutMs) {
      this.fired = true;
      this.stop();
      this.onIdle();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
