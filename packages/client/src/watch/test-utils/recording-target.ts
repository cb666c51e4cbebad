/**
 * A WatchTarget for tests: it records every `log` and `setSummary` call and every warning, and turns
 * values into W&B JSON the way a run would (collecting the files they reference).
 */
import type { MediaFileOut } from '../../media/wb-value.js';
import { WBValue } from '../../media/wb-value.js';
import type { WatchTarget } from '../types.js';

/** One `log` call as watch() made it. */
export interface LogCall {
  data: Record<string, unknown>;
  options: { commit: false };
}

/** Records what watch() sends to a run. */
export class RecordingTarget implements WatchTarget {
  readonly logs: LogCall[] = [];
  readonly summary = new Map<string, WBValue>();
  readonly warnings: string[] = [];
  readonly files: MediaFileOut[] = [];

  log(data: Record<string, unknown>, options: { commit: false }): void {
    this.logs.push({ data, options });
  }

  setSummary(key: string, value: WBValue): void {
    this.summary.set(key, value);
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  /** Every logged key, in order, once per log call. */
  loggedKeys(): string[] {
    return this.logs.flatMap((call) => Object.keys(call.data));
  }

  /** `value` as W&B JSON at `key` and `step`, its files added to `files`. */
  json(value: WBValue, key: string, step: number | 'summary'): Record<string, unknown> {
    return value.toWandbJson({ key, step, addFile: (file) => void this.files.push(file) });
  }
}
