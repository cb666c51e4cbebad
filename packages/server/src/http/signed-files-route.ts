/**
 * `GET /api/v1/signed-files/<token>/<path>`: a run file by a short-lived signed URL, without the
 * API key. The dashboard shows user HTML (wandb.Html, plotly, bokeh) in a sandboxed iframe, which
 * cannot send the key header, and the key never goes in a URL; `GET .../file-url?path=` of the read
 * API (which needs the key) hands these URLs out. The token binds run, path and expiry
 * (auth/upload-token.ts, read tokens); a bad, expired or tampered token, or a path other than the
 * token's, is 403. The reply carries its own sandbox: scripts run, but in an opaque origin with no
 * access to the dashboard's storage or API; only pages of this origin may frame it; and no referrer
 * leaks the token to what the page loads.
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { FILE_READ_TOKEN_TTL_SECONDS, signFileReadToken, verifyFileReadToken } from '../auth/upload-token.js';
import { blobLocation, contentTypeOf } from '../file-paths.js';
import { sendError } from './errors.js';
import type { ServerServices } from './types.js';

/** Path prefix of signed file URLs (the auth hook lets GET/HEAD of these through). */
export const SIGNED_FILES_PREFIX = '/api/v1/signed-files/';

/**
 * The Content-Security-Policy of a signed file: a sandbox that allows scripts, framed only by this
 * origin, and nothing loaded from the network (the user's page may inline scripts, styles and data:
 * or blob: resources; it cannot call out, so it cannot leak what it shows or track who views it).
 */
export const SIGNED_FILE_CSP =
  "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' data: blob:; style-src 'unsafe-inline' data: blob:; img-src data: blob:; media-src data: blob:; font-src data:; frame-ancestors 'self'";

/** The signed URL (origin-relative) of a run's file, valid FILE_READ_TOKEN_TTL_SECONDS from `now`. */
export function signedFileUrl(secret: Buffer, runId: number, path: string, now = Date.now() / 1000): string {
  const token = signFileReadToken(secret, { runId, path, expires: Math.floor(now) + FILE_READ_TOKEN_TTL_SECONDS });
  return `${SIGNED_FILES_PREFIX}${token}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** Registers the signed-file route. */
export function registerSignedFiles(app: FastifyInstance, services: ServerServices): void {
  app.get<{ Params: { token: string; '*': string } }>(`${SIGNED_FILES_PREFIX}:token/*`, async (request, reply) => {
    const grant = verifyFileReadToken(services.secret, request.params.token);
    if (!grant || grant.path !== request.params['*']) return sendError(reply, 403, 'invalid or expired file URL');
    const file = services.store.file(grant.runId, grant.path);
    if (!file?.blob) return sendError(reply, 404, 'no such file');
    return reply
      .type(contentTypeOf(file.path))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', SIGNED_FILE_CSP)
      .header('cache-control', `private, max-age=${FILE_READ_TOKEN_TTL_SECONDS}`)
      .header('referrer-policy', 'no-referrer')
      .send(createReadStream(blobLocation(services.filesDir, file.blob)));
  });
}
