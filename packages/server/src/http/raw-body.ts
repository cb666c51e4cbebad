/**
 * Raw request bodies for file_stream and uploads: any content type (or none) is read as bytes, and a
 * gzip `Content-Encoding` is undone where asked (wandb-core gzips file_stream once the server
 * advertises FILESTREAM_GZIP).
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const gunzipAsync = promisify(gunzip);

/** Largest request body accepted (compressed size). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Largest decompressed file_stream body: bounds a gzip bomb. */
export const MAX_INFLATED_BYTES = 512 * 1024 * 1024;

/** In this (encapsulated) scope, every body arrives as a Buffer, whatever its content type. */
export function acceptRawBodies(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => done(null, body));
}

/** A Content-Encoding this server does not decode. */
export class UnsupportedEncodingError extends Error {}

/** The body bytes, gunzipped when the request says so; throws on an unsupported encoding. */
export async function decodedBody(request: FastifyRequest): Promise<Buffer> {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipAsync(body, { maxOutputLength: MAX_INFLATED_BYTES });
  throw new UnsupportedEncodingError(`unsupported content-encoding ${encoding}`);
}
