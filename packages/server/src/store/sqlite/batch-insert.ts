/**
 * Multi-row INSERTs with statements prepared once: rows are buffered and written ROWS_PER_STATEMENT
 * at a time (one statement call instead of one per row), the remainder one by one at flush.
 */
import type Database from 'better-sqlite3';

/** Rows per multi-row statement: 6 columns × 64 rows stays far below SQLite's parameter limit. */
const ROWS_PER_STATEMENT = 64;

/** Buffers rows of `columns` for `INSERT OR REPLACE INTO table`; call flush() before commit. */
export class BatchInsert {
  private readonly one: Database.Statement;
  private readonly many: Database.Statement;
  private params: unknown[] = [];

  constructor(db: Database.Database, table: string, private readonly columns: readonly string[]) {
    const row = `(${columns.map(() => '?').join(', ')})`;
    const head = `INSERT OR REPLACE INTO ${table} (${columns.join(', ')}) VALUES `;
    this.one = db.prepare(head + row);
    this.many = db.prepare(head + Array.from({ length: ROWS_PER_STATEMENT }, () => row).join(', '));
  }

  /** Adds one row (values in column order). */
  add(...values: unknown[]): void {
    for (const value of values) this.params.push(value);
    if (this.params.length === this.columns.length * ROWS_PER_STATEMENT) {
      this.many.run(this.params);
      this.params = [];
    }
  }

  /** Writes the buffered remainder. */
  flush(): void {
    const width = this.columns.length;
    for (let i = 0; i < this.params.length; i += width) this.one.run(this.params.slice(i, i + width));
    this.params = [];
  }

  /** Drops buffered rows (after a rolled-back transaction). */
  discard(): void {
    this.params = [];
  }
}
