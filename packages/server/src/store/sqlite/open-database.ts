/** Opens the server's SQLite database: WAL, owner-only file, migrated. */
import type Database from 'better-sqlite3';
import { openSqlite } from '@wandb-daemon/storage-kit/sqlite';
import { migrate } from '../migrations/index.js';

/**
 * Opens (creating 0600 if needed) and migrates the database at `path`. A power loss costs at most a
 * resend: clients retry anything the server had not answered.
 */
export function openDatabase(path: string): Database.Database {
  return openSqlite(path, (db) => migrate(db));
}
