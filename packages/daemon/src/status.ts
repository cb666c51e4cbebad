/**
 * Counts for `status`: runs by state; history rows stored, not yet synced and dropped; and the sync
 * overview. `rows.unsynced` counts every run's rows that no server has acknowledged, including runs
 * without a remote (their rows are unsynced until `wandb-daemon sync` uploads them); `sync` tells the
 * runs with a remote apart from local ones.
 */
import type Database from 'better-sqlite3';
import type { SyncStatus } from '@wandb-daemon/protocol';
import { SyncViews } from './sync/sync-views.js';

/** What `status` reports about the store. */
export interface StoreCounts {
  runs: { total: number; running: number; finished: number; failed: number; crashed: number };
  rows: { stored: number; unsynced: number; dropped: number };
  sync: SyncStatus;
}

/** Prepares the status queries once; the returned function runs them. */
export function createCountQuery(db: Database.Database): () => StoreCounts {
  const byState = db.prepare('SELECT state, count(*) AS n, coalesce(sum(history_lines), 0) AS rows, coalesce(sum(dropped_rows), 0) AS dropped FROM runs GROUP BY state');
  const synced = db.prepare("SELECT coalesce(sum(w.synced_lines), 0) AS n FROM sync_watermarks w WHERE w.stream = 'history'");
  const views = new SyncViews(db);
  return () => {
    const runs = { total: 0, running: 0, finished: 0, failed: 0, crashed: 0 };
    let stored = 0;
    let dropped = 0;
    for (const row of byState.all() as { state: keyof typeof runs; n: number; rows: number; dropped: number }[]) {
      runs[row.state] = row.n;
      runs.total += row.n;
      stored += row.rows;
      dropped += row.dropped;
    }
    const syncedRows = (synced.get() as { n: number }).n;
    return { runs, rows: { stored, unsynced: Math.max(0, stored - syncedRows), dropped }, sync: views.status() };
  };
}
