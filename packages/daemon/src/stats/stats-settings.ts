/**
 * When system metrics are sampled, in one place:
 * - daemon-wide, every `WANDB_DAEMON_STATS_INTERVAL` seconds (default 15, W&B's sampling interval;
 *   fractions allowed; 0 turns sampling off);
 * - per run, unless the run's settings carry `xDisableStats: true` or `disableStats: true` (W&B's
 *   `x_disable_stats`; the client stores settings camelCased, so the older `_disable_stats` arrives as
 *   `_disableStats` and counts too);
 * - a run's first sample comes FIRST_SAMPLE_MAX_DELAY_MS after it attaches, or one interval if shorter.
 */
import { parseJsonObject } from '@wandb-daemon/protocol';
import { envSecondsMs } from '../env-seconds.js';

/** W&B's default sampling interval, in seconds. */
export const DEFAULT_STATS_INTERVAL_SECONDS = 15;

/** The longest wait between a run attaching and its first sample. */
export const FIRST_SAMPLE_MAX_DELAY_MS = 2_000;

/** The sampling interval in milliseconds; 0 when sampling is off. A malformed value throws naming the variable. */
export function statsIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  return envSecondsMs(env, 'WANDB_DAEMON_STATS_INTERVAL', DEFAULT_STATS_INTERVAL_SECONDS);
}

const OPT_OUT_KEYS = ['xDisableStats', 'disableStats', '_disableStats'] as const;

/** True when a run's stored settings (the `runs.settings` JSON text) opt out of system metrics. */
export function statsDisabledBySettings(settingsJson: string): boolean {
  const settings = parseJsonObject(settingsJson);
  return settings !== null && OPT_OUT_KEYS.some((key) => settings[key] === true);
}
