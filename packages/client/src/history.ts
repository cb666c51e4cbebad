/**
 * W&B's step and commit rules for `log(data, { step, commit })`, as its internal handler applies
 * them (the client keeps a pending row and decides when it becomes a history row):
 * - no step and no commit: merge into the pending row and commit it; each such call is one step;
 * - `commit: false` merges without committing; `commit: true` commits the merged row;
 * - a step greater than the current one commits the pending row first (at the current step), then
 *   moves to that step; the given step is committed only with `commit: true`;
 * - a step smaller than the current one drops the whole call;
 * - an empty pending row is never committed, and does not advance the step.
 */
import type { PlainObject } from './values.js';

export interface CommittedRow {
  step: number;
  data: PlainObject;
}

export type LogOutcome =
  | { kind: 'ok'; rows: CommittedRow[] }
  | { kind: 'dropped'; step: number; current: number };

export class HistoryAccumulator {
  private pending: PlainObject | null = null;

  /** `step` is the step the next committed row gets: 0 for a new run, last step + 1 when resumed. */
  constructor(private current: number) {}

  /** The step the next committed row gets (`run.step`). */
  get step(): number {
    return this.current;
  }

  /** True when a `commit: false` row is waiting. */
  get hasPending(): boolean {
    return this.pending !== null;
  }

  /** Applies one `log` call. `data` is already normalized and owned by the accumulator. */
  log(data: PlainObject, step: number | undefined, commit: boolean | undefined): LogOutcome {
    if (step === undefined && commit === undefined && this.pending === null) {
      // The common call: one row per call, no merge needed.
      return { kind: 'ok', rows: this.commitRow(data, undefined) };
    }
    const rows: CommittedRow[] = [];
    let flush = commit;
    if (step !== undefined) {
      if (step < this.current) return { kind: 'dropped', step, current: this.current };
      if (step > this.current) {
        rows.push(...this.flush());
        this.current = step;
      }
    } else if (flush === undefined) {
      flush = true;
    }
    this.pending = this.pending === null ? data : Object.assign(this.pending, data);
    if (flush) rows.push(...this.flush(step));
    return { kind: 'ok', rows };
  }

  /** Commits the pending row, if any (at finish, and before a larger step). */
  flush(step?: number): CommittedRow[] {
    const data = this.pending;
    this.pending = null;
    if (data === null) return [];
    return this.commitRow(data, step);
  }

  private commitRow(data: PlainObject, step: number | undefined): CommittedRow[] {
    if (isEmpty(data)) return [];
    const at = step ?? this.current;
    this.current = at + 1;
    return [{ step: at, data }];
  }
}

function isEmpty(data: PlainObject): boolean {
  for (const _ in data) return false;
  return true;
}
