/**
 * The syncer's knobs, read once from the environment (tests shrink the times). Every value is in
 * milliseconds, bytes or counts:
 *
 *   WANDB_DAEMON_SYNC_BACKOFF_MIN_MS   least retry delay, and the first one's ceiling (default 2000)
 *   WANDB_DAEMON_SYNC_BACKOFF_MAX_MS   largest retry delay (default 60000)
 *   WANDB_DAEMON_SYNC_INTERVAL_MS      least time between two file_stream sends of a run (default 1000)
 *   WANDB_DAEMON_SYNC_HEARTBEAT_MS     heartbeat of a running run with nothing to send (default 30000)
 *   WANDB_DAEMON_SYNC_DEBOUNCE_MS      delay before a config/tags/notes change is upserted (default 5000)
 *   WANDB_DAEMON_SYNC_TIMEOUT_MS       timeout of one request; of inactivity for an upload PUT (default 60000)
 *   WANDB_DAEMON_SYNC_CONCURRENCY      runs synced at the same time (default 4)
 *   WANDB_DAEMON_SYNC_MAX_BYTES        file_stream body bytes per request, about (default 4 MiB)
 *   WANDB_DAEMON_SYNC_MAX_LINES        lines per stream per request (default 10000)
 *   WANDB_DAEMON_RESUME_TIMEOUT_MS     how long run.start waits for RunResumeStatus (default 15000)
 */

/** Resolved sync settings. */
export interface SyncSettings {
  backoffMinMs: number;
  backoffMaxMs: number;
  intervalMs: number;
  heartbeatMs: number;
  debounceMs: number;
  requestTimeoutMs: number;
  concurrency: number;
  maxBytes: number;
  maxLines: number;
  resumeTimeoutMs: number;
}

/** Defaults, matching W&B's clients where they have an equivalent. */
export const DEFAULT_SYNC_SETTINGS: Readonly<SyncSettings> = Object.freeze({
  backoffMinMs: 2_000,
  backoffMaxMs: 60_000,
  intervalMs: 1_000,
  heartbeatMs: 30_000,
  debounceMs: 5_000,
  requestTimeoutMs: 60_000,
  concurrency: 4,
  maxBytes: 4 * 1024 * 1024,
  maxLines: 10_000,
  resumeTimeoutMs: 15_000,
});

const ENV_NAMES: Record<keyof SyncSettings, string> = {
  backoffMinMs: 'WANDB_DAEMON_SYNC_BACKOFF_MIN_MS',
  backoffMaxMs: 'WANDB_DAEMON_SYNC_BACKOFF_MAX_MS',
  intervalMs: 'WANDB_DAEMON_SYNC_INTERVAL_MS',
  heartbeatMs: 'WANDB_DAEMON_SYNC_HEARTBEAT_MS',
  debounceMs: 'WANDB_DAEMON_SYNC_DEBOUNCE_MS',
  requestTimeoutMs: 'WANDB_DAEMON_SYNC_TIMEOUT_MS',
  concurrency: 'WANDB_DAEMON_SYNC_CONCURRENCY',
  maxBytes: 'WANDB_DAEMON_SYNC_MAX_BYTES',
  maxLines: 'WANDB_DAEMON_SYNC_MAX_LINES',
  resumeTimeoutMs: 'WANDB_DAEMON_RESUME_TIMEOUT_MS',
};

/** Reads the settings; a malformed value throws naming the variable (surfaces at daemon start). */
export function syncSettings(env: NodeJS.ProcessEnv = process.env): SyncSettings {
  const settings = { ...DEFAULT_SYNC_SETTINGS };
  for (const key of Object.keys(ENV_NAMES) as (keyof SyncSettings)[]) {
    const raw = env[ENV_NAMES[key]];
    if (raw === undefined || raw.trim() === '') continue;
    const value = Number(raw);
    const min = key === 'concurrency' || key === 'maxLines' || key === 'maxBytes' ? 1 : 0;
    if (!Number.isSafeInteger(value) || value < min) throw new Error(`${ENV_NAMES[key]} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
    settings[key] = value;
  }
  if (settings.backoffMaxMs < settings.backoffMinMs) settings.backoffMaxMs = settings.backoffMinMs;
  return settings;
}
