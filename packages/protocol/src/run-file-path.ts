/**
 * The rule for a run file path ("media/images/x_1_ab.png", "config.yaml"), shared by everyone who
 * names or accepts one: the client before it sends, the daemon's record validation and the server's
 * CreateRunFiles. One rule, so a path the client or daemon accepts is never refused by the server
 * (which would fail the run's whole upload round).
 */

/** Longest run file path accepted. */
export const MAX_RUN_FILE_PATH_LENGTH = 1024;

/** Why `path` is not an acceptable run file path, or null when it is. */
export function invalidRunFilePath(path: string): string | null {
  if (path.length === 0 || path.length > MAX_RUN_FILE_PATH_LENGTH) return `file paths must have 1 to ${MAX_RUN_FILE_PATH_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\\]/.test(path)) return 'file paths may not contain control characters or backslashes';
  if (path.startsWith('/')) return 'file paths must be relative';
  if (path.split('/').some((part) => part === '' || part === '.' || part === '..')) return 'file paths may not contain ".", ".." or empty segments';
  return null;
}
