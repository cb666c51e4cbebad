/** What every resolver gets: the store, the authenticated viewer and how to build URLs. */
import type { RunChanges } from '../live/run-changes.js';
import type { EntityRef, ServerStore, Viewer } from '../store/server-store.js';

/** Per-request GraphQL context. */
export interface GraphqlContext {
  store: ServerStore;
  viewer: Viewer;
  /** Absolute base URL clients reach this server at (configured, or from the request's Host). */
  baseUrl: string;
  /** A signed upload URL for a run's file. */
  uploadUrl(runId: number, path: string): string;
  /** Applies the crash rule before a read, so states are current. */
  refreshStates(): void;
  /** Where writes announce the runs they changed (the live socket listens). */
  changes: RunChanges;
}

/** The viewer's entity named `name` (default entity for null/empty), or null when not a member. */
export function memberEntity(viewer: Viewer, name: string | null | undefined): EntityRef | null {
  if (name == null || name === '') return viewer.defaultEntity;
  return viewer.entities.find((e) => e.name === name) ?? null;
}
