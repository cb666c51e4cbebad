/** The server's numbered migrations (applied by the storage kit's runner). */
import type Database from 'better-sqlite3';
import { migrate as applyMigrations, SchemaTooNewError, type Migration } from '@wandb-daemon/storage-kit/sqlite';
import * as initial from './0010-initial.js';
import * as historyKeyTypes from './0020-history-key-types.js';

export { SchemaTooNewError, type Migration };

/** Every migration this build knows, oldest first. */
const MIGRATIONS: readonly Migration[] = [initial, historyKeyTypes];

const OWNER = { product: 'wandb-server', remedy: 'Upgrade @wandb-daemon/server, or use another --data-dir.' };

/** Applies the pending migrations; returns the versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  return applyMigrations(db, migrations, OWNER);
}
