/**
 * `PUT /upload/<token>`: the raw bytes of one run file. No auth header: the signed token names the
 * run and path and expires. The body is never buffered: it streams to a temp file (hashed on the
 * way, refused with 413 past the upload limit), which is then renamed over the blob named by the
 * hash of the path (never by the path itself), so a re-PUT replaces the file atomically.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { verifyUploadToken } from '../auth/upload-token.js';
import { blobLocation, blobName, invalidFilePath } from '../file-paths.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '@wandb-daemon/storage-kit/private-fs';
import { UPLOAD_PREFIX } from './auth.js';
import { sendError } from './errors.js';
import type { ServerServices } from './types.js';

/** Default largest upload (model checkpoints are big); `maxUploadBytes` of startServer overrides it. */
export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

/** An upload body longer than the limit. */
class UploadTooLargeError extends Error {}

/** Streams `source` to `path` (0600) through a temp file in the same directory; returns size and hash. */
async function writeBlob(source: AsyncIterable<Buffer>, path: string, maxBytes: number): Promise<{ size: number; sha256: string }> {
  ensurePrivateDir(dirname(path));
  const tmp = join(dirname(path), `.tmp-${randomBytes(6).toString('hex')}`);
  const hash = createHash('sha256');
  let size = 0;
  try {
    const file = await open(tmp, 'w', PRIVATE_FILE_MODE);
    try {
      // Not for-await: leaving that loop early destroys the request (and its socket), so the client
      // would see a reset, not the 413. The rest of the body stays unread; the reply closes the connection.
      const chunks = source[Symbol.asyncIterator]();
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        const chunk = next.value;
        size += chunk.length;
        if (size > maxBytes) throw new UploadTooLargeError(`the upload is larger than the limit of ${maxBytes} bytes`);
        hash.update(chunk);
        // A write may take fewer bytes than given: loop until the chunk is all down.
        for (let done = 0; done < chunk.length; ) done += (await file.write(chunk, done)).bytesWritten;
      }
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return { size, sha256: hash.digest('hex') };
}

/** An early answer: the body was not read, so the connection closes instead of draining it. */
const refuse = (reply: FastifyReply, status: number, message: string) => sendError(reply.header('connection', 'close'), status, message);

/** Registers the upload route (raw bodies of any content type, streamed to disk). */
export function registerUploads(app: FastifyInstance, services: ServerServices): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Leaves the body unread: the handler streams request.raw once the token is checked.
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.put<{ Params: { token: string } }>(`${UPLOAD_PREFIX}:token`, async (request, reply) => {
      const grant = verifyUploadToken(services.secret, request.params.token);
      if (!grant) return refuse(reply, 403, 'invalid or expired upload token');
      if (invalidFilePath(grant.path) !== null) return refuse(reply, 400, 'invalid file path');
      const limit = services.maxUploadBytes;
      if (Number(request.headers['content-length']) > limit) return refuse(reply, 413, `the upload is larger than the limit of ${limit} bytes`);
      const blob = blobName(grant.runId, grant.path);
      let written;
      try {
        written = await writeBlob(request.raw, blobLocation(services.filesDir, blob), limit);
      } catch (error) {
        if (error instanceof UploadTooLargeError) return refuse(reply, 413, error.message);
        // The client went away mid-body: nobody is left to answer.
        if (request.raw.destroyed) return reply;
        throw error;
      }
      services.store.recordUpload(grant.runId, grant.path, blob, written.size, written.sha256, Date.now() / 1000);
      const run = services.store.runById(grant.runId);
      if (run) services.changes.emit(run);
      return reply.code(200).send(written);
    });
  });
}
