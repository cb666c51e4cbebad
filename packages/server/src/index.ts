/** The W&B-compatible server: storage, GraphQL, file_stream, uploads and the JSON read API. */
export { startServer, openStore, createUserWithKey, DEFAULT_CRASH_AFTER_SECONDS, ADMIN_USER, DATA_FILES, type RunningServer, type ServerOptions } from './server.js';
export { generateApiKey, isValidApiKey } from './auth/api-key.js';
export type { ServerStore, RunRecord, Viewer, FileStreamUpdate } from './store/server-store.js';
export { SqliteServerStore } from './store/sqlite/sqlite-store.js';
