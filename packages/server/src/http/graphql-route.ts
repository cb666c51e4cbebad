/**
 * `POST /graphql`: `{query, variables, operationName}` executed by graphql-js. The operation may be
 * known only from the document (older Python sends no operationName). Every GraphQL-level problem,
 * an unsupported operation included, is HTTP 200 with `errors`: clients retry 5xx/429 forever and
 * treat other 4xx as fatal.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { graphql, type GraphQLSchema } from 'graphql';
import { signUploadToken, UPLOAD_TOKEN_TTL_SECONDS } from '../auth/upload-token.js';
import type { GraphqlContext } from '../graphql/context.js';
import { rootValue } from '../graphql/resolvers.js';
import { createSchema } from '../graphql/schema.js';
import { UPLOAD_PREFIX } from './auth.js';
import { errorBody } from './errors.js';
import type { ServerServices } from './types.js';

interface GraphqlBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** The base URL clients reach this server at: configured, else from the request. */
function baseUrlOf(request: FastifyRequest, publicUrl: string | null): string {
  return publicUrl ?? `${request.protocol}://${request.host}`;
}

function contextFor(request: FastifyRequest, services: ServerServices): GraphqlContext {
  const baseUrl = baseUrlOf(request, services.publicUrl);
  return {
    store: services.store,
    viewer: request.viewer!,
    baseUrl,
    uploadUrl: (runId, path) => {
      const token = signUploadToken(services.secret, { runId, path, expires: Math.floor(Date.now() / 1000) + UPLOAD_TOKEN_TTL_SECONDS });
      return `${baseUrl}${UPLOAD_PREFIX}${token}`;
    },
    refreshStates: services.refreshStates,
    changes: services.changes,
  };
}

/** Registers POST /graphql. */
export function registerGraphql(app: FastifyInstance, services: ServerServices, schema: GraphQLSchema = createSchema()): void {
  app.post<{ Body: GraphqlBody }>('/graphql', async (request) => {
    const body = (request.body ?? {}) as GraphqlBody;
    if (typeof body.query !== 'string') return errorBody('the body must be JSON with a "query" string');
    const variables = body.variables === null || typeof body.variables !== 'object' ? undefined : (body.variables as Record<string, unknown>);
    const operationName = typeof body.operationName === 'string' && body.operationName !== '' ? body.operationName : undefined;
    const result = await graphql({ schema, source: body.query, rootValue, contextValue: contextFor(request, services), variableValues: variables, operationName });
    for (const error of result.errors ?? []) {
      // Errors without a GraphQL location came from a resolver's bug; log them (they are rare).
      if (error.originalError && !error.originalError.message.startsWith('permission denied')) request.log.warn({ err: error.originalError, path: error.path }, 'graphql resolver error');
    }
    return result;
  });
}
