/**
 * Console lines of `output.log`: `[ERROR ]<timestamp> <text>`. wandb-core writes a UTC
 * `YYYY-MM-DDTHH:MM:SS.ffffff` stamp, older Python clients an ISO-8601 local time (possibly with an
 * offset); `ERROR ` marks stderr. Anything else is kept as stdout text without a timestamp.
 */

/** A parsed console line. */
export interface ParsedOutputLine {
  stream: 'stdout' | 'stderr';
  timestamp: string | null;
  text: string;
}

const LINE = /^(ERROR )?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?) ?([\s\S]*)$/;

/** Splits a raw output.log line into stream, timestamp and text. */
export function parseOutputLine(line: string): ParsedOutputLine {
  const match = LINE.exec(line);
  if (!match) {
    const stderr = line.startsWith('ERROR ');
    return { stream: stderr ? 'stderr' : 'stdout', timestamp: null, text: stderr ? line.slice(6) : line };
  }
  return { stream: match[1] ? 'stderr' : 'stdout', timestamp: match[2]!, text: match[3]! };
}
