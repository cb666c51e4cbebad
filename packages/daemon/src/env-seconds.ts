/**
 * Reads a daemon setting given in seconds by an environment variable (fractions allowed, 0 allowed),
 * in milliseconds. Unset or blank: the default. A malformed or negative value throws naming the variable.
 */
export function envSecondsMs(env: NodeJS.ProcessEnv, name: string, defaultSeconds: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return defaultSeconds * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`${name} must be a number of seconds >= 0, got ${JSON.stringify(raw)}`);
  return seconds * 1000;
}
