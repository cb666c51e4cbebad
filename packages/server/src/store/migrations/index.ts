/**
 * Numbered migrations, applied in order inside one transaction. `user_version` records the newest one
 * applied; a database whose version is newer than any migration here was written by a newer server
 * and is refused rather than guessed at.
 */
import type Database from 'better-sqlite3';
import * as initial from './0010-initial.js';

/** One schema step. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration this build knows, oldest first. */
export const MIGRATIONS: readonly Migration[] = [initial];

/** The database was written by a newer wandb-server. */
export class SchemaTooNewError extends Error {
  constructor(readonly found: number, readonly supported: number, path: string) {
    super(`the database ${path} has schema version ${found}, newer than this wandb-server supports (${supported}); upgrade @wandb-daemon/server or use another --data-dir`);
    this.name = 'SchemaTooNewError';
  }
}

/** Applies pending migrations; returns the versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const latest = Math.max(0, ...migrations.map((m) => m.version));
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) throw new SchemaTooNewError(current, latest, db.name);
  const pending = [...migrations].sort((a, b) => a.version - b.version).filter((m) => m.version > current);
  if (pending.length === 0) return [];
  db.transaction(() => {
    for (const migration of pending) db.exec(migration.sql);
    // An integer from our own table, never user input: safe to inline (pragmas take no parameters).
    db.pragma(`user_version = ${latest}`);
  }).immediate();
  return pending.map((m) => m.version);
}
