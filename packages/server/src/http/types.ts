/** Request decoration and the services routes share. */
import type { RunChanges } from '../live/run-changes.js';
import type { ServerStore, Viewer } from '../store/server-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated key's owner; null only on routes that need no key. */
    viewer: Viewer | null;
  }
}

/** What the route modules need from the running server. */
export interface ServerServices {
  store: ServerStore;
  /** Signs upload tokens (HMAC key from the data dir). */
  secret: Buffer;
  /** Directory of uploaded file bytes. */
  filesDir: string;
  /** Configured public URL (no trailing slash), or null to use the request's Host. */
  publicUrl: string | null;
  /** Largest upload body accepted, in bytes. */
  maxUploadBytes: number;
  /** Applies the crash rule (running runs silent for too long become crashed). */
  refreshStates(): void;
  /** Run changes the dashboard shows; emitted after every such write. */
  changes: RunChanges;
}
