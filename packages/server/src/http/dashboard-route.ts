/**
 * The web dashboard: `GET`/`HEAD` of `/` and `/index.html` (the page), `/favicon.svg` and
 * `/assets/*` (bundle, styles, source maps), from the dashboard package's built files (`dist/app`),
 * without auth: the page asks for the key and sends it with every API request. Every reply here
 * carries a strict Content-Security-Policy (same-origin scripts only; the origin's API answers with
 * the user's data; frames only from this origin: the signed, sandboxed user HTML of
 * signed-files-route.ts), nosniff and no-referrer. index.html is revalidated on every load (it names the
 * assets); assets may be cached for ASSET_MAX_AGE_SECONDS. Paths are resolved by @fastify/static,
 * which refuses `..`, encoded separators and dotfiles. Without a built dashboard `/` answers 503.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** The Content-Security-Policy of every dashboard reply. */
export const DASHBOARD_CSP = "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Seconds a browser may reuse an asset (their names carry no hash: keep it short). */
const ASSET_MAX_AGE_SECONDS = 60;

/** Path prefix of the dashboard's assets. */
const ASSETS_PREFIX = '/assets/';

const PAGE_PATHS = new Set(['/', '/index.html']);

/** True for a path the dashboard serves (the auth hook lets GET/HEAD of these through). */
export function isDashboardPath(path: string): boolean {
  return PAGE_PATHS.has(path) || path === '/favicon.svg' || (path.startsWith(ASSETS_PREFIX) && path.length > ASSETS_PREFIX.length);
}

/** The built dashboard of the installed `@wandb-daemon/dashboard` package, or null when it is not installed. */
export function defaultDashboardDir(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@wandb-daemon/dashboard/package.json')), 'dist', 'app');
  } catch {
    return null;
  }
}

const NOT_BUILT = 'The dashboard is not built: run `pnpm build` (it bundles packages/dashboard into dist/app), then reload.\n';

/** Registers the dashboard's routes, serving `dir` (null: no dashboard installed). */
export function registerDashboard(app: FastifyInstance, dir: string | null): void {
  app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', DASHBOARD_CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
      return payload;
    });
    const root = dir === null ? null : resolve(dir);
    const notBuilt = (reply: FastifyReply) => reply.code(503).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    if (root === null) {
      for (const path of PAGE_PATHS) scope.get(path, async (_request, reply) => notBuilt(reply));
      return;
    }
    // The plugin's own route serves /assets/* (its path checks included); sendFile serves the rest.
    await scope.register(fastifyStatic, {
      root: join(root, 'assets'),
      prefix: ASSETS_PREFIX,
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      maxAge: ASSET_MAX_AGE_SECONDS * 1000,
      suppressWarning: true,
    });
    const page = async (_request: unknown, reply: FastifyReply) => {
      // Checked per request: the dashboard may be built while the server runs.
      if (!existsSync(join(root, 'index.html'))) return notBuilt(reply);
      return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
    };
    for (const path of PAGE_PATHS) scope.get(path, page);
    scope.get('/favicon.svg', async (_request, reply) => reply.sendFile('favicon.svg', root, { maxAge: ASSET_MAX_AGE_SECONDS * 1000 }));
  });
}
