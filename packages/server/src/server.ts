/**
 * Starting and stopping the server: data dir (0700), database, upload secret, first-start admin,
 * the fastify app with every route (the dashboard and its live socket included), the crash sweep,
 * and an orderly close (live sockets, HTTP, then database).
 */
import { join, resolve } from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { generateApiKey, isValidApiKey } from './auth/api-key.js';
import { installAuth } from './http/auth.js';
import { defaultDashboardDir, registerDashboard } from './http/dashboard-route.js';
import { registerFileStream } from './http/file-stream-route.js';
import { registerGraphql } from './http/graphql-route.js';
import { errorBody } from './http/errors.js';
import { loggableUrl, loggerOptions } from './http/logger.js';
import { MAX_BODY_BYTES } from './http/raw-body.js';
import { registerReadApi } from './http/read-api.js';
import { registerSignedFiles } from './http/signed-files-route.js';
import type { ServerServices } from './http/types.js';
import { DEFAULT_MAX_UPLOAD_BYTES, registerUploads } from './http/upload-route.js';
import { ensurePrivateDir, loadOrCreateSecret } from '@wandb-daemon/storage-kit/private-fs';
import { MAX_NAME_LENGTH } from './live/live-protocol.js';
import { registerLive } from './live/live-route.js';
import { DEFAULT_LIVE_LIMITS, type LiveLimits } from './live/live-session.js';
import { RunChanges } from './live/run-changes.js';
import type { ServerStore } from './store/server-store.js';
import { SqliteServerStore } from './store/sqlite/sqlite-store.js';

/** Options of startServer. */
export interface ServerOptions {
  dataDir: string;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 8080, 0 picks a free one. */
  port?: number;
  /** A running run silent this long becomes crashed; default 300. */
  crashAfterSeconds?: number;
  /** fastify/pino logging: false (default) off, true on, or pino options. */
  logger?: boolean | object;
  /** Base URL clients reach the server at, for upload URLs; default from each request's Host. */
  publicUrl?: string;
  /** Key for the admin user when this start creates it (else one is generated). */
  adminKey?: string;
  /** Largest file upload accepted, in bytes; default 5 GiB. */
  maxUploadBytes?: number;
  /** The built dashboard to serve at `/`; default the installed `@wandb-daemon/dashboard`'s dist/app. */
  dashboardDir?: string;
  /** Milliseconds a live socket may take to send its auth message; default 10000. */
  liveAuthTimeoutMs?: number;
  /** Milliseconds between pings of a live socket (one unanswered by the next is cut off); default 30000. */
  livePingIntervalMs?: number;
}

/** A started server. */
export interface RunningServer {
  /** http://host:port */
  url: string;
  port: number;
  /** The admin's key, set when this start created the admin; null otherwise. */
  adminKey: string | null;
  /** Creates a user (with its default entity) and returns a new key for it. */
  createUser(name: string): { key: string; entity: string };
  /** Stops listening, then closes the database. */
  close(): Promise<void>;
}

/** Default seconds without a heartbeat before a running run is crashed. */
export const DEFAULT_CRASH_AFTER_SECONDS = 300;
/** Name of the admin user created on first start. */
export const ADMIN_USER = 'admin';

/** File names inside the data dir. */
export const DATA_FILES = { database: 'server.sqlite', secret: 'upload-secret', files: 'files' } as const;

/** Opens the store of a data dir, creating the dir (0700) when needed. */
export function openStore(dataDir: string): SqliteServerStore {
  ensurePrivateDir(dataDir);
  return SqliteServerStore.open(join(dataDir, DATA_FILES.database));
}

/** Creates `name` with a fresh key; returns the key and the user's entity. */
export function createUserWithKey(store: ServerStore, name: string): { key: string; entity: string } {
  const viewer = store.createUser(name);
  const key = generateApiKey();
  store.addApiKey(name, key);
  return { key, entity: viewer.defaultEntity.name };
}

/** Creates the admin on an empty data dir; registers a given key for an existing admin. */
function ensureAdmin(store: ServerStore, adminKey: string | undefined): string | null {
  if (adminKey !== undefined && !isValidApiKey(adminKey)) throw new Error('the admin key must look like local-<40 letters or digits> (both W&B clients check the shape)');
  if (store.hasUser(ADMIN_USER)) {
    if (adminKey !== undefined) store.addApiKey(ADMIN_USER, adminKey);
    return null;
  }
  store.createUser(ADMIN_USER);
  const key = adminKey ?? generateApiKey();
  store.addApiKey(ADMIN_USER, key);
  return key;
}

interface AppOptions {
  logger: boolean | object | undefined;
  dashboardDir: string | null;
  live: LiveLimits;
}

async function buildApp(services: ServerServices, options: AppOptions): Promise<FastifyInstance> {
  const { logger } = options;
  const app = Fastify({
    logger: logger === undefined || logger === false ? false : loggerOptions(logger === true ? {} : (logger as Record<string, unknown>)),
    bodyLimit: MAX_BODY_BYTES,
    // Runs and files are addressed by names with dots, dashes and slashes: keep them as sent.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_NAME_LENGTH },
  });
  // First: the WebSocket plugin wraps the routes declared after it.
  await registerLive(app, services, options.live);
  installAuth(app, services.store);
  // fastify's own 404 logs the raw URL, which for a mistyped upload URL holds its token.
  app.setNotFoundHandler(async (request, reply) => {
    const url = loggableUrl(request.url);
    request.log.info(`Route ${request.method}:${url} not found`);
    return reply.code(404).send(errorBody(`Route ${request.method}:${url} not found`));
  });
  // Errors in the W&B shape ({"errors":[{"message"}]}, which clients show), with our limits named.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ err: error }, 'request refused');
    const message = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `the request body is larger than the limit of ${MAX_BODY_BYTES} bytes` : status >= 500 ? 'internal server error' : error.message;
    return reply.code(status).send(errorBody(message));
  });
  app.get('/healthz', async () => ({ ok: true }));
  registerGraphql(app, services);
  registerFileStream(app, services);
  registerUploads(app, services);
  registerReadApi(app, services);
  registerSignedFiles(app, services);
  registerDashboard(app, options.dashboardDir);
  return app;
}

/** Starts a server on `options.dataDir`. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const dataDir = resolve(options.dataDir);
  const store = openStore(dataDir);
  try {
    const adminKey = ensureAdmin(store, options.adminKey);
    const filesDir = join(dataDir, DATA_FILES.files);
    ensurePrivateDir(filesDir);
    const crashAfter = options.crashAfterSeconds ?? DEFAULT_CRASH_AFTER_SECONDS;
    let app: FastifyInstance | null = null;
    const changes = new RunChanges((error) => app?.log.error({ err: error }, 'a run change listener failed'));
    const refreshStates = () => {
      for (const run of store.markCrashed(Date.now() / 1000 - crashAfter)) changes.emit(run);
    };
    const services: ServerServices = {
      store,
      secret: loadOrCreateSecret(join(dataDir, DATA_FILES.secret)),
      filesDir,
      publicUrl: options.publicUrl ? options.publicUrl.replace(/\/+$/, '') : null,
      maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
      refreshStates,
      changes,
    };
    const dashboardDir = options.dashboardDir ?? defaultDashboardDir();
    const live: LiveLimits = {
      ...DEFAULT_LIVE_LIMITS,
      authTimeoutMs: options.liveAuthTimeoutMs ?? DEFAULT_LIVE_LIMITS.authTimeoutMs,
      pingIntervalMs: options.livePingIntervalMs ?? DEFAULT_LIVE_LIMITS.pingIntervalMs,
    };
    app = await buildApp(services, { logger: options.logger, dashboardDir, live });
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 });
    // Reads apply the crash rule themselves; the sweep keeps states right for nobody-reading periods.
    const sweep = setInterval(refreshStates, Math.min(30, Math.max(1, crashAfter / 2)) * 1000);
    sweep.unref();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (options.port ?? 8080);
    const host = options.host ?? '127.0.0.1';
    let closing: Promise<void> | null = null;
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      port,
      adminKey,
      createUser: (name) => createUserWithKey(store, name),
      close: () =>
        (closing ??= (async () => {
          clearInterval(sweep);
          await app.close();
          store.close();
        })()),
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
