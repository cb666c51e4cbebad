/** Opens the server's SQLite database: WAL, owner-only file, migrations applied. */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { PRIVATE_FILE_MODE } from '../../private-fs.js';
import { migrate } from '../migrations/index.js';

/** Opens (creating 0600 if needed) and migrates the database at `path`. */
export function openDatabase(path: string): Database.Database {
  // Create the file 0600 before SQLite does (it would use the umask); the WAL and SHM files inherit it.
  if (path !== ':memory:') closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL: a committed transaction survives a crash of this process; a client retries anything the
  // server had not answered, so a power loss costs at most a resend.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // The CLI's create-user may write while a server runs on the same data dir.
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}
