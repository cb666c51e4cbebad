/**
 * The whole product on one machine for end-to-end tests: a real server on loopback (own data dir), a
 * real daemon in a temporary home, and user scripts run as child processes against the built client.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runNode, TempDaemon, waitFor } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import { startServer, type RunningServer } from '@wandb-daemon/server';

export { waitFor };

const CLIENT_URL = import.meta.resolve('@wandb-daemon/client');

/** Sync knobs that keep tests quick: short backoff, short debounce. */
export const FAST_SYNC_ENV: NodeJS.ProcessEnv = {
  WANDB_DAEMON_SYNC_BACKOFF_MIN_MS: '50',
  WANDB_DAEMON_SYNC_BACKOFF_MAX_MS: '400',
};

/** A server that can be stopped and started again on the same port and data dir. */
export class RestartableServer {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'wde-server-'));
  private running: RunningServer | null = null;
  port = 0;
  adminKey = '';

  /** Starts the server unless it is running (on the port of its first start). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = await startServer({ dataDir: this.dataDir, host: '127.0.0.1', port: this.port });
    this.port = this.running.port;
    if (this.running.adminKey) this.adminKey = this.running.adminKey;
  }

  async stop(): Promise<void> {
    await this.running?.close();
    this.running = null;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  createUser(name: string): { key: string; entity: string } {
    if (!this.running) throw new Error('server not running');
    return this.running.createUser(name);
  }

  /** GET on the JSON read API as `key`; throws on a non-2xx answer. */
  async get(path: string, key = this.adminKey): Promise<any> {
    return (await this.fetchOk(path, key)).json();
  }

  /** The bytes of an authenticated GET (a run file). */
  async bytes(path: string, key = this.adminKey): Promise<Buffer> {
    return Buffer.from(await (await this.fetchOk(path, key)).arrayBuffer());
  }

  private async fetchOk(path: string, key: string): Promise<Response> {
    const response = await fetch(`${this.url}${path}`, { headers: { authorization: `Basic ${Buffer.from(`api:${key}`).toString('base64')}` } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return response;
  }

  /** A run as the read API shows it, or null while the server does not know it. */
  async run(entity: string, project: string, id: string, key = this.adminKey): Promise<any | null> {
    try {
      return await this.get(`/api/v1/runs/${entity}/${project}/${id}`, key);
    } catch (error) {
      if (String(error).includes(': 404')) return null;
      throw error;
    }
  }

  /** The run's full history rows, following the API's pages. */
  async history(entity: string, project: string, id: string, key = this.adminKey): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    let minStep: number | null = 0;
    while (minStep !== null) {
      const page: { rows: Record<string, unknown>[]; next: number | null } = await this.get(`/api/v1/runs/${entity}/${project}/${id}/history?minStep=${minStep}`, key);
      rows.push(...page.rows);
      minStep = page.next;
    }
    return rows;
  }
}

/** Result of a finished user script. */
export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A user script in a child process; `wandb` is the client's default export. */
export class UserScript {
  readonly result: Promise<ScriptResult>;
  stdout = '';
  stderr = '';
  /** The script's process id. */
  readonly pid: number;
  private readonly kill: () => void;

  constructor(body: string, env: NodeJS.ProcessEnv) {
    const dir = mkdtempSync(join(tmpdir(), 'wde-script-'));
    const file = join(dir, 'script.mjs');
    writeFileSync(file, `import wandb from ${JSON.stringify(CLIENT_URL)};\n${body}\n`);
    const child = spawn(process.execPath, [file], { cwd: dir, env: { ...process.env, WANDB_SILENT: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.pid = child.pid!;
    this.kill = () => child.kill('SIGKILL');
    this.result = new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  /** Waits for the script to exit (killing it after `timeoutMs`) and requires exit code 0. */
  async succeeded(timeoutMs = 120_000): Promise<ScriptResult> {
    const timer = setTimeout(this.kill, timeoutMs);
    const result = await this.result.finally(() => clearTimeout(timer));
    if (result.code !== 0) throw new Error(`script exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    return result;
  }

  /** Resolves once stdout contains `text`. */
  async printed(text: string, timeoutMs = 60_000): Promise<void> {
    await waitFor(() => this.stdout.includes(text), timeoutMs, `script to print ${JSON.stringify(text)} (stderr: ${this.stderr.slice(-500)})`);
  }
}

/** A daemon in a temp home whose clients sync to `server` with `key`. */
export function daemonFor(env: NodeJS.ProcessEnv = {}): TempDaemon {
  return new TempDaemon({ ...FAST_SYNC_ENV, ...env });
}

/** The environment a user script needs to log through `daemon` to `server` as `key`. */
export function clientEnv(daemon: TempDaemon, server: RestartableServer | null, key: string | null, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...daemon.env,
    WANDB_BASE_URL: server?.url ?? '',
    WANDB_API_KEY: key ?? '',
    // A user's own netrc must never leak into a test.
    NETRC: join(daemon.home, 'no-netrc'),
    ...extra,
  };
}

/** Checks that history rows hold steps 0..n-1 exactly once each, in order. */
export function stepsExactlyOnce(rows: Record<string, unknown>[], n: number, from = 0): string | null {
  if (rows.length !== n) return `expected ${n} rows, got ${rows.length}`;
  for (let i = 0; i < n; i++) if (rows[i]?._step !== from + i) return `row ${i} has _step ${String(rows[i]?._step)}, expected ${from + i}`;
  return null;
}

/** Runs the `wandb-daemon` CLI with a client's environment (server URL and key included). */
export function daemonCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return runNode([CLI, ...args], env);
}
