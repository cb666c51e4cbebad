/**
 * A real daemon in a temporary home with its own socket, for integration tests. It is spawned the way
 * users get it (ensureDaemon → detached entry script) and stopped or killed by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDaemon } from '../src/lifecycle/ensure-daemon.js';
import { readDiscovery, type Discovery } from '../src/lifecycle/discovery.js';
import { daemonPaths, type DaemonPaths } from '../src/lifecycle/paths.js';
import { isProcessAlive } from '../src/lifecycle/process-alive.js';
import { RawClient } from './raw-client.js';

export const DIST_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/wandb-daemon.js', import.meta.url));

export class TempDaemon {
  readonly home: string;
  readonly paths: DaemonPaths;
  readonly env: NodeJS.ProcessEnv;

  constructor(env: NodeJS.ProcessEnv = {}, home?: string) {
    this.home = home ?? mkdtempSync(join(tmpdir(), 'wdt-'));
    this.paths = daemonPaths(this.home);
    this.env = { WANDB_DAEMON_IDLE_TIMEOUT: '120', ...env, WANDB_DAEMON_HOME: this.home };
  }

  /** Starts (or attaches to) the daemon and returns its discovery record. */
  async start(): Promise<Discovery> {
    const { connection, discovery } = await ensureDaemon({ home: this.home, env: this.env, timeoutMs: 20_000 });
    connection.socket.destroy();
    return discovery;
  }

  get discovery(): Discovery | null {
    return readDiscovery(this.paths.discovery);
  }

  get pid(): number {
    const d = this.discovery;
    if (!d) throw new Error('daemon not running');
    return d.pid;
  }

  client(): Promise<RawClient> {
    return RawClient.connect(this.discovery!.socketPath);
  }

  /** GET on the daemon's HTTP API with its token. */
  async http(path: string, token = readFileSync(this.paths.httpToken, 'utf8').trim()): Promise<{ status: number; body: any }> {
    const response = await fetch(`http://127.0.0.1:${this.discovery!.httpPort}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: await response.json() };
  }

  /** SIGTERM and wait for the process to exit. */
  async stop(): Promise<void> {
    const d = this.discovery;
    if (!d) return;
    process.kill(d.pid, 'SIGTERM');
    await waitFor(() => !isProcessAlive(d.pid), 10_000, 'daemon to exit after SIGTERM');
  }

  /** kill -9 and wait until the process is gone. */
  async kill9(): Promise<void> {
    const pid = this.pid;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !isProcessAlive(pid), 10_000, 'daemon to die after SIGKILL');
  }

  /** Runs the CLI against this home. */
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return runNode([CLI, ...args], this.env);
  }

  async dispose(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** Runs `node args...` to completion and captures its output. */
export function runNode(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Polls `predicate` until true, or fails naming what it waited for. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
