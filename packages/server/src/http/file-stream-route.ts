/**
 * `POST /files/:entity/:project/:run/file_stream`. Every request is a heartbeat; content lines are
 * idempotent upserts at their index. A run never upserted is created with defaults (W&B creates
 * buckets on demand too), so a client whose UpsertBucket reply was lost still streams. The reply is
 * `{}`, or `{"stopped": true}` once a stop was requested. A request the server cannot store because
 * of its data is a 4xx, never a 5xx: clients resend a 5xx forever.
 */
import type { FastifyInstance } from 'fastify';
import { memberEntity } from '../graphql/context.js';
import { sendError, storeErrorStatus } from './errors.js';
import { FileStreamBodyError, parseFileStreamBody } from './file-stream-body.js';
import { acceptRawBodies, decodedBody, InflatedTooLargeError, UnsupportedEncodingError } from './raw-body.js';
import type { ServerServices } from './types.js';

interface RunParams {
  entity: string;
  project: string;
  run: string;
}

/** The status for a body that could not be decoded or validated. */
function bodyErrorStatus(error: unknown): number {
  if (error instanceof FileStreamBodyError) return error.status;
  if (error instanceof InflatedTooLargeError) return 413;
  if (error instanceof UnsupportedEncodingError) return 415;
  // Corrupt gzip and the like: the client's bug.
  return 400;
}

/** Registers the file_stream route (in its own scope: raw bodies, gzip). */
export function registerFileStream(app: FastifyInstance, services: ServerServices): void {
  app.register(async (scope) => {
    acceptRawBodies(scope);
    scope.post<{ Params: RunParams }>('/files/:entity/:project/:run/file_stream', async (request, reply) => {
      const { entity: entityName, project, run: runName } = request.params;
      const entity = memberEntity(request.viewer!, entityName);
      if (!entity) return sendError(reply, 403, `permission denied: not a member of entity ${entityName}`);
      let update;
      try {
        update = parseFileStreamBody(await decodedBody(request));
      } catch (error) {
        return sendError(reply, bodyErrorStatus(error), (error as Error).message);
      }
      try {
        const run = services.store.ensureRun(entity, project, runName);
        const after = services.store.applyFileStream(run.id, update, Date.now() / 1000);
        services.changes.emit(after);
        return after.stopRequested ? { stopped: true } : {};
      } catch (error) {
        const status = storeErrorStatus(error);
        request.log.error({ err: error, status }, 'file_stream: storing the request failed');
        if (status === 503) reply.header('retry-after', '10');
        return sendError(reply, status, status === 503 ? 'the server cannot store data right now; retry later' : `the request cannot be stored: ${(error as Error).message}`);
      }
    });
  });
}
