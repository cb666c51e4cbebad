/**
 * The options of `login()`, W&B's `wandb.login(anonymous, key, relogin, host, force, timeout)`, checked
 * the way `init`'s are: unknown names are refused with the closest known one, values are checked and
 * errors name the option (never an API key).
 */
import { expectBoolean, isPlainObject } from '../options/checks.js';
import { checkApiKey, type ApiKey } from '../options/api-key.js';
import { parseAnonymousVar, readEnvVar } from '../options/env.js';
import { invalid, UsageError } from '../options/errors.js';
import { checkBaseUrl, secondsToMs, toAnonymous } from '../options/fields.js';
import { closestSpelling } from '../options/spellings.js';
import type { AnonymousMode } from '../options/types.js';

/** The options of `login()`. All are optional; `null` means "not given", like W&B's None. */
export interface LoginOptions {
  /**
   * W&B's anonymous policy: 'allow' and 'never' log in with an API key as usual; 'must' is refused,
   * as this server has no anonymous accounts (env WANDB_ANONYMOUS).
   */
  anonymous?: AnonymousMode | null;
  /** The API key: `<prefix>-<40 characters>` or 40 characters. Saved to netrc once the server accepts it. */
  key?: string | null;
  /** Ignore the key from WANDB_API_KEY, netrc or an earlier login and ask for one (needs a terminal unless `key` is given). */
  relogin?: boolean | null;
  /** The server's URL (default WANDB_BASE_URL, else the host of an earlier login in this process, else https://api.wandb.ai). */
  host?: string | null;
  /** Throw when the server cannot be reached to verify the key, instead of warning and using the key unverified. */
  force?: boolean | null;
  /** Seconds to wait for the server to verify the key (default 20). */
  timeout?: number | null;
}

/** `login()`'s options, checked. */
export interface CheckedLogin {
  anonymous: AnonymousMode | null;
  key: ApiKey | null;
  relogin: boolean;
  host: string | null;
  force: boolean;
  timeoutMs: number;
}

/** How long the server may take to answer the key check by default. */
export const DEFAULT_LOGIN_TIMEOUT_MS = 20_000;

// Every name is one word, so W&B's snake_case and our camelCase spell them alike.
const NAMES = ['anonymous', 'key', 'relogin', 'host', 'force', 'timeout'] as const;
type Name = (typeof NAMES)[number];

const label = (name: string): string => `login option '${name}'`;

/** Checks `login()`'s options; WANDB_ANONYMOUS stands in for `anonymous`. Throws a UsageError naming the first bad one. */
export function checkLoginOptions(options: unknown, env: NodeJS.ProcessEnv): CheckedLogin {
  const given = readGiven(options);
  const pick = <T>(name: Name, check: (value: unknown, label: string) => T): T | null => {
    const value = given.get(name);
    return value === undefined ? null : check(value, label(name));
  };
  return {
    anonymous: pick('anonymous', toAnonymous) ?? readEnvVar(env, 'WANDB_ANONYMOUS', parseAnonymousVar) ?? null,
    key: pick('key', checkApiKey),
    relogin: pick('relogin', expectBoolean) ?? false,
    host: pick('host', checkBaseUrl),
    force: pick('force', expectBoolean) ?? false,
    timeoutMs: pick('timeout', secondsToMs) ?? DEFAULT_LOGIN_TIMEOUT_MS,
  };
}

/** The options given, by name; undefined and null count as not given. */
function readGiven(options: unknown): Map<Name, unknown> {
  const given = new Map<Name, unknown>();
  if (options === undefined || options === null) return given;
  if (!isPlainObject(options)) throw invalid('login options', 'a plain object', options);
  for (const [key, value] of Object.entries(options)) {
    if (!(NAMES as readonly string[]).includes(key)) {
      const suggestion = closestSpelling(key, NAMES);
      throw new UsageError(`Unknown login option '${key}'.${suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`}`);
    }
    if (value !== undefined && value !== null) given.set(key as Name, value);
  }
  return given;
}
