/**
 * What one `log` or summary update gathers while its values become JSON: the files they point at and
 * the custom charts they register. The run sends them, then the row; a call that throws sends none.
 */
import { invalidRunFilePath } from '@wandb-daemon/protocol/lite';
import { checkMediaSize } from './file-media.js';
import type { ChartSpecOut, MediaContext, MediaFileOut } from './wb-value.js';

/** A custom chart for history key `key`, drawing the table logged as `tableKey`. */
export interface ChartOut extends ChartSpecOut {
  key: string;
  tableKey: string;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Collects the files and charts of one call; reused across calls (`begin` clears it). */
export class MediaCollector {
  /** Files by path: the same path twice in one call is sent once. */
  readonly files = new Map<string, MediaFileOut>();
  readonly charts: ChartOut[] = [];
  private step: number | 'summary' = 0;

  /** `acceptsCharts`: true for `log`, false for the summary (W&B charts are history panels). */
  constructor(readonly acceptsCharts: boolean) {}

  /** Starts a call whose values belong to `step`. */
  begin(step: number | 'summary'): void {
    this.step = step;
    this.clear();
  }

  /** Drops what the call gathered (once sent: the bytes are not kept alive until the next call). */
  clear(): void {
    if (this.files.size > 0) this.files.clear();
    if (this.charts.length > 0) this.charts.length = 0;
  }

  /** True when the call gathered nothing (the common case: rows of scalars). */
  get isEmpty(): boolean {
    return this.files.size === 0 && this.charts.length === 0;
  }

  /** The context a value logged under `key` (dotted) gets. */
  context(key: string): MediaContext {
    return { key, step: this.step, addFile: (file) => this.addFile(file) };
  }

  addChart(chart: ChartOut): void {
    this.charts.push(chart);
  }

  /** Registers a file, checked as the daemon will check it, so a bad one throws in the caller. */
  private addFile(file: MediaFileOut): void {
    if (this.files.has(file.path)) return;
    const invalid = file.path.startsWith('media/') ? invalidRunFilePath(file.path) : 'not under media/';
    if (invalid !== null) throw new TypeError(`media file path ${JSON.stringify(file.path)} is not a relative path under media/: ${invalid}`);
    if (!SHA256.test(file.sha256)) throw new TypeError(`media file ${file.path}: sha256 must be 64 lowercase hex digits`);
    if (!(file.bytes instanceof Uint8Array)) throw new TypeError(`media file ${file.path}: bytes must be a Uint8Array`);
    checkMediaSize(file.bytes, `media file ${file.path}`);
    this.files.set(file.path, file);
  }
}
