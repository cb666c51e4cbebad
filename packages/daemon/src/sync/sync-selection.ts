/** Which stored runs a `sync` request names: by id or pk, or every run without a remote or with a failed sync. */
import type Database from 'better-sqlite3';
import { ProtocolError, type SyncedRun, type SyncRequest } from '@wandb-daemon/protocol';

const COLUMNS = 'r.pk AS run, r.run_id AS runId, r.entity, r.project, r.state, r.history_lines AS historyLines, r.event_lines AS eventLines, r.console_lines AS consoleLines';
const FILTERS = '(@project IS NULL OR r.project = @project) AND (@entity IS NULL OR r.entity = @entity)';

/** Prepared selection queries. */
export class SyncSelection {
  private readonly byKey: Database.Statement;
  private readonly unsynced: Database.Statement;

  constructor(db: Database.Database) {
    this.byKey = db.prepare(`SELECT ${COLUMNS} FROM runs r WHERE (r.run_id = @key OR CAST(r.pk AS TEXT) = @key) AND ${FILTERS} ORDER BY r.pk`);
    this.unsynced = db.prepare(`SELECT ${COLUMNS} FROM runs r LEFT JOIN sync_state s ON s.run_pk = r.pk
      WHERE (r.remote_id IS NULL OR s.fatal_error IS NOT NULL) AND ${FILTERS} ORDER BY r.pk`);
  }

  /** The runs a request selects; an id that matches nothing is an error naming it. */
  select(request: Pick<SyncRequest, 'runs' | 'all' | 'project' | 'entity'>): SyncedRun[] {
    const filters = { project: request.project ?? null, entity: request.entity ?? null };
    const selected = new Map<number, SyncedRun>();
    if (request.all) for (const run of this.unsynced.all(filters) as SyncedRun[]) selected.set(run.run, run);
    for (const key of request.runs ?? []) {
      const found = this.byKey.all({ ...filters, key }) as SyncedRun[];
      if (found.length === 0) throw new ProtocolError('RUN_NOT_FOUND', `no run ${JSON.stringify(key)}${request.project ? ` in project ${request.project}` : ''} (see: wandb-daemon runs)`);
      for (const run of found) selected.set(run.run, run);
    }
    return [...selected.values()];
  }
}
