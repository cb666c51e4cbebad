/**
 * `run.summary`: one value per metric for the runs table. Committed history rows update it (latest
 * value, or the aggregates `defineMetric` asked for); a key the user sets explicitly is pinned and
 * history no longer touches it; deleting a key unpins it. The client keeps this mirror with the same
 * pure rules the daemon applies to what it stores, so reads need no round trip.
 */
import { applyRowToSummary, pathKey, type AggregateState, type SummaryRule } from '@wandb-daemon/protocol/lite';
import { dictProxy } from './dict-proxy.js';
import { MediaCollector } from './media/collector.js';
import type { MediaFileOut } from './media/wb-value.js';
import { normalizeObject, type PlainObject } from './values.js';

/** Sends a summary change, after the media files its values point at (rich values set in the summary). */
export interface SummarySink {
  (change: { set: PlainObject; remove: string[] }, files: readonly MediaFileOut[]): void;
}

export interface SummaryMethods {
  update(values: PlainObject | Map<string, unknown>): void;
  get<T = unknown>(key: string, fallback?: T): T | undefined;
  keys(): string[];
  items(): [string, unknown][];
  toJSON(): PlainObject;
}

export type Summary = SummaryMethods & Record<string, any>;


export class SummaryStore {
  readonly pinned = new Set<string>();
  readonly rules = new Map<string, SummaryRule>();
  private readonly aggregates: AggregateState = {};
  /** Rich values set in the summary are named `<key>_summary_<sha>` (W&B's step 'summary'). */
  private readonly media = new MediaCollector(false);

  constructor(
    readonly values: PlainObject,
    private readonly sink: SummarySink,
  ) {}

  /** Applies a committed history row (with `_step`, `_runtime`, `_timestamp`). */
  applyRow(row: PlainObject): void {
    applyRowToSummary(this.values, row, this.pinned, this.rules, this.aggregates);
  }

  update(input: unknown): void {
    this.media.begin('summary');
    const values = normalizeObject(input, 'summary.update()', this.media);
    if (Object.keys(values).length === 0) return;
    // Sent before the store changes: a finished run throws here and the summary stays as it was.
    this.sink({ set: values, remove: [] }, [...this.media.files.values()]);
    this.media.clear();
    for (const [key, value] of Object.entries(values)) {
      this.values[key] = value;
      this.pinned.add(pathKey([key]));
    }
  }

  set(key: string, value: unknown): void {
    this.update({ [key]: value }); // update checks and copies it
  }

  delete(key: string): void {
    const had = Object.hasOwn(this.values, key) || this.pinned.has(pathKey([key]));
    delete this.values[key];
    this.pinned.delete(pathKey([key]));
    if (had) this.sink({ set: {}, remove: [key] }, []);
  }

  proxy(): Summary {
    const methods: SummaryMethods = {
      update: (values) => this.update(values),
      get: <T>(key: string, fallback?: T) => (Object.hasOwn(this.values, key) ? (this.values[key] as T) : fallback),
      keys: () => Object.keys(this.values),
      items: () => Object.entries(this.values),
      toJSON: () => structuredClone(this.values),
    };
    return dictProxy({ values: this.values, methods, tag: 'Summary', set: (key, value) => this.set(key, value), delete: (key) => this.delete(key) });
  }
}
