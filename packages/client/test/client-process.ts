/**
 * Runs user scripts against the client library in child processes, as real users run them: each
 * script is an ES module written to a temp file that imports the built client by URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLIENT_URL = new URL('../src/index.js', import.meta.url).href;

export interface ScriptResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Writes `body` (which may use `wandb`, imported as the default export) to a temp module file. */
export function writeScript(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wdc-script-'));
  const file = join(dir, 'script.mjs');
  writeFileSync(file, `import wandb from ${JSON.stringify(CLIENT_URL)};\nimport * as wandbNamed from ${JSON.stringify(CLIENT_URL)};\n${body}\n`);
  return file;
}

/** A running script; `result` settles when it exits. Output lines can be awaited. */
export class ClientProcess {
  readonly child: ChildProcess;
  readonly result: Promise<ScriptResult>;
  stdout = '';
  stderr = '';

  constructor(body: string, env: NodeJS.ProcessEnv, args: string[] = []) {
    const file = writeScript(body);
    // No API key from the developer's environment unless the test gives one: runs stay offline.
    const noKey = { WANDB_API_KEY: '', NETRC: join(file, '..', 'no-netrc') };
    this.child = spawn(process.execPath, [...args, file], { env: { ...process.env, WANDB_SILENT: '', ...noKey, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Decoded as a stream: a character split across two writes may arrive in two chunks.
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.result = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  /** Resolves once stdout contains `text` (fails if the process exits first or after `timeoutMs`). */
  async waitForOutput(text: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.result.then(() => (exited = true));
    while (!this.stdout.includes(text)) {
      if (exited) throw new Error(`script exited before printing ${JSON.stringify(text)}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The N of the last "progress N" line the script printed so far (0 before the first). */
  progress(): number {
    const all = [...this.stdout.matchAll(/^progress (\d+)$/gm)];
    return all.length === 0 ? 0 : Number(all.at(-1)![1]);
  }

  /** Kills the script if it is still running after `timeoutMs`, so a hang fails the test instead of stalling it. */
  async finished(timeoutMs = 60_000): Promise<ScriptResult> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.result;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Runs a script to completion. */
export function runScript(body: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ScriptResult> {
  return new ClientProcess(body, env).finished(timeoutMs);
}
