/**
 * The in-process bus of run changes: every write that alters what the dashboard shows of a run
 * (file_stream applied, UpsertBucket, a stop request, files, the crash sweep) emits the run as it is
 * after the change; live sockets listen per project. Emitting is synchronous and never throws into
 * the writer: a listener's failure is reported to `onError`.
 */
import type { RunRecord } from '../store/server-store.js';

/** Called with a run after it changed. */
export type RunChangeListener = (run: RunRecord) => void;

/** The key of a project's changes (names may hold any character: JSON keeps the pair apart). */
export const projectTopic = (entity: string, project: string): string => JSON.stringify([entity, project]);

/** Run changes by project. */
export class RunChanges {
  private readonly listeners = new Map<string, Set<RunChangeListener>>();

  constructor(private readonly onError: (error: unknown) => void = () => {}) {}

  /** Calls `listener` for every change of a run of entity/project; returns the function that stops it. */
  subscribe(entity: string, project: string, listener: RunChangeListener): () => void {
    const key = projectTopic(entity, project);
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key);
    };
  }

  /** Tells the listeners of the run's project that it changed. */
  emit(run: RunRecord): void {
    const set = this.listeners.get(projectTopic(run.project.entity.name, run.project.name));
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(run);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  /** Projects with listeners (for tests and diagnostics). */
  get topicCount(): number {
    return this.listeners.size;
  }
}
