/** Opens the daemon's SQLite database: one writer connection, WAL, owner-only file. */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { PRIVATE_FILE_MODE } from '../lifecycle/private-fs.js';
import { migrate } from './migrations/index.js';

export function openDatabase(path: string): Database.Database {
  // Create the file 0600 before SQLite does (SQLite would use the umask); WAL and SHM files inherit it.
  if (path !== ':memory:') closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL: a committed transaction survives a crash of this process (the WAL is written before
  // commit returns); `finish` commits additionally use FULL so they also survive power loss.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}
