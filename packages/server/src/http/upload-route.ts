/**
 * `PUT /upload/<token>`: the raw bytes of one run file. No auth header: the signed token names the
 * run and path and expires. Bytes go to a temp file, then are renamed over the blob named by the
 * hash of the path (never by the path itself), so a re-PUT replaces the file atomically.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { verifyUploadToken } from '../auth/upload-token.js';
import { blobLocation, blobName, invalidFilePath } from '../file-paths.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '@wandb-daemon/storage-kit/private-fs';
import { UPLOAD_PREFIX } from './auth.js';
import { sendError } from './errors.js';
import { acceptRawBodies } from './raw-body.js';
import type { ServerServices } from './types.js';

/** Writes `bytes` to `path` (0600) through a temp file in the same directory. */
function writeBlob(path: string, bytes: Buffer): void {
  ensurePrivateDir(dirname(path));
  const tmp = join(dirname(path), `.tmp-${randomBytes(6).toString('hex')}`);
  const fd = openSync(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Registers the upload route (raw bodies of any content type). */
export function registerUploads(app: FastifyInstance, services: ServerServices): void {
  app.register(async (scope) => {
    acceptRawBodies(scope);
    scope.put<{ Params: { token: string } }>(`${UPLOAD_PREFIX}:token`, async (request, reply) => {
      const grant = verifyUploadToken(services.secret, request.params.token);
      if (!grant) return sendError(reply, 403, 'invalid or expired upload token');
      if (invalidFilePath(grant.path) !== null) return sendError(reply, 400, 'invalid file path');
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const blob = blobName(grant.runId, grant.path);
      writeBlob(blobLocation(services.filesDir, blob), bytes);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      services.store.recordUpload(grant.runId, grant.path, blob, bytes.length, sha256, Date.now() / 1000);
      return reply.code(200).send({ size: bytes.length, sha256 });
    });
  });
}
