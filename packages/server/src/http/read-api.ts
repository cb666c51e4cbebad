/**
 * The JSON read API under /api/v1, for dashboards and scripts. A key sees only its user's entities;
 * anything else is 404, indistinguishable from absent. Non-finite numbers are sent as the strings
 * "NaN", "Infinity", "-Infinity" in every reply.
 *
 *   GET  /api/v1/viewer
 *   GET  /api/v1/projects
 *   GET  /api/v1/runs/:entity/:project
 *   GET  /api/v1/runs/:entity/:project/:run
 *        (the run, plus `files`, `historyKeys`, `metrics` (store/metric-info.ts),
 *        `historyKeyTypes: {key: type}`: for every history key 'number' when its values are numbers,
 *        else the `_type` of its last typed value ('image-file', 'histogram', 'table-file'...), else
 *        'json'; and `charts: [{key, panelDefId, tableKey, fields, stringFields}]`, the custom
 *        charts of `_wandb.visualize` (store/custom-charts.ts))
 *   GET  /api/v1/runs/:entity/:project/:run/history?keys=a,b&minStep=&maxStep=&limit=
 *   GET  /api/v1/runs/:entity/:project/:run/history/m4?key=K&x=_step&buckets=N&min=&max=&raw=1000&smoothing=0
 *        (minStep/maxStep: integer aliases of min/max when x is _step; smoothing: TensorBoard's EMA
 *        weight, 0 <= w < 1, over every raw point from the run's first; above 0 the reply adds
 *        `smoothed`, reduced like `points`; reply in history-query.ts)
 *   GET  /api/v1/runs/:entity/:project/:run/history/values?key=K&minStep=&maxStep=&limit=1000
 *        → {key, values: [{step, value}], total}: the key's non-null values in the step window, in
 *        step order (numbers as numbers, typed values such as images parsed); `total` counts the
 *        window's values; when it exceeds `limit` (default 1000, at most 10000), `limit` values
 *        spread evenly over the window, the first and the last included (limit 1: the last)
 *   GET  /api/v1/runs/:entity/:project/:run/events?from=&limit=
 *   GET  /api/v1/runs/:entity/:project/:run/output?from=&limit=
 *   GET  /api/v1/runs/:entity/:project/:run/files/<path>
 *        (served with `content-security-policy: sandbox`: no script of a file runs)
 *   GET  /api/v1/runs/:entity/:project/:run/file-url?path=P
 *        → {url}: `/api/v1/signed-files/<token>/<path>`, a URL of the uploaded file P valid for 10
 *        minutes without the key (for a sandboxed iframe); 404 for a file not uploaded
 *   GET  /api/v1/signed-files/<token>/<path>
 *        (no key: the file, sandboxed with scripts allowed; 403 for a bad or expired token or
 *        another path; signed-files-route.ts)
 *   POST /api/v1/runs/:entity/:project/:run/stop
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseJsonObject, toStrictJsonValue } from '@wandb-daemon/protocol';
import { blobLocation, contentTypeOf } from '../file-paths.js';
import { customCharts } from '../store/custom-charts.js';
import { metricInfos } from '../store/metric-info.js';
import { pickWandbConfigKeys } from '../store/wrapped-config.js';
import { memberEntity } from '../graphql/context.js';
import type { RunRecord } from '../store/server-store.js';
import { sendError } from './errors.js';
import { intOrUndefined, readHistory, readHistorySeries, readHistoryValues, type QueryString } from './history-query.js';
import { parseRunConfig, runDetailJson, runListJson } from './run-json.js';
import { signedFileUrl } from './signed-files-route.js';
import type { ServerServices } from './types.js';

interface RunParams {
  entity: string;
  project: string;
  run: string;
}

/** Largest page of events or output lines. */
const MAX_LINES_PAGE = 10_000;

/** The `from` and `limit` of an events or output page (limit capped at MAX_LINES_PAGE); null after a 400 reply. */
function linesPage(query: QueryString, reply: FastifyReply): { from: number; limit: number } | null {
  const from = intOrUndefined(query.from) ?? 0;
  const limit = Math.min(intOrUndefined(query.limit) ?? MAX_LINES_PAGE, MAX_LINES_PAGE);
  if (from >= 0 && limit >= 0) return { from, limit };
  sendError(reply, 400, 'from and limit must be non-negative integers');
  return null;
}

/** Registers the read API (its own scope: strict-JSON replies). */
export function registerReadApi(app: FastifyInstance, services: ServerServices): void {
  app.register(async (scope) => {
    scope.addHook('preSerialization', async (_request, _reply, payload) => toStrictJsonValue(payload));
    const { store } = services;

    const findRun = (request: FastifyRequest<{ Params: RunParams }>, reply: FastifyReply): RunRecord | null => {
      const { entity, project, run } = request.params;
      services.refreshStates();
      const found = memberEntity(request.viewer!, entity) ? store.findRun({ entity, project, run }) : null;
      if (!found) sendError(reply, 404, `no run ${entity}/${project}/${run}`);
      return found;
    };

    scope.get('/api/v1/viewer', async (request) => {
      const viewer = request.viewer!;
      return { username: viewer.username, email: viewer.email, entity: viewer.defaultEntity.name, entities: viewer.entities.map((e) => e.name) };
    });

    scope.get('/api/v1/projects', async (request) => ({
      projects: store.listProjects(request.viewer!.entities.map((e) => e.id)).map((p) => ({
        entity: p.entity.name,
        name: p.name,
        runCount: p.runCount,
        createdAt: new Date(p.createdAt * 1000).toISOString(),
        lastActivity: new Date(p.lastActivity * 1000).toISOString(),
      })),
    }));

    scope.get<{ Params: { entity: string; project: string } }>('/api/v1/runs/:entity/:project', async (request, reply) => {
      const { entity, project } = request.params;
      services.refreshStates();
      const found = memberEntity(request.viewer!, entity) ? store.findProject(entity, project) : null;
      if (!found) return sendError(reply, 404, `no project ${entity}/${project}`);
      return { runs: store.listRuns(found.id).map(runListJson) };
    });

    scope.get<{ Params: RunParams }>('/api/v1/runs/:entity/:project/:run', async (request, reply) => {
      const run = findRun(request, reply);
      if (!run) return reply;
      const config = parseRunConfig(run);
      // Metrics and charts both decode the internal `_wandb` config: picked once.
      const wandb = pickWandbConfigKeys(config, null);
      const keyTypes = store.historyKeyTypes(run.id);
      return {
        ...runDetailJson(run, config),
        files: store.files(run.id).map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, uploaded: f.uploaded, updatedAt: new Date(f.updatedAt * 1000).toISOString() })),
        historyKeys: keyTypes.map((k) => k.key),
        // fromEntries defines each key as data: a "__proto__" key stays a key.
        historyKeyTypes: Object.fromEntries(keyTypes.map((k) => [k.key, k.type])),
        metrics: metricInfos(wandb),
        charts: customCharts(wandb),
      };
    });

    scope.get<{ Params: RunParams; Querystring: QueryString }>('/api/v1/runs/:entity/:project/:run/history', async (request, reply) => {
      const run = findRun(request, reply);
      if (!run) return reply;
      const result = readHistory(store, run.id, request.query);
      return 'error' in result ? sendError(reply, 400, result.error) : result;
    });

    scope.get<{ Params: RunParams; Querystring: QueryString }>('/api/v1/runs/:entity/:project/:run/history/m4', async (request, reply) => {
      const run = findRun(request, reply);
      if (!run) return reply;
      const result = readHistorySeries(store, run.id, request.query);
      return 'error' in result ? sendError(reply, 400, result.error) : result;
    });

    scope.get<{ Params: RunParams; Querystring: QueryString }>('/api/v1/runs/:entity/:project/:run/history/values', async (request, reply) => {
      const run = findRun(request, reply);
      if (!run) return reply;
      const result = readHistoryValues(store, run.id, request.query);
      return 'error' in result ? sendError(reply, 400, result.error) : result;
    });

    scope.get<{ Params: RunParams; Querystring: QueryString }>('/api/v1/runs/:entity/:project/:run/events', async (request, reply) => {
      const run = findRun(request, reply);
      if (!run) return reply;
      const page = linesPage(request.query, reply);
      if (!page) return reply;
      return { events: store.eventsLines(run.id, page.from, page.limit).map((e) => ({ lineNo: e.lineNo, ...(parseJsonObject(e.line) ?? { line: e.line }) })) };
    });

    scope.get<{ Params: RunParams; Querystring: QueryString }>('/api/v1/runs/:entity/:project/:run/output', async (request, reply) => {
      const run = findRun(request, reply);
      if (!run) return reply;
      const page = linesPage(request.query, reply);
      if (!page) return reply;
      return { lines: store.outputLines(run.id, page.from, page.limit) };
    });

    scope.get<{ Params: RunParams & { '*': string } }>('/api/v1/runs/:entity/:project/:run/files/*', async (request, reply) => {
      const run = findRun(request, reply);
      if (!run) return reply;
      const file = store.file(run.id, request.params['*']);
      if (!file?.blob) return sendError(reply, 404, `no uploaded file ${request.params['*']}`);
      // Uploaded HTML or SVG must not run scripts in this origin (it serves the API keys' data).
      return reply
        .type(contentTypeOf(file.path))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', 'sandbox')
        .send(createReadStream(blobLocation(services.filesDir, file.blob)));
    });

    scope.get<{ Params: RunParams; Querystring: QueryString }>('/api/v1/runs/:entity/:project/:run/file-url', async (request, reply) => {
      const run = findRun(request, reply);
      if (!run) return reply;
      const path = request.query.path;
      if (typeof path !== 'string' || path === '') return sendError(reply, 400, 'path is required, once');
      const file = store.file(run.id, path);
      if (!file?.blob) return sendError(reply, 404, `no uploaded file ${path}`);
      return { url: signedFileUrl(services.secret, run.id, file.path) };
    });

    scope.post<{ Params: RunParams }>('/api/v1/runs/:entity/:project/:run/stop', async (request, reply) => {
      const run = findRun(request, reply);
      if (!run) return reply;
      services.changes.emit(store.requestStop(run.id));
      return { stopRequested: true };
    });
  });
}
