/**
 * The discovery file tells clients how to reach the running daemon. It is written atomically once
 * the daemon accepts connections, so a reader sees either nothing or a complete record.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { writeFileAtomic } from '@wandb-daemon/storage-kit/private-fs';

/** Contents of `daemon.json`. */
export interface Discovery {
  pid: number;
  version: string;
  protocolVersion: number;
  socketPath: string;
  httpPort: number | null;
  startedAt: string;
  home: string;
  /** True when the daemon runs inside a user's process (embedded.ts): it ends with that process, and its pid is the user's program. */
  embedded?: true;
}

export function writeDiscovery(path: string, discovery: Discovery): void {
  writeFileAtomic(path, `${JSON.stringify(discovery, null, 2)}\n`);
}

/** Reads the discovery file; null when missing or not a complete record. */
export function readDiscovery(path: string): Discovery | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Discovery>;
    if (typeof value.pid === 'number' && typeof value.socketPath === 'string' && typeof value.protocolVersion === 'number') {
      return value as Discovery;
    }
  } catch {
    // missing or foreign content
  }
  return null;
}

/** Removes the discovery file if it still names `pid` (a successor may already have replaced it). */
export function removeDiscovery(path: string, pid: number): void {
  if (readDiscovery(path)?.pid !== pid) return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
