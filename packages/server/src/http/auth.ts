/**
 * Authentication: HTTP Basic with user `api` and the API key as password, on every route except
 * `GET`/`HEAD` of `/healthz`, of the dashboard's files (dashboard-route.ts) and of signed file URLs
 * (signed-files-route.ts), upload PUTs (those two carry a signed token in the URL) and the live
 * socket's upgrade (its first message carries the key:
 * browsers cannot set headers on a WebSocket). A missing or unknown key is 401 with
 * `{"errors":[{"message"}]}`; on /graphql the body also has `"data":{"viewer":null}`, which is what
 * clients expect from W&B for a bad key. The 401 carries a Basic `WWW-Authenticate` challenge unless
 * the request has an `X-Requested-With` header (the dashboard's requests): a challenge would open
 * the browser's own password dialog over the page.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { keyFromBasicAuth } from '../auth/api-key.js';
import { LIVE_PATH } from '../live/live-route.js';
import type { ServerStore } from '../store/server-store.js';
import { isDashboardPath } from './dashboard-route.js';
import { errorBody } from './errors.js';
import { SIGNED_FILES_PREFIX } from './signed-files-route.js';

/** Path prefix of upload URLs (token-authenticated). */
export const UPLOAD_PREFIX = '/upload/';

const isPublic = (request: FastifyRequest) => {
  const path = request.url.split('?', 1)[0]!;
  const read = request.method === 'GET' || request.method === 'HEAD';
  return (
    (read && (path === '/healthz' || isDashboardPath(path) || path.startsWith(SIGNED_FILES_PREFIX))) ||
    (request.method === 'GET' && path === LIVE_PATH && request.headers.upgrade?.toLowerCase() === 'websocket') ||
    (request.method === 'PUT' && path.startsWith(UPLOAD_PREFIX))
  );
};

/** Installs the auth hook: sets request.viewer or answers 401. */
export function installAuth(app: FastifyInstance, store: ServerStore): void {
  app.decorateRequest('viewer', null);
  app.addHook('onRequest', async (request, reply) => {
    if (isPublic(request)) return;
    const key = keyFromBasicAuth(request.headers.authorization);
    request.viewer = key === null ? null : store.authenticate(key);
    if (request.viewer) return;
    const message = key === null ? 'missing API key: send HTTP Basic auth with user "api" and your API key as password' : 'invalid API key';
    const body = request.url.startsWith('/graphql') ? { ...errorBody(message), data: { viewer: null } } : errorBody(message);
    if (request.headers['x-requested-with'] === undefined) reply.header('www-authenticate', 'Basic realm="wandb-server"');
    await reply.code(401).send(body);
  });
}
