/**
 * The contract between rich values (Image, Histogram, Table, ...) and `log`/`summary`: a value turns
 * itself into W&B's JSON (`{"_type": "image-file", ...}`) when it is logged, and hands over the files
 * that JSON points at. The caller (run.log, summary) sends those files to the daemon before the row.
 */

/** A file a logged value points at: `media/<kind>/<key>_<step>_<sha256[:20]>.<ext>`. */
export interface MediaFileOut {
  path: string;
  bytes: Uint8Array;
  /** Hex sha256 of `bytes`. */
  sha256: string;
}

/** A custom chart (plot.*) registered for a history key: W&B's Vega2 panel preset and its fields. */
export interface ChartSpecOut {
  panelDefId: string;
  fields: Record<string, string>;
  stringFields: Record<string, string>;
}

/** Where a value is being logged, and where its files go. */
export interface MediaContext {
  /** The logged key; nested keys joined with '.' (W&B names files after it). */
  readonly key: string;
  /** The history step of the row, or 'summary' for a summary value. */
  readonly step: number | 'summary';
  /**
   * True in a table's cells: files are named by content alone (`media/images/<sha256[:20]>.png`), so
   * a value repeated in many rows or tables is one file.
   */
  readonly byContent?: boolean;
  /** Registers a file the value's JSON points at. The same path twice is kept once. */
  addFile(file: MediaFileOut): void;
}

/** Base class of every rich value. `toWandbJson` runs once per log call, in the caller. */
export abstract class WBValue {
  /** W&B's `_type` of the logged JSON, e.g. `image-file`. */
  abstract readonly wandbType: string;
  /** W&B's JSON for this value at `ctx`; files it references go through `ctx.addFile`. */
  abstract toWandbJson(ctx: MediaContext): Record<string, unknown>;
}

/**
 * A value class whose lists log as one JSON (W&B's `BatchableMedia.seq_to_json`): a list of Images
 * becomes `images/separated`, of Audio `audio`, and so on. `normalize` looks for this static method on
 * the class of the list's items; a class without it logs a list as a list of its items' JSON.
 */
export interface WBValueSequenceClass {
  seqToWandbJson(items: readonly WBValue[], ctx: MediaContext): Record<string, unknown>;
}

/**
 * A custom chart (`plot.line`, ...): a table and W&B's Vega2 preset drawing it. Logged at the top of
 * a row under key K, the table is logged as `K_table` and a `chart` record registers the panel.
 */
export class CustomChart {
  constructor(
    readonly table: WBValue,
    readonly spec: ChartSpecOut,
  ) {}
}
