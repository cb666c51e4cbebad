/**
 * `login()`: W&B's `wandb.login`. Finds an API key (the `key` option, an earlier login in this process,
 * WANDB_API_KEY, netrc, or a prompt on a terminal), checks it with the server's `Viewer` query, saves a
 * newly given key to netrc and keeps it for this process's later `init` calls. Loaded only when
 * `login()` is called, so that `init` and `log` never pay for it.
 */
import { DEFAULT_BASE_URL, netrcLabel, netrcMachine, netrcPath, writeNetrcKey } from '@wandb-daemon/protocol/credentials';
import { termlog, termwarn, termwarnOnce, type Terminal } from '../console.js';
import { CommError, UsageError } from '../errors.js';
import { checkApiKey, type ApiKey } from '../options/api-key.js';
import { envBooleanWord } from '../options/checks.js';
import { parseBaseUrlVar, readEnvVar } from '../options/env.js';
import { toRunMode } from '../options/fields.js';
import { appUrl, keyFromEnvironment, loginBaseUrl, rememberedKey, rememberLogin } from '../remote.js';
import { checkLoginOptions, type CheckedLogin, type LoginOptions } from './options.js';
import { canPrompt, promptForKey } from './prompt.js';
import { fetchViewer } from './viewer.js';

/** Where a key was found; keys the user handed over (option, prompt) are the ones saved to netrc. */
type KeySource = 'option' | 'prompt' | 'login' | 'env' | 'netrc';

/**
 * Logs in (see {@link LoginOptions}). Resolves true when a key is configured (verified, or unverified
 * because the server could not be reached), false in offline or disabled mode (WANDB_MODE), where
 * there is nothing to log in to. Throws a UsageError for bad options, a malformed key, anonymous
 * 'must', or no key without a terminal; an AuthenticationError when the server refuses the key; a
 * CommError when the server cannot be reached and `force` is set.
 */
export async function login(options?: LoginOptions, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const checked = checkLoginOptions(options, env);
  const term: Terminal = { silent: envBooleanWord(env.WANDB_SILENT ?? '') === true };
  if (checked.anonymous === 'must') {
    throw new UsageError("Anonymous logins are not supported by this server: anonymous: 'must' cannot be honoured. Log in with an API key (login({ key }) or WANDB_API_KEY).");
  }
  const mode = modeOf(env);
  if (mode !== 'online') {
    termwarnOnce(term, `login:${mode}`, `login() does nothing in ${mode} mode (WANDB_MODE / WANDB_DISABLED): runs stay in the local daemon.`);
    return false;
  }
  const baseUrl = checked.host ?? baseUrlFromEnv(env) ?? loginBaseUrl() ?? DEFAULT_BASE_URL;
  const { key, source } = await findKey(checked, baseUrl, env);
  const viewer = await fetchViewer(baseUrl, key, origin(source, baseUrl, env), checked.timeoutMs);
  if ('unreachable' in viewer) {
    const why = `could not reach ${baseUrl} to verify the API key (${viewer.unreachable})`;
    if (checked.force) throw new CommError(`${why}; force: true requires a verified login.`);
    termwarnOnce(term, `login-unverified:${baseUrl}`, `${why}; using it unverified in this process${saves(source) ? ' (not saved to netrc)' : ''}.`);
    rememberLogin(baseUrl, key);
    return true;
  }
  if (saves(source)) save(baseUrl, key, env, term);
  rememberLogin(baseUrl, key);
  const who = viewer.username ?? viewer.email ?? viewer.id;
  termlog(term, `Currently logged in as: ${who} (${viewer.entity}) to ${baseUrl}. Use \`login({ relogin: true })\` to force relogin`);
  return true;
}

/** The run mode the environment sets for this process. */
function modeOf(env: NodeJS.ProcessEnv): 'online' | 'offline' | 'disabled' {
  if (envBooleanWord(env.WANDB_DISABLED ?? '') === true) return 'disabled';
  const raw = env.WANDB_MODE?.trim().toLowerCase();
  return raw ? toRunMode(raw, 'environment variable WANDB_MODE') : 'online';
}

function baseUrlFromEnv(env: NodeJS.ProcessEnv): string | null {
  return readEnvVar(env, 'WANDB_BASE_URL', parseBaseUrlVar) ?? null;
}

/** The `key` option; else (unless `relogin`) this process's login, WANDB_API_KEY, netrc; else the prompt. */
async function findKey(checked: CheckedLogin, baseUrl: string, env: NodeJS.ProcessEnv): Promise<{ key: ApiKey; source: KeySource }> {
  if (checked.key) return { key: checked.key, source: 'option' };
  if (!checked.relogin) {
    const remembered = rememberedKey(baseUrl);
    if (remembered) return { key: remembered, source: 'login' };
    const fromEnvironment = keyFromEnvironment(baseUrl, env);
    if (fromEnvironment) return fromEnvironment;
  }
  if (!canPrompt()) {
    throw new UsageError(
      `No API key configured for ${baseUrl}, and no terminal to ask for one (stdin or stderr is not a TTY). Set WANDB_API_KEY, call login({ key }), or put the key in ${netrcPath(env)} under machine ${netrcMachine(baseUrl)}.`,
    );
  }
  const typed = await promptForKey(`${appUrl(baseUrl)}/authorize`);
  return { key: checkApiKey(typed, 'the key entered'), source: 'prompt' };
}

/** Where a key came from, in words, for errors. */
function origin(source: KeySource, baseUrl: string, env: NodeJS.ProcessEnv): string {
  switch (source) {
    case 'option':
      return "login option 'key'";
    case 'prompt':
      return 'the prompt';
    case 'login':
      return 'an earlier login() in this process';
    case 'env':
      return 'WANDB_API_KEY';
    case 'netrc':
      return netrcLabel(baseUrl, env);
  }
}

/** Keys found in the environment or netrc are already where they belong; given ones go to netrc. */
function saves(source: KeySource): boolean {
  return source === 'option' || source === 'prompt';
}

/** Saves the key to netrc; a file that cannot be written costs a warning, not the login. */
function save(baseUrl: string, key: ApiKey, env: NodeJS.ProcessEnv, term: Terminal): void {
  try {
    writeNetrcKey(baseUrl, key.reveal(), env);
  } catch (error) {
    termwarn(term, `could not save the API key to ${netrcPath(env)}: ${(error as NodeJS.ErrnoException).code ?? 'write failed'}; it is used in this process only.`);
  }
}
