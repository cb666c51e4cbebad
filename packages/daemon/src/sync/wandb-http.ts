/**
 * HTTP to a W&B-compatible server: GraphQL, file_stream and upload PUTs, each failure classified the
 * way W&B's clients do (wandb-wire.md, "Status codes matter"). The API key goes only into the
 * Authorization header of requests under the base URL; every message this module builds names the
 * server by its origin and has any occurrence of the key scrubbed.
 */
import { parseRetryAfter } from './backoff.js';

/** Where a run syncs to. */
export interface RemoteTarget {
  baseUrl: string;
  apiKey: string;
}

/** How a request failed: retry later, give up on the run, or the daemon is stopping. */
export type SyncErrorKind = 'retry' | 'fatal' | 'aborted';

/** A failed sync request; `message` is safe to store, log and show. */
export class SyncError extends Error {
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

/** Statuses that end a W&B client's upload stream instead of being retried. */
export const FATAL_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 409, 410, 413, 422, 501]);

/** Whether an HTTP status is retried (429, 408, 5xx but 501) rather than fatal. */
export function isRetryableStatus(status: number): boolean {
  if (FATAL_STATUSES.has(status)) return false;
  return status === 429 || status === 408 || status >= 500;
}

/** A client bound to one remote; `signal` aborts everything when the daemon stops. */
export class WandbHttp {
  private readonly origin: string;

  constructor(
    private readonly remote: RemoteTarget,
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal,
  ) {
    this.origin = new URL(remote.baseUrl).origin;
  }

  /** Runs a GraphQL operation; `errors` in the answer are fatal (W&B clients do not retry them). */
  async graphql<T>(operationName: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const body = JSON.stringify({ query, variables, operationName });
    const answer = (await this.send('POST', `${this.remote.baseUrl}/graphql`, body, true)) as { data?: T; errors?: { message?: unknown }[] };
    const first = answer.errors?.[0];
    if (first) throw new SyncError('fatal', this.scrub(`GraphQL error in ${operationName} from ${this.origin}: ${String(first.message ?? 'unknown error')}`));
    if (answer.data === undefined || answer.data === null) throw new SyncError('fatal', `${operationName} from ${this.origin} returned no data`);
    return answer.data;
  }

  /** POSTs one file_stream request; resolves with the server's JSON reply. */
  async fileStream(entity: string, project: string, run: string, payload: string): Promise<Record<string, unknown>> {
    const path = [entity, project, run].map(encodeURIComponent).join('/');
    const reply = await this.send('POST', `${this.remote.baseUrl}/files/${path}/file_stream`, payload, true);
    return reply !== null && typeof reply === 'object' ? (reply as Record<string, unknown>) : {};
  }

  /** PUTs raw bytes to an upload URL the server handed out: no Authorization header (its token is in the URL). */
  async put(url: string, bytes: Uint8Array): Promise<void> {
    await this.send('PUT', url, bytes, false);
  }

  private async send(method: string, url: string, body: string | Uint8Array, auth: boolean): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': typeof body === 'string' ? 'application/json' : 'application/octet-stream' };
    if (auth) headers.authorization = `Basic ${Buffer.from(`api:${this.remote.apiKey}`).toString('base64')}`;
    const signal = AbortSignal.any([this.signal, AbortSignal.timeout(this.timeoutMs)]);
    const where = `${method} ${auth ? this.origin + new URL(url).pathname : new URL(url).origin}`;
    try {
      const response = await fetch(url, { method, headers, body, signal });
      const text = await response.text();
      if (response.ok) return parseJson(text);
      throw this.statusError(response, text);
    } catch (error) {
      throw this.transportError(error, where);
    }
  }

  private statusError(response: Response, text: string): SyncError {
    const detail = errorDetail(text);
    const message = this.scrub(`${response.status} ${response.statusText || 'HTTP error'} from ${this.origin}${detail ? `: ${detail}` : ''}`);
    if (!isRetryableStatus(response.status)) return new SyncError('fatal', message);
    return new SyncError('retry', message, parseRetryAfter(response.headers.get('retry-after')));
  }

  private transportError(error: unknown, where: string): SyncError {
    if (error instanceof SyncError) return error;
    if (this.signal.aborted) return new SyncError('aborted', `${where}: abandoned (the daemon is stopping)`);
    const name = (error as Error | undefined)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') return new SyncError('retry', `${where}: no answer within ${Math.round(this.timeoutMs / 1000)} s`);
    return new SyncError('retry', this.scrub(`${where}: ${networkCause(error)}`));
  }

  /** Removes the API key from text that came from elsewhere (a server may echo a header back). */
  private scrub(text: string): string {
    return this.remote.apiKey.length >= 4 ? text.split(this.remote.apiKey).join('[redacted]') : text;
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** `errors[0].message` of a GraphQL error body, or `error`/`message` of other JSON bodies. */
function errorDetail(text: string): string | undefined {
  const body = parseJson(text) as { errors?: { message?: unknown }[]; error?: unknown; message?: unknown } | null;
  if (body === null || typeof body !== 'object') return undefined;
  const candidate = body.errors?.[0]?.message ?? body.error ?? body.message;
  return typeof candidate === 'string' ? candidate.slice(0, 500) : undefined;
}

/** The errno code of a fetch failure (undici nests it in `cause`), else the innermost message. */
function networkCause(error: unknown): string {
  let innermost = (error as Error | undefined)?.message ?? String(error);
  for (let e = error as { code?: unknown; cause?: unknown; message?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth += 1) {
    if (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code)) return e.code;
    if (typeof e.message === 'string' && e.message) innermost = e.message;
  }
  return innermost;
}
