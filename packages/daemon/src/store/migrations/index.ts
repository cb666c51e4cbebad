/**
 * Numbered migrations, applied in order inside one transaction. `user_version` records the newest one
 * applied; a database whose version is newer than any migration here was written by a newer daemon
 * and is refused rather than guessed at.
 */
import type Database from 'better-sqlite3';
import * as initial from './0010-initial.js';
import * as sync from './0020-sync.js';

/** One schema step. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [initial, sync];

export const LATEST_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/** The database was written by a newer wandb-daemon. */
export class SchemaTooNewError extends Error {
  constructor(readonly found: number, readonly supported: number, path: string) {
    super(
      `the database ${path} has schema version ${found}, newer than this wandb-daemon supports (${supported}). ` +
        'Upgrade @wandb-daemon/daemon, or point WANDB_DAEMON_HOME at another directory.',
    );
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
    db.pragma(`user_version = ${latest}`);
  }).immediate();
  return pending.map((m) => m.version);
}
