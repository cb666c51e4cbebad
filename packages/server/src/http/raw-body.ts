/**
 * Raw request bodies for file_stream: any content type (or none) is read as bytes, and a gzip
 * `Content-Encoding` is undone where asked (wandb-core gzips file_stream once the server advertises
 * FILESTREAM_GZIP). Python sends at most ~10 MiB per request, so compressed and inflated bodies alike
 * are capped near that: a gzip bomb stops inflating at the cap (413) instead of filling memory.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const gunzipAsync = promisify(gunzip);

/** Largest request body accepted (compressed size), uploads excepted (they stream to disk). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Largest decompressed file_stream body: the same cap as an uncompressed one. */
export const MAX_INFLATED_BYTES = 32 * 1024 * 1024;

/** In this (encapsulated) scope, every body arrives as a Buffer, whatever its content type. */
export function acceptRawBodies(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => done(null, body));
}

/** A Content-Encoding this server does not decode. */
export class UnsupportedEncodingError extends Error {}

/** A gzip body that inflates past MAX_INFLATED_BYTES. */
export class InflatedTooLargeError extends Error {}

/** The body bytes, gunzipped when the request says so; throws on an unsupported encoding or a bomb. */
export async function decodedBody(request: FastifyRequest): Promise<Buffer> {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') throw new UnsupportedEncodingError(`unsupported content-encoding ${encoding}`);
  try {
    return await gunzipAsync(body, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw new InflatedTooLargeError(`the body inflates to more than ${MAX_INFLATED_BYTES} bytes`);
    throw error;
  }
}
