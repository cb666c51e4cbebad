/**
 * The daemon: composes the store, the ingest pipeline, the socket server, the HTTP API and the
 * liveness policy. The caller (main.ts, or embedded.ts in a user's process) holds the start lock before
 * importing this module.
 */
import { hostname } from 'node:os';
import { PACKAGE_VERSION, PROTOCOL_VERSION, type StatusReply } from '@wandb-daemon/protocol';
import { startHttpApi, type HttpApi } from './http/server.js';
import { CommitQueue } from './ingest/commit-queue.js';
import type { HandlerContext } from './ingest/context.js';
import { createDispatcher } from './ingest/dispatcher.js';
import { RunRegistry } from './ingest/run-registry.js';
import { SocketServer } from './ingest/socket-server.js';
import { removeDiscovery, writeDiscovery } from './lifecycle/discovery.js';
import { IdleMonitor, idleTimeoutMs } from './lifecycle/liveness.js';
import type { DaemonPaths } from './lifecycle/paths.js';
import { ensurePrivateDir } from '@wandb-daemon/storage-kit/private-fs';
import { isProcessAlive } from './lifecycle/process-alive.js';
import type { Logger } from './log.js';
import { statsIntervalMs } from './stats/stats-settings.js';
import { SystemSampler } from './stats/system-sampler.js';
import { createCountQuery } from './status.js';
import { openDatabase } from './store/open-database.js';
import { RecordWriter } from './store/record-writer.js';
import { RunStore } from './store/run-store.js';
import { syncSettings } from './sync/sync-settings.js';
import { Syncer } from './sync/syncer.js';

/** How long a run left `running` by a live process may wait for its client to reattach after a restart. */
export const REATTACH_GRACE_MS = 60_000;

export interface DaemonOptions {
  paths: DaemonPaths;
  log: Logger;
  /** Port for the HTTP API; 0 picks a free one. */
  httpPort?: number;
  /** Runs on a worker thread of a user's process (embedded.ts); recorded in the discovery file. */
  embedded?: boolean;
}

/** A running daemon; `stop()` resolves once everything is closed. */
export interface RunningDaemon {
  stop(reason: string): Promise<void>;
  readonly stopped: Promise<void>;
}

export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const { paths, log } = options;
  const startedAt = new Date();
  const idleMs = idleTimeoutMs(); // configuration errors surface before anything is opened
  const settings = syncSettings();
  const statsMs = statsIntervalMs();
  if (paths.socketDir) ensurePrivateDir(paths.socketDir);
  const db = openDatabase(paths.database);
  const runs = new RunStore(db);
  const registry = new RunRegistry();
  const queue = new CommitQueue(db, runs, new RecordWriter(db), registry, log);
  const sampler = new SystemSampler({ registry, runs, queue, log }, statsMs);
  const counts = createCountQuery(db);
  const syncer = new Syncer(db, log, settings);
  let http: HttpApi | null = null;
  const status = (): StatusReply => ({
    running: true,
    pid: process.pid,
    version: PACKAGE_VERSION,
    protocolVersion: PROTOCOL_VERSION,
    socketPath: paths.socket,
    home: paths.home,
    httpPort: http?.port ?? null,
    uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    clients: sockets.clients,
    ...counts(),
  });
  let stopping: Promise<void> | null = null;
  const ctx: HandlerContext = { db, runs, registry, queue, log, status, syncer, pendingStarts: new Set() };
  const sockets: SocketServer = new SocketServer(paths.socket, createDispatcher(ctx), log, () => http?.port ?? null, (conn) => {
    // While stopping, the daemon itself closes connections: their writers will reattach to the
    // next daemon, so their runs are not crashed.
    if (conn.ownedRuns.size > 0 && stopping === null) queue.push({ kind: 'disconnect', conn });
    idle.check();
  });
  try {
    await sockets.listen();
    crashOrphans(runs, registry, log, () => stopping !== null);
    sampler.start();
    syncer.start();
    http = await startHttpApi({ paths, db, queue, log, status, port: options.httpPort ?? Number(process.env.WANDB_DAEMON_HTTP_PORT ?? 0) });
    writeDiscovery(paths.discovery, {
      pid: process.pid,
      version: PACKAGE_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      socketPath: paths.socket,
      httpPort: http.port,
      startedAt: startedAt.toISOString(),
      home: paths.home,
      ...(options.embedded ? { embedded: true as const } : {}),
    });
  } catch (error) {
    // An embedded daemon's host outlives a failed start: leave nothing listening or open.
    stopping = Promise.resolve();
    sampler.stop();
    await syncer.stop();
    await http?.close();
    await sockets.close();
    db.close();
    throw error;
  }

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      log.info({ reason }, 'daemon stopping');
      idle.stop();
      sampler.stop();
      removeDiscovery(paths.discovery, process.pid);
      await sockets.close();
      queue.flush();
      // Bounded: in-flight sync requests are abandoned and resent at the next start.
      await syncer.stop();
      await http?.close();
      db.close();
      log.info({ reason }, 'daemon stopped');
      resolveStopped();
    })();
    return stopping;
  };
  const idle = new IdleMonitor(idleMs, { clients: () => sockets.clients, syncBacklog: () => syncer.backlog() }, () => void stop('idle timeout'));
  log.info({ socket: paths.socket, httpPort: http.port, host: hostname(), version: PACKAGE_VERSION }, 'daemon ready');
  return { stop, stopped };
}

/**
 * Runs left `running` by a previous daemon: crashed when their process is gone; when it is alive it may
 * reconnect and reattach, so it gets REATTACH_GRACE_MS before being marked crashed.
 */
function crashOrphans(runs: RunStore, registry: RunRegistry, log: Logger, stopped: () => boolean): void {
  const waiting: number[] = [];
  for (const { pk, pid } of runs.listRunning()) {
    if (pid !== null && isProcessAlive(pid)) waiting.push(pk);
    else if (runs.crash(pk)) log.warn({ run: pk, pid }, 'run of a dead process marked crashed');
  }
  if (waiting.length === 0) return;
  setTimeout(() => {
    if (stopped()) return;
    for (const pk of waiting) {
      // A reattached run has a writer again; only those still without one are crashed.
      if (!registry.get(pk) && runs.crash(pk)) log.warn({ run: pk }, 'run not reattached in time: marked crashed');
    }
  }, REATTACH_GRACE_MS).unref();
}
