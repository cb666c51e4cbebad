/** The compare route's runs, kept as the router gives them: an id may hold a ','. */
import type { RunPath } from '../api.js';

/** The run paths of the compare view, one per routed id (never re-split on ','). */
export const comparePaths = (entity: string, project: string, ids: readonly string[]): RunPath[] => ids.map((run) => ({ entity, project, run }));

/** The compare view's component key: different for different id lists, even ids holding ','. */
export const compareKey = (entity: string, project: string, ids: readonly string[]): string => JSON.stringify([entity, project, ids]);
