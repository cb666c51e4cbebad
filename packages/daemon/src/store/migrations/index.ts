/** The daemon's numbered migrations (applied by the storage kit's runner). */
import type Database from 'better-sqlite3';
import { migrate as applyMigrations, SchemaTooNewError, type Migration } from '@wandb-daemon/storage-kit/sqlite';
import * as initial from './0010-initial.js';
import * as sync from './0020-sync.js';
import * as syncEpochs from './0030-sync-epochs-and-file-retries.js';
import * as mediaBlobs from './0040-media-blobs-and-charts.js';

export { SchemaTooNewError, type Migration };

export const MIGRATIONS: readonly Migration[] = [initial, sync, syncEpochs, mediaBlobs];

export const LATEST_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

const OWNER = { product: 'wandb-daemon', remedy: 'Upgrade @wandb-daemon/daemon, or point WANDB_DAEMON_HOME at another directory.' };

/** Applies the pending migrations; returns the versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  return applyMigrations(db, migrations, OWNER);
}
