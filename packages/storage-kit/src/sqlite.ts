/**
 * SQLite databases as the daemon and the server keep them: one file created 0600, WAL, and numbered
 * migrations applied in order inside one transaction. `user_version` records the newest one applied;
 * a database whose version is newer than any migration known was written by a newer build and is
 * refused rather than guessed at.
 */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { PRIVATE_FILE_MODE } from './private-fs.js';

/** One schema step. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Who owns a database, for the message when it is too new: `wandb-daemon` and how to get past it. */
export interface SchemaOwner {
  product: string;
  remedy: string;
}

/** The database was written by a newer build. */
export class SchemaTooNewError extends Error {
  constructor(readonly found: number, readonly supported: number, path: string, owner: SchemaOwner) {
    super(`the database ${path} has schema version ${found}, newer than this ${owner.product} supports (${supported}). ${owner.remedy}`);
    this.name = 'SchemaTooNewError';
  }
}

/** Applies pending migrations; returns the versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[], owner: SchemaOwner): number[] {
  const latest = Math.max(0, ...migrations.map((m) => m.version));
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) throw new SchemaTooNewError(current, latest, db.name, owner);
  const pending = [...migrations].sort((a, b) => a.version - b.version).filter((m) => m.version > current);
  if (pending.length === 0) return [];
  db.transaction(() => {
    for (const migration of pending) db.exec(migration.sql);
    // An integer from our own list, never user input: safe to inline (pragmas take no parameters).
    db.pragma(`user_version = ${latest}`);
  }).immediate();
  return pending.map((m) => m.version);
}

/**
 * Opens (creating it 0600 first) the database at `path` in WAL mode and brings it up to date with
 * `migrateDb`. `synchronous = NORMAL`: a committed transaction survives any crash of the process (the
 * WAL is written before commit returns); callers that need more (the daemon's `finish`) ask for FULL.
 */
export function openSqlite(path: string, migrateDb: (db: Database.Database) => unknown): Database.Database {
  // Created before SQLite does (SQLite would use the umask); the WAL and SHM files inherit its mode.
  if (path !== ':memory:') closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Another connection (the server's create-user CLI, a reader) may hold the lock for a moment.
  db.pragma('busy_timeout = 5000');
  migrateDb(db);
  return db;
}
