/**
 * Runs currently attached to a connection. A run has at most one writer: the connection that started
 * or resumed it. Records for a run not attached to the sending connection are refused.
 */
import { EventEmitter } from 'node:events';
import type { ActiveRun } from '../store/active-run.js';

/** The part of a connection the ingest pipeline talks to. */
export interface ConnectionHandle {
  readonly id: number;
  readonly closed: boolean;
  readonly ownedRuns: Set<number>;
}

export interface AttachedRun {
  active: ActiveRun;
  owner: ConnectionHandle;
}

/**
 * `attached` fires when a run gets a writer (started, resumed or reattached), `detached` when it loses
 * it (finished, crashed, overwritten); the system metrics sampler follows the running runs by them.
 */
export class RunRegistry extends EventEmitter<{ attached: [AttachedRun]; detached: [number] }> {
  private readonly runs = new Map<number, AttachedRun>();

  get(pk: number): AttachedRun | undefined {
    return this.runs.get(pk);
  }

  attach(active: ActiveRun, owner: ConnectionHandle): void {
    const attached = { active, owner };
    this.runs.set(active.pk, attached);
    owner.ownedRuns.add(active.pk);
    this.emit('attached', attached);
  }

  detach(pk: number): void {
    const attached = this.runs.get(pk);
    if (!attached) return;
    attached.owner.ownedRuns.delete(pk);
    this.runs.delete(pk);
    this.emit('detached', pk);
  }

  /** Replaces the in-memory state of a run (after a failed transaction rolled the database back). */
  replaceState(pk: number, active: ActiveRun): void {
    const attached = this.runs.get(pk);
    if (attached) attached.active = active;
  }

  get size(): number {
    return this.runs.size;
  }
}
