/**
 * The docker/ images, checked without a Docker engine: each final stage's ENTRYPOINT + CMD run directly
 * with the image's ENV (container paths mapped to temp dirs, the port to a free one), then the
 * image's HEALTHCHECK command, then the stop signal Docker sends.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitFor } from './stack.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

interface FinalStage {
  env: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
  healthcheck: string[];
  copies: string[];
}

/** Reads the instructions of a Dockerfile's last stage (continuation lines joined, comments dropped). */
function finalStage(file: string): FinalStage {
  const text = readFileSync(join(ROOT, 'docker', file), 'utf8').replace(/\\\n\s*/g, ' ');
  const lines = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  const copies = lines.filter((l) => /^COPY (?!--from)/.test(l)).map((l) => l.split(/\s+/)[1] as string);
  const stages = lines.map((l, i) => (l.startsWith('FROM ') ? i : -1)).filter((i) => i >= 0);
  const last = lines.slice(stages.at(-1));
  const stage: FinalStage = { env: {}, entrypoint: [], cmd: [], healthcheck: [], copies };
  for (const line of last) {
    const [, instruction, rest] = /^(\w+)\s+(.*)$/.exec(line.trim()) ?? [];
    if (instruction === 'ENV') for (const [, k, v] of (rest ?? '').matchAll(/(\w+)=(\S+)/g)) stage.env[k!] = v!;
    if (instruction === 'ENTRYPOINT') stage.entrypoint = JSON.parse(rest!);
    if (instruction === 'CMD') stage.cmd = JSON.parse(rest!);
    if (instruction === 'HEALTHCHECK') stage.healthcheck = JSON.parse(/CMD (\[.*\])/.exec(rest!)![1]!);
  }
  return stage;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Replaces container paths and the port wherever they stand alone (not inside a longer name). */
function mapper(pairs: [string, string][]): (s: string) => string {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (s) => pairs.reduce((acc, [from, to]) => acc.replace(new RegExp(`(?<![\\w/.-])${escape(from)}(?![\\w.-])`, 'g'), to), s);
}

/** Runs a command like the image's `node ...` would, from the repository root (the image's /app). */
function launch(argv: string[], env: Record<string, string>) {
  assert.equal(argv[0], 'node');
  const child = spawn(process.execPath, argv.slice(1), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return { child, exited, output: () => output };
}

function healthy(argv: string[], env: Record<string, string>): boolean {
  return spawnSync(process.execPath, argv.slice(1), { cwd: ROOT, env: { ...process.env, ...env }, timeout: 10_000 }).status === 0;
}

describe('docker images (entrypoints run directly)', () => {
  test('every COPY source exists in the build context', () => {
    for (const file of ['server.Dockerfile', 'daemon.Dockerfile']) {
      for (const source of finalStage(file).copies) assert.ok(existsSync(join(ROOT, source)), `${file}: COPY ${source} is missing`);
    }
  });

  test('server image: starts, prints the admin key once, passes its healthcheck, serves the dashboard, stops on SIGTERM', async () => {
    const image = finalStage('server.Dockerfile');
    const data = mkdtempSync(join(tmpdir(), 'wde-docker-data-'));
    const port = String(await freePort());
    const map = mapper([['/data', data], ['0.0.0.0', '127.0.0.1'], ['8080', port]]);
    const env = Object.fromEntries(Object.entries(image.env).map(([k, v]) => [k, map(v)]));
    const server = launch([...image.entrypoint, ...image.cmd].map(map), env);
    try {
      await waitFor(() => healthy(image.healthcheck.map(map), env), 30_000, `server healthcheck (output: ${server.output().slice(-400)})`);
      await waitFor(() => /local-[A-Za-z0-9]{40}/.test(server.output()), 10_000, 'the first start to print the admin key');
      // The dashboard is part of the image's build output (pnpm build bundles it).
      const page = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /assets\/app-[A-Za-z0-9]+\.js/);
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0);
    } finally {
      server.child.kill('SIGKILL');
      rmSync(data, { recursive: true, force: true });
    }
  });

  test('daemon sidecar image: runs in the foreground, passes its healthcheck, stops on SIGTERM', async () => {
    const image = finalStage('daemon.Dockerfile');
    const home = mkdtempSync(join(tmpdir(), 'wde-docker-home-'));
    const map = mapper([['/wandb-daemon', home]]);
    const env = Object.fromEntries(Object.entries(image.env).map(([k, v]) => [k, map(v)]));
    assert.equal(env.WANDB_DAEMON_IDLE_TIMEOUT, '0', 'a sidecar never idles out');
    const daemon = launch([...image.entrypoint, ...image.cmd].map(map), env);
    try {
      await waitFor(() => healthy(image.healthcheck.map(map), env), 30_000, `daemon healthcheck (output: ${daemon.output().slice(-400)})`);
      daemon.child.kill('SIGTERM');
      assert.equal(await daemon.exited, 0);
    } finally {
      daemon.child.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    }
  });
});
