/**
 * Incremental loading of a run's numbered lines (console output, events): everything from line 0
 * in pages, then, on each poll, only the lines after the last one held.
 */

/** A page of lines starting at line number `from` (at most `limit` lines, in order). */
export type PageFetcher<T extends { lineNo: number }> = (from: number, limit: number) => Promise<T[]>;

/** The lines of one run's stream, fetched once and then followed. */
export class LineTail<T extends { lineNo: number }> {
  /** Every line loaded so far, in order (the array is replaced, never mutated, on each update). */
  lines: readonly T[] = [];
  private next = 0;
  private inFlight = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly fetchPage: PageFetcher<T>,
    private readonly onUpdate: (lines: readonly T[]) => void,
    private readonly onError: (error: unknown) => void,
    private readonly pageSize = 10_000,
  ) {}

  /**
   * Loads every line after the last one held. A poll during a load is not lost: the load runs once
   * more when it ends (the lines it asks for may have been written after the first answer).
   */
  async poll(): Promise<void> {
    if (this.stopped) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    try {
      do {
        this.again = false;
        for (;;) {
          const page = await this.fetchPage(this.next, this.pageSize);
          if (this.stopped) return;
          const fresh = page.filter((line) => line.lineNo >= this.next);
          if (fresh.length > 0) {
            this.lines = this.lines.concat(fresh);
            this.next = fresh[fresh.length - 1]!.lineNo + 1;
            this.onUpdate(this.lines);
          }
          if (page.length < this.pageSize || fresh.length === 0) break;
        }
      } while (this.again && !this.stopped);
    } catch (error) {
      if (!this.stopped) this.onError(error);
    } finally {
      this.inFlight = false;
    }
  }

  /** No more fetching or callbacks (the page unmounted). */
  stop(): void {
    this.stopped = true;
  }
}
