/** Opens the daemon's SQLite database: one writer connection, WAL, owner-only file, migrated. */
import type Database from 'better-sqlite3';
import { openSqlite } from '@wandb-daemon/storage-kit/sqlite';
import { migrate } from './migrations/index.js';

/** `finish` commits additionally use synchronous=FULL, so they also survive power loss. */
export function openDatabase(path: string): Database.Database {
  return openSqlite(path, (db) => migrate(db));
}
