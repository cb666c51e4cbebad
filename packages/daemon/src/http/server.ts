/**
 * The daemon's read-only HTTP API on 127.0.0.1, for the CLI and (later) the dashboard. Every request
 * needs `Authorization: Bearer <token>` with the token from the home's `http-token` file (0600).
 *
 *   GET /api/status                          what `wandb-daemon status --json` prints
 *   GET /api/runs                            every run, newest first
 *   GET /api/runs/:run                       one run (pk or id) with config and summary
 *   GET /api/runs/:run/history?keys=a,b&minStep=&maxStep=&limit=   {"rows":[...],"next":step|null}
 *       with format=lines: {"lines":[{"step","line"}],"next"}, the stored W&B JSON lines byte for byte;
 *       at most `limit` rows (default and ceiling MAX_HISTORY_PAGE); `next` is the minStep of the next page
 *   GET /api/runs/:run/console?from=&limit=  console lines
 *   GET /api/live?run=                       websocket: {"type":"history","run",...,"row"} per new row
 */
import websocket from '@fastify/websocket';
import type Database from 'better-sqlite3';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { StatusReply } from '@wandb-daemon/protocol';
import type { CommitQueue, CommittedHistory } from '../ingest/commit-queue.js';
import type { DaemonPaths } from '../lifecycle/paths.js';
import type { Logger } from '../log.js';
import { Queries } from './queries.js';
import { bearerMatches, loadOrCreateToken } from './token.js';

export interface HttpApiOptions {
  paths: DaemonPaths;
  db: Database.Database;
  queue: CommitQueue;
  log: Logger;
  status: () => StatusReply;
  port: number;
}

export interface HttpApi {
  port: number;
  close(): Promise<void>;
}

/** Rows per history response, at most: a large run is read in pages, never in one response. */
export const MAX_HISTORY_PAGE = 10_000;

const intOrUndefined = (value: unknown): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : Number.NaN;
};

export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const token = loadOrCreateToken(options.paths.httpToken);
  const queries = new Queries(options.db);
  const app: FastifyInstance = Fastify({ loggerInstance: options.log.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger });
  await app.register(websocket);
  app.addHook('onRequest', async (request, reply) => {
    if (!bearerMatches(request.headers.authorization, token)) {
      await reply.code(401).send({ error: 'missing or wrong bearer token (see the http-token file in the daemon home)' });
    }
  });
  registerRoutes(app, queries, options.status);
  registerLive(app, queries, options.queue);
  await app.listen({ host: '127.0.0.1', port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { port, close: () => app.close() };
}

function registerRoutes(app: FastifyInstance, queries: Queries, status: () => StatusReply): void {
  const notFound = (reply: FastifyReply, run: string) => reply.code(404).send({ error: `no run ${run}` });
  app.get('/api/status', async () => status());
  app.get('/api/runs', async () => ({ runs: queries.runs() }));
  app.get<{ Params: { run: string } }>('/api/runs/:run', async (request, reply) => queries.run(request.params.run) ?? notFound(reply, request.params.run));
  app.get<{ Params: { run: string }; Querystring: Record<string, string | undefined> }>('/api/runs/:run/history', async (request, reply) => {
    const run = queries.run(request.params.run);
    if (!run) return notFound(reply, request.params.run);
    const q = request.query;
    const limit = intOrUndefined(q.limit) ?? MAX_HISTORY_PAGE;
    const query = { keys: q.keys ? q.keys.split(',').filter(Boolean) : undefined, minStep: intOrUndefined(q.minStep), maxStep: intOrUndefined(q.maxStep), limit: Math.min(limit, MAX_HISTORY_PAGE) };
    if ([query.minStep, query.maxStep, limit].some((n) => Number.isNaN(n)) || limit < 0) {
      return reply.code(400).send({ error: 'minStep, maxStep and limit must be integers (limit >= 0)' });
    }
    const lines = [...queries.historyLines(run.pk, query)];
    // A full page may have more behind it; the client asks again from the step after the last one.
    const next = lines.length === query.limit && lines.length > 0 ? lines[lines.length - 1]!.step + 1 : null;
    if (q.format === 'lines') return { lines, next };
    return { rows: lines.map(({ line }) => queries.parseRow(line, query.keys)), next };
  });
  app.get<{ Params: { run: string }; Querystring: Record<string, string | undefined> }>('/api/runs/:run/console', async (request, reply) => {
    const run = queries.run(request.params.run);
    if (!run) return notFound(reply, request.params.run);
    return { lines: queries.console(run.pk, intOrUndefined(request.query.from) ?? 0, intOrUndefined(request.query.limit) ?? 1000) };
  });
}

/** Unsent bytes a live subscriber may leave behind before it is dropped (it can reconnect and re-read). */
const MAX_LIVE_BUFFER_BYTES = 16 * 1024 * 1024;

/** Streams each committed history row to websocket subscribers (optionally of one run). */
function registerLive(app: FastifyInstance, queries: Queries, queue: CommitQueue): void {
  app.get<{ Querystring: { run?: string } }>('/api/live', { websocket: true }, (socket, request) => {
    // Named by id or pk, and matched per row, so a subscription may precede the run it waits for.
    const only = request.query.run;
    const onCommitted = (rows: CommittedHistory[]) => {
      for (const row of rows) {
        if (only !== undefined && row.runId !== only && String(row.run) !== only) continue;
        if (socket.bufferedAmount > MAX_LIVE_BUFFER_BYTES) {
          socket.close(1013, 'subscriber too slow; reconnect and read history from the last step seen');
          return;
        }
        socket.send(JSON.stringify({ type: 'history', run: row.run, runId: row.runId, step: row.step, row: queries.historyAt(row.run, row.lineNo) }));
      }
    };
    queue.on('committed', onCommitted);
    socket.on('close', () => queue.off('committed', onCommitted));
  });
}
