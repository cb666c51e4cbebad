/**
 * The daemon's one sha256 helper: media contents checked at ingest, file versions and config/summary
 * hashes in sync. Node built-ins only, so that the store can use it without loading the sync layer.
 */
import { createHash } from 'node:crypto';

/** sha256 of text (UTF-8) or bytes, hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
