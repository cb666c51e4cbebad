/**
 * `POST /files/:entity/:project/:run/file_stream`. Every request is a heartbeat; content lines are
 * idempotent upserts at their index. A run never upserted is created with defaults (W&B creates
 * buckets on demand too), so a client whose UpsertBucket reply was lost still streams. The reply is
 * `{}`, or `{"stopped": true}` once a stop was requested.
 */
import type { FastifyInstance } from 'fastify';
import { memberEntity } from '../graphql/context.js';
import { sendError } from './errors.js';
import { parseFileStreamBody } from './file-stream-body.js';
import { acceptRawBodies, decodedBody, UnsupportedEncodingError } from './raw-body.js';
import type { ServerServices } from './types.js';

interface RunParams {
  entity: string;
  project: string;
  run: string;
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
        // A body that is not a file_stream request (or corrupt gzip) is the client's bug: 400.
        const status = error instanceof UnsupportedEncodingError ? 415 : 400;
        return sendError(reply, status, (error as Error).message);
      }
      const run = services.store.ensureRun(entity, project, runName);
      const after = services.store.applyFileStream(run.id, update, Date.now() / 1000);
      return after.stopRequested ? { stopped: true } : {};
    });
  });
}
