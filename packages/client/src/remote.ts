/**
 * Where an online run syncs: the server's base URL and the API key for it. Decided at `init` from
 * settings, the environment, an earlier `login()` in this process and the netrc file, without any
 * network I/O: the daemon verifies and syncs in the background.
 */
import { DEFAULT_BASE_URL, netrcLabel, readNetrcKey } from '@wandb-daemon/protocol/credentials';
import type { Remote } from '@wandb-daemon/protocol/lite';
import { checkApiKey, type ApiKey, type ResolvedInit } from './options/index.js';

/** The key `login()` configured in this process, and for which server. Kept in memory only. */
let loggedIn: { baseUrl: string; key: ApiKey } | null = null;

/** Keeps the key `login()` configured for `baseUrl`, for later `init` calls of this process. */
export function rememberLogin(baseUrl: string, key: ApiKey): void {
  loggedIn = { baseUrl, key };
}

/** The server of this process's last `login()`, or null. */
export function loginBaseUrl(): string | null {
  return loggedIn?.baseUrl ?? null;
}

/** The key this process's `login()` configured for `baseUrl`; null for any other server. */
export function rememberedKey(baseUrl: string): ApiKey | null {
  return loggedIn && sameServer(loggedIn.baseUrl, baseUrl) ? loggedIn.key : null;
}

/** Base URLs naming one server (case of the host and trailing slashes do not matter). */
function sameServer(a: string, b: string): boolean {
  const normalise = (url: string): string => new URL(url).href.replace(/\/+$/, '');
  return normalise(a) === normalise(b);
}

/** Where a run's data goes beyond the daemon. */
export interface RunTarget {
  /** The server, resolved even when the run stays local (for messages). */
  baseUrl: string;
  /** Sent in `run.start`; null: the run stays in the daemon until `wandb-daemon sync`. */
  remote: Remote | null;
  /** An online run without an API key: it runs offline. */
  notLoggedIn: boolean;
}

/**
 * The server and key of a run. Base URL: `settings.baseUrl`, WANDB_BASE_URL, this process's `login()`
 * host, W&B's default. Key: `settings.apiKey`, this process's `login()` (same server only, so a key is
 * never sent to a server it was not given for), WANDB_API_KEY, netrc. Offline runs look up no key.
 */
export function resolveRunTarget(resolved: ResolvedInit, env: NodeJS.ProcessEnv = process.env): RunTarget {
  const baseUrl = resolved.baseUrl ?? loginBaseUrl() ?? DEFAULT_BASE_URL;
  if (resolved.mode !== 'online') return { baseUrl, remote: null, notLoggedIn: false };
  const key = resolved.apiKey ?? rememberedKey(baseUrl) ?? keyFromEnvironment(baseUrl, env)?.key ?? null;
  return key === null ? { baseUrl, remote: null, notLoggedIn: true } : { baseUrl, remote: { baseUrl, apiKey: key.reveal() }, notLoggedIn: false };
}

/**
 * WANDB_API_KEY, else the netrc entry for the server, with where it was found; null when neither has
 * one. A malformed key is a UsageError naming where it is.
 */
export function keyFromEnvironment(baseUrl: string, env: NodeJS.ProcessEnv = process.env): { key: ApiKey; source: 'env' | 'netrc' } | null {
  const fromEnv = env.WANDB_API_KEY?.trim();
  if (fromEnv) return { key: checkApiKey(fromEnv, 'environment variable WANDB_API_KEY'), source: 'env' };
  const fromNetrc = readNetrcKey(baseUrl, env);
  return fromNetrc === null ? null : { key: checkApiKey(fromNetrc, netrcLabel(baseUrl, env)), source: 'netrc' };
}

/**
 * The web app's address for a server: W&B's cloud API (api.wandb.ai) has its pages on wandb.ai; any
 * other server (ours, a W&B deployment) serves API and pages from one address.
 */
export function appUrl(baseUrl: string): string {
  return baseUrl.replace('://api.wandb.', '://wandb.');
}
