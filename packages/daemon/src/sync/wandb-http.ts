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

/** The bytes of one upload PUT: their length (sent as content-length) and the bytes, streamed. */
export interface UploadBody {
  size: number;
  chunks: AsyncIterable<Uint8Array>;
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
const FATAL_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 409, 410, 413, 422, 501]);

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

  /**
   * PUTs a body, streamed, to an upload URL the server handed out: no Authorization header (its token
   * is in the URL), the server's `uploadHeaders` applied (they may replace the content-type). The
   * timeout is one of inactivity: a large file on a slow link is not cut while its bytes keep moving.
   */
  async put(url: string, body: UploadBody, uploadHeaders: Readonly<Record<string, string>> = {}): Promise<void> {
    const headers = { 'content-type': 'application/octet-stream', ...uploadHeaders, 'content-length': String(body.size) };
    const idle = new AbortController();
    const timer = setTimeout(() => idle.abort(new DOMException('no progress', 'TimeoutError')), this.timeoutMs);
    async function* progress(): AsyncIterable<Uint8Array> {
      for await (const chunk of body.chunks) {
        timer.refresh();
        yield chunk;
      }
    }
    try {
      await this.send('PUT', url, progress(), false, headers, idle.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private async send(method: string, url: string, body: string | AsyncIterable<Uint8Array>, auth: boolean, extraHeaders: Record<string, string> = {}, timeout?: AbortSignal): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...extraHeaders };
    if (auth) headers.authorization = `Basic ${Buffer.from(`api:${this.remote.apiKey}`).toString('base64')}`;
    const signal = AbortSignal.any([this.signal, timeout ?? AbortSignal.timeout(this.timeoutMs)]);
    const where = `${method} ${auth ? this.origin + new URL(url).pathname : new URL(url).origin}`;
    try {
      const init = { method, headers, body, signal, ...(typeof body === 'string' ? {} : { duplex: 'half' as const }) };
      const response = await fetch(url, init as RequestInit);
      const text = await response.text();
      if (response.ok) return parseJson(text);
      throw this.statusError(response, text, auth ? this.origin : new URL(url).origin);
    } catch (error) {
      throw this.transportError(error, where);
    }
  }

  private statusError(response: Response, text: string, origin: string): SyncError {
    const detail = errorDetail(text);
    const message = this.scrub(`${response.status} ${response.statusText || 'HTTP error'} from ${origin}${detail ? `: ${detail}` : ''}`);
    if (!isRetryableStatus(response.status)) return new SyncError('fatal', message);
    return new SyncError('retry', message, parseRetryAfter(response.headers.get('retry-after')));
  }

  private transportError(error: unknown, where: string): SyncError {
    if (error instanceof SyncError) return error;
    if (this.signal.aborted) return new SyncError('aborted', `${where}: abandoned (the daemon is stopping, or the run's sync was reset)`);
    const name = (error as Error | undefined)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') return new SyncError('retry', `${where}: no answer within ${Math.round(this.timeoutMs / 1000)} s`);
    return new SyncError('retry', this.scrub(`${where}: ${networkCause(error)}`));
  }

  /** Removes the API key, bare or as the Basic credentials, from text that came from elsewhere (a server may echo a header back). */
  private scrub(text: string): string {
    if (this.remote.apiKey.length < 4) return text;
    const basic = Buffer.from(`api:${this.remote.apiKey}`).toString('base64');
    return text.split(this.remote.apiKey).join('[redacted]').split(basic).join('[redacted]');
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
