/**
 * Turns what a program writes to a terminal stream into the lines a reader of that terminal sees:
 * split on `\n`; a `\r` (progress bars) returns to the start of the line, so the line keeps only the
 * text written after its last `\r`; a line longer than {@link MAX_LINE_CHARS} is cut. ANSI escape
 * codes are kept raw, as W&B keeps them in output.log. Pure: no streams, no timers.
 */

/** Longest line kept, in UTF-16 code units (64 Ki); the rest is dropped and the line ends with {@link TRUNCATED_MARKER}. */
export const MAX_LINE_CHARS = 64 * 1024;
/** Appended to a line that was cut at {@link MAX_LINE_CHARS}. */
export const TRUNCATED_MARKER = ' [wandb: line truncated]';

/** Assembles one stream's lines; a partial line is held until its newline or {@link LineAssembler.takePartial}. */
export class LineAssembler {
  /** What the line being written shows so far. */
  private text = '';
  /**
   * A `\r` was written: the next text replaces the line. Deferred rather than clearing at once because
   * `text\r\n` (CRLF) and `bar\r` followed by the newline must keep the text, as a terminal does.
   */
  private afterReturn = false;
  private truncated = false;
  /** The held text went out through `takePartial`: a bare newline now only ends that line, it adds no empty one. */
  private continued = false;

  /** Feeds written text; calls `emit` with every line it completes, in order. */
  push(chunk: string, emit: (line: string) => void): void {
    const hasReturn = chunk.includes('\r');
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf('\n', start);
      const end = newline < 0 ? chunk.length : newline;
      if (end > start) {
        // The common case (`console.log`) is a whole line with nothing held: no concatenation at all.
        if (!hasReturn && this.text === '' && !this.afterReturn && end - start <= MAX_LINE_CHARS && newline >= 0) {
          this.continued = false;
          emit(chunk.slice(start, end));
          start = end + 1;
          continue;
        }
        this.write(chunk.slice(start, end), hasReturn);
      }
      if (newline < 0) return;
      const line = this.endLine();
      if (line !== null) emit(line);
      start = newline + 1;
    }
  }

  /** True while text of an unfinished line is held. */
  get hasPartial(): boolean {
    return this.text !== '';
  }

  /**
   * The unfinished line as it shows now, or null when there is none. `reset` forgets it (the stream is
   * no longer captured); otherwise the rest of that line, when it comes, is a line of its own.
   */
  takePartial(reset = false): string | null {
    if (this.text === '') {
      if (reset) this.afterReturn = this.continued = false;
      return null;
    }
    const line = this.finishText();
    this.continued = !reset;
    return line;
  }

  /** The unfinished line as it shows now, or null; nothing changes. */
  peekPartial(): string | null {
    if (this.text === '') return null;
    return this.truncated ? this.text + TRUNCATED_MARKER : this.text;
  }

  private write(segment: string, hasReturn: boolean): void {
    if (!hasReturn) return this.append(segment);
    const pieces = segment.split('\r');
    for (const [i, piece] of pieces.entries()) {
      if (i > 0) this.afterReturn = true;
      if (piece !== '') this.append(piece);
    }
  }

  private append(piece: string): void {
    this.continued = false;
    if (this.afterReturn) {
      this.afterReturn = false;
      this.text = '';
      this.truncated = false;
    }
    if (this.truncated) return;
    const room = MAX_LINE_CHARS - this.text.length;
    // Cut before concatenating: one huge write must not build a huge string.
    if (piece.length > room) {
      this.text += piece.slice(0, room);
      this.truncated = true;
    } else {
      this.text += piece;
    }
  }

  /** The line a `\n` completes, or null for the newline that ends a line already taken by `takePartial`. */
  private endLine(): string | null {
    const skip = this.continued && this.text === '';
    this.continued = false;
    const line = this.finishText();
    return skip ? null : line;
  }

  private finishText(): string {
    const line = this.truncated ? this.text + TRUNCATED_MARKER : this.text;
    this.text = '';
    this.afterReturn = false;
    this.truncated = false;
    return line;
  }
}
