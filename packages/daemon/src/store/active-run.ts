/**
 * The daemon's in-memory view of a run that is receiving records: counters and summary state that
 * every record touches, written back to the `runs` row once per group commit rather than per record.
 */
import type { SummaryRule, AggregateState, JsonObject } from '@wandb-daemon/protocol';

export interface ActiveRun {
  pk: number;
  runId: string;
  entity: string | null;
  project: string;
  startTime: number;
  lastSeq: number;
  lastStep: number;
  historyLines: number;
  eventLines: number;
  consoleLines: number;
  droppedRows: number;
  config: JsonObject;
  summary: JsonObject;
  pinned: Set<string>;
  aggregates: AggregateState;
  rules: Map<string, SummaryRule>;
  /** Set when something other than counters changed in the current batch. */
  configDirty: boolean;
  summaryDirty: boolean;
}
