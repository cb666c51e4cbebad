/**
 * What a live `run` message means for a page: the server sends one for any change of a run
 * (heartbeat, console line, events line, file, history), so each part of a page refetches only when
 * the line count of its own stream moved. Pure, for unit tests under Node.
 */
import type { RunState } from '../api.js';
import type { RunChange } from '../live.js';

/** States a run does not leave: its last lines are all stored. */
const FINAL_STATES: ReadonlySet<RunState> = new Set<RunState>(['finished', 'failed', 'crashed']);

/** Which streams of a run to refetch. */
export interface StreamChanges {
  /** New history lines (charts), or the run reached a final state. */
  history: boolean;
  /** New events lines (system metrics). */
  events: boolean;
  /** New console lines. */
  log: boolean;
}

const ALL: StreamChanges = { history: true, events: true, log: true };

/** One run's last seen line counts and state. */
export class RunChangeTracker {
  private last: RunChange | null = null;

  /**
   * The streams `change` moved since the last change seen. Null (a resync: changes may have been
   * missed) moves everything. Without an earlier change nothing is known of what the page fetched,
   * so every stream holding lines counts as moved.
   */
  next(change: RunChange | null): StreamChanges {
    if (change === null) return ALL;
    const last = this.last;
    this.last = change;
    if (last === null) return { history: change.historyLineCount > 0 || FINAL_STATES.has(change.state), events: change.eventsLineCount > 0, log: change.logLineCount > 0 };
    return {
      history: change.historyLineCount !== last.historyLineCount || (FINAL_STATES.has(change.state) && change.state !== last.state),
      events: change.eventsLineCount !== last.eventsLineCount,
      log: change.logLineCount !== last.logLineCount,
    };
  }
}
