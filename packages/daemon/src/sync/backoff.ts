/** Retry timing: exponential backoff with jitter, and the server's `Retry-After`. */

/**
 * The delay before retry number `attempt` (1 = first retry): uniformly random in
 * [min, min(max, min * 2^(attempt-1))] (jitter, so that many daemons do not retry in step; never under
 * `min`, so that a failing server is not hit again at once).
 */
export function backoffDelayMs(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = backoffCeilingMs(attempt, minMs, maxMs);
  return Math.round(minMs + (ceiling - minMs) * random());
}

/** The upper bound of the jittered delay of retry number `attempt`. */
export function backoffCeilingMs(attempt: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}

/** A Retry-After beyond this is not believed (a misconfigured proxy must not park sync for days). */
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * Parses a `Retry-After` header: delta-seconds or an HTTP date. Returns milliseconds from `now`
 * (0 for a date in the past), or null when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | null {
  if (header === null || header === undefined) return null;
  const text = header.trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/** The delay to wait: the server's Retry-After when it gave one (at most an hour), else backoff. */
export function retryDelayMs(attempt: number, retryAfterMs: number | null, minMs: number, maxMs: number, random: () => number = Math.random): number {
  if (retryAfterMs !== null) return Math.min(Math.max(retryAfterMs, 0), MAX_RETRY_AFTER_MS);
  return backoffDelayMs(attempt, minMs, maxMs, random);
}
