/** The files of runs: what was uploaded, where its bytes are, and the client's "uploaded" marks. */
import type Database from 'better-sqlite3';
import type { FileRecord } from '../server-store.js';

interface FileRow {
  path: string;
  blob: string | null;
  size: number | null;
  sha256: string | null;
  uploaded: number;
  updated_at: number;
}

const toFile = (row: FileRow): FileRecord => ({ path: row.path, blob: row.blob, size: row.size, sha256: row.sha256, uploaded: row.uploaded !== 0, updatedAt: row.updated_at });

/** The files part of the SQLite store. */
export class Files {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      all: db.prepare<[number], FileRow>('SELECT path, blob, size, sha256, uploaded, updated_at FROM files WHERE run_id = ? ORDER BY path'),
      one: db.prepare<[number, string], FileRow>('SELECT path, blob, size, sha256, uploaded, updated_at FROM files WHERE run_id = ? AND path = ?'),
      upload: db.prepare<[number, string, string, number, string, number]>(
        `INSERT INTO files (run_id, path, blob, size, sha256, uploaded, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?)
         ON CONFLICT (run_id, path) DO UPDATE SET blob = excluded.blob, size = excluded.size, sha256 = excluded.sha256, uploaded = 1, updated_at = excluded.updated_at`,
      ),
      mark: db.prepare<[number, string, number]>(
        'INSERT INTO files (run_id, path, uploaded, updated_at) VALUES (?, ?, 1, ?) ON CONFLICT (run_id, path) DO UPDATE SET uploaded = 1',
      ),
    };
  }

  files(runId: number): FileRecord[] {
    return this.statements.all.all(runId).map(toFile);
  }

  file(runId: number, path: string): FileRecord | null {
    const row = this.statements.one.get(runId, path);
    return row ? toFile(row) : null;
  }

  recordUpload(runId: number, path: string, blob: string, size: number, sha256: string, now: number): void {
    this.statements.upload.run(runId, path, blob, size, sha256, now);
  }

  /** Marks paths the client reported in file_stream `uploaded` (they may have no bytes here). */
  markUploaded(runId: number, paths: readonly string[], now: number): void {
    for (const path of paths) this.statements.mark.run(runId, path, now);
  }
}
