/**
 * Request logging options for fastify's pino logger. Keys never reach the log: the request
 * serializer keeps method, URL and peer only (no headers), upload and signed-file URLs lose their token, and the
 * Authorization header is redacted should anything log headers anyway.
 */
import type { FastifyRequest } from 'fastify';
import { UPLOAD_PREFIX } from './auth.js';
import { SIGNED_FILES_PREFIX } from './signed-files-route.js';

/** Paths pino censors wherever they appear in a log line. */
const REDACTED_PATHS = ['req.headers.authorization', 'headers.authorization', 'authorization', 'apiKey', 'key', 'token', '*.apiKey', '*.token'];

/** The URL as logged: an upload or signed-file URL (its token reads or writes a file) replaced by "[redacted]". */
export function loggableUrl(url: string): string {
  if (url.startsWith(UPLOAD_PREFIX)) return `${UPLOAD_PREFIX}[redacted]`;
  return url.startsWith(SIGNED_FILES_PREFIX) ? `${SIGNED_FILES_PREFIX}[redacted]` : url;
}

/** pino options for the server's logger, merged over `overrides`. */
export function loggerOptions(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    level: process.env.WANDB_SERVER_LOG_LEVEL ?? 'info',
    ...overrides,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (request: FastifyRequest) => ({ method: request.method, url: loggableUrl(request.url), remoteAddress: request.ip }),
    },
  };
}
