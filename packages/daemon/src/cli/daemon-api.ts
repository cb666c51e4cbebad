/**
 * How the CLI finds and talks to the running daemon: the discovery file names its pid and HTTP port,
 * the home's `http-token` file holds the bearer token. The token is sent in a header and never appears
 * in any message this module produces.
 */
import { readFileSync } from 'node:fs';
import { readDiscovery, type Discovery } from '../lifecycle/discovery.js';
import { daemonPaths, resolveHome, type DaemonPaths } from '../lifecycle/paths.js';
import { isProcessAlive, looksLikeDaemon } from '../lifecycle/process-alive.js';
import { CliError, NotRunningError } from './errors.js';

const DEFAULT_TIMEOUT_MS = 15_000;

/** The paths of the current home (`--home` / `WANDB_DAEMON_HOME` / `~/.wandb-daemon`). */
export function currentPaths(): DaemonPaths {
  return daemonPaths(resolveHome());
}

/** The discovery record when it names a live daemon process, else null. */
export function liveDiscovery(paths: DaemonPaths = currentPaths()): Discovery | null {
  const discovery = readDiscovery(paths.discovery);
  if (!discovery || !isProcessAlive(discovery.pid) || !looksLikeDaemon(discovery.pid)) return null;
  return discovery;
}

/** A non-2xx answer of the HTTP API. */
export class HttpStatusError extends CliError {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/** A bearer-authenticated client of the daemon's HTTP API on 127.0.0.1. */
export class DaemonApi {
  private constructor(
    readonly paths: DaemonPaths,
    readonly discovery: Discovery & { httpPort: number },
    private readonly token: string,
  ) {}

  /** Finds the running daemon; throws NotRunningError when there is none. */
  static connect(paths: DaemonPaths = currentPaths()): DaemonApi {
    const discovery = liveDiscovery(paths);
    if (!discovery) throw new NotRunningError(paths.home);
    if (discovery.httpPort === null) throw new CliError(`the daemon (pid ${discovery.pid}) has no HTTP API`);
    let token: string;
    try {
      token = readFileSync(paths.httpToken, 'utf8').trim();
    } catch (error) {
      throw new CliError(`cannot read the HTTP token file ${paths.httpToken}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    if (token === '') throw new CliError(`the HTTP token file ${paths.httpToken} is empty`);
    return new DaemonApi(paths, { ...discovery, httpPort: discovery.httpPort }, token);
  }

  /** GET `path` and return the body text; non-2xx answers throw HttpStatusError. */
  async getText(path: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`http://127.0.0.1:${this.discovery.httpPort}${path}`, {
        headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw this.transportError(error, path, timeoutMs);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.transportError(error, path, timeoutMs);
    }
    if (response.ok) return text;
    if (response.status === 401) {
      throw new HttpStatusError(401, `the daemon refused the token in ${this.paths.httpToken} (was the file replaced while the daemon ran?)`);
    }
    throw new HttpStatusError(response.status, `GET ${path} failed: ${errorText(text) ?? `HTTP ${response.status}`}`);
  }

  async getJson<T>(path: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
    const text = await this.getText(path, timeoutMs);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`GET ${path}: the daemon answered with invalid JSON`);
    }
  }

  private transportError(error: unknown, path: string, timeoutMs: number): Error {
    const name = (error as Error | undefined)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new CliError(`the daemon (pid ${this.discovery.pid}) did not answer GET ${path} within ${Math.round(timeoutMs / 1000)} s`);
    }
    const code = errnoCode(error);
    // The process is alive but nothing listens: it is stopping, or it is still starting up.
    if (code === 'ECONNREFUSED') return new NotRunningError(this.paths.home);
    return new CliError(`cannot reach the daemon's HTTP API on 127.0.0.1:${this.discovery.httpPort}: ${code ?? (error as Error).message}`);
  }
}

/** The errno code of a fetch failure (undici wraps it in `cause`, sometimes twice). */
function errnoCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth += 1) {
    if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
  }
  return undefined;
}

function errorText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON
  }
  return undefined;
}
