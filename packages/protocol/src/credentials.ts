/**
 * Where W&B clients find the server and the API key: `WANDB_BASE_URL` (default W&B's cloud), then the
 * key from `WANDB_API_KEY` or the netrc file (`$NETRC`, else `~/.netrc`) under `machine <host[:port]>`.
 * Shared by the client (`login`, `init`) and the daemon's CLI (`wandb-daemon sync`). Node built-ins only.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** W&B's default server. */
export const DEFAULT_BASE_URL = 'https://api.wandb.ai';

/** The server to use: `WANDB_BASE_URL` or W&B's default, without a trailing slash. */
export function resolveBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.WANDB_BASE_URL?.trim();
  return (given ? given : DEFAULT_BASE_URL).replace(/\/+$/, '');
}

/** The netrc `machine` name of a base URL: its host, with the port when one is given. */
export function netrcMachine(baseUrl: string): string {
  return new URL(baseUrl).host;
}

/** The netrc file W&B clients read and write: `$NETRC`, else `~/.netrc`. */
export function netrcPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.NETRC?.trim() || join(homedir(), '.netrc');
}

/** Where netrc keeps the key for a base URL, in words: `<netrc path> (machine <host[:port]>)`. */
export function netrcLabel(baseUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${netrcPath(env)} (machine ${netrcMachine(baseUrl)})`;
}

/** One `machine` (or `default`) entry of a netrc file, with where it sits in the text. */
export interface NetrcEntry {
  machine: string | null;
  login?: string;
  password?: string;
  account?: string;
  /** Character range of the entry in the file, for rewriting it in place. */
  start: number;
  end: number;
}

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Splits netrc text into tokens: whitespace-separated, `"quoted"` allowed, `#` comments at a line start skipped. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const lineBefore = text.slice(text.lastIndexOf('\n', match.index - 1) + 1, match.index);
    if (match[0].startsWith('#') && lineBefore.trim() === '') {
      const eol = text.indexOf('\n', match.index);
      pattern.lastIndex = eol === -1 ? text.length : eol;
      continue;
    }
    const value = match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] as string);
    tokens.push({ text: value, start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

/** Parses netrc text into its entries; `macdef` bodies are skipped. */
export function parseNetrc(text: string): NetrcEntry[] {
  const tokens = tokenize(text);
  const entries: NetrcEntry[] = [];
  let current: NetrcEntry | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const next = tokens[i + 1];
    switch (token.text) {
      case 'machine':
      case 'default':
        current = { machine: token.text === 'machine' ? (next?.text ?? '') : null, start: token.start, end: token.end };
        entries.push(current);
        if (token.text === 'machine') i += 1;
        break;
      case 'login':
      case 'password':
      case 'account':
        if (current && next) current[token.text] = next.text;
        i += 1;
        break;
      case 'macdef': {
        // A macro runs to the first empty line (spaces allowed on it); nothing in it belongs to an entry.
        const blank = /\n[ \t\r]*\n/g;
        blank.lastIndex = token.end;
        const stop = blank.exec(text)?.index ?? text.length;
        while (i + 1 < tokens.length && (tokens[i + 1] as Token).start < stop) i += 1;
        current = null;
        continue;
      }
      default:
        break;
    }
    if (current) current.end = (tokens[i] as Token).end;
  }
  return entries;
}

/** The API key stored for a base URL in netrc, or null (no file, no entry, unreadable file). */
export function readNetrcKey(baseUrl: string, env: NodeJS.ProcessEnv = process.env): string | null {
  let text: string;
  try {
    text = readFileSync(netrcPath(env), 'utf8');
  } catch {
    return null;
  }
  const machine = netrcMachine(baseUrl);
  const entry = parseNetrc(text).find((e) => e.machine === machine);
  return entry?.password ? entry.password : null;
}

/**
 * Stores `key` for a base URL in netrc (`machine <host> login user password <key>`), replacing an
 * earlier entry for that machine and keeping every other entry. The file is written atomically, 0600.
 */
export function writeNetrcKey(baseUrl: string, key: string, env: NodeJS.ProcessEnv = process.env): string {
  if (/\s|"/.test(key)) throw new Error('an API key cannot contain whitespace or quotes');
  const path = netrcPath(env);
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const machine = netrcMachine(baseUrl);
  let kept = text;
  for (const entry of parseNetrc(text).filter((e) => e.machine === machine).reverse()) {
    kept = kept.slice(0, entry.start) + kept.slice(entry.end).replace(/^[ \t]*\n?/, '');
  }
  const entry = `machine ${machine}\n  login user\n  password ${key}\n`;
  // `default` must stay the last entry: a new machine goes before it.
  const fallback = parseNetrc(kept).find((e) => e.machine === null);
  const next = fallback
    ? `${kept.slice(0, fallback.start)}${entry}${kept.slice(fallback.start)}`
    : `${kept.replace(/\s*$/, '')}${kept.trim() ? '\n' : ''}${entry}`;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, next, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return path;
}

/** The API key for a base URL: `WANDB_API_KEY`, else netrc; null when there is none. */
export function resolveApiKey(baseUrl: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const fromEnv = env.WANDB_API_KEY?.trim();
  return fromEnv ? fromEnv : readNetrcKey(baseUrl, env);
}
