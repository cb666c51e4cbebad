import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { PACKAGE_VERSION, PROTOCOL_VERSION, parseWandbJson } from '@wandb-daemon/protocol';
import { csvCell, csvField, csvHeader, csvRecord, restoreNonFinite } from '../src/cli/csv.js';
import { prettyLogLine } from '../src/cli/commands/logs.js';
import { humanDuration } from '../src/cli/format.js';
import { isProcessAlive } from '../src/lifecycle/process-alive.js';
import type { RawClient } from '../test-utils/raw-client.js';
import { CLI, runNode, TempDaemon, waitFor } from '../test-utils/temp-daemon.js';

/** Rows of the exported run: more than one 5,000-row page, with NaN, ±Infinity, an array and a quoted string. */
const ROWS = 12_001;
const NAN_STEP = 7;

function rowFor(step: number): Record<string, unknown> {
  if (step === NAN_STEP) return { x: Number.NaN };
  if (step === 8) return { x: Number.POSITIVE_INFINITY, note: 'a "quoted", text' };
  if (step === 9) return { x: 9, arr: [1, Number.NaN, 3] };
  return { x: step, nested: { a: step * 2, b: { c: 'txt' } } };
}

describe('wandb-daemon CLI against a running daemon', () => {
  const daemon = new TempDaemon();
  let live: RawClient;
  let runPk: number;

  before(async () => {
    await daemon.start();
    const writer = await daemon.client();
    const { run } = await writer.startRun({ runId: 'cli-run', project: 'cli' });
    runPk = run;
    for (let step = 0; step < ROWS; step += 1) writer.log(run, step, rowFor(step));
    const finished = await writer.finish(run);
    assert.equal(finished.rows, ROWS);
    await writer.close();
    // A second run stays running, with its client connected.
    live = await daemon.client();
    const started = await live.startRun({ runId: 'live-run', project: 'cli' });
    for (let step = 0; step < 3; step += 1) live.log(started.run, step, { y: step });
    await live.flush();
    await live.waitForAck(started.run, live.lastSeq(started.run));
  });
  after(async () => {
    await live?.close();
    await daemon.dispose();
  });

  it('status --json prints the daemon status with every field', async () => {
    const { code, stdout, stderr } = await daemon.cli(['status', '--json']);
    assert.equal(code, 0, stderr);
    const s = JSON.parse(stdout);
    assert.equal(s.running, true);
    assert.equal(s.pid, daemon.pid);
    assert.equal(s.version, PACKAGE_VERSION);
    assert.equal(s.protocolVersion, PROTOCOL_VERSION);
    assert.equal(s.socketPath, daemon.discovery!.socketPath);
    assert.equal(s.home, daemon.home);
    assert.equal(s.httpPort, daemon.discovery!.httpPort);
    assert.equal(typeof s.uptimeSeconds, 'number');
    assert.ok(s.uptimeSeconds >= 0);
    assert.equal(typeof s.clients, 'number');
    assert.ok(s.clients >= 1, 'the live run keeps a client connected');
    assert.deepEqual(s.runs, { total: 2, running: 1, finished: 1, failed: 0, crashed: 0 });
    assert.equal(s.rows.stored, ROWS + 3);
    assert.equal(typeof s.rows.unsynced, 'number');
  });

  it('status prints a readable summary with the pid and the version', async () => {
    const { code, stdout } = await daemon.cli(['status']);
    assert.equal(code, 0);
    assert.match(stdout, new RegExp(`wandb-daemon ${PACKAGE_VERSION.replaceAll('.', '\\.')} is running`));
    assert.match(stdout, new RegExp(`pid:\\s+${daemon.pid}\\n`));
    assert.match(stdout, /uptime:\s+\d+s/);
    assert.match(stdout, /runs:\s+2 total: 1 running, 1 finished, 0 failed, 0 crashed/);
    assert.match(stdout, /rows:\s+12,004 stored/);
  });

  it('runs --json lists the runs with their state', async () => {
    const { code, stdout } = await daemon.cli(['runs', '--json']);
    assert.equal(code, 0);
    const runs = JSON.parse(stdout) as { id: string; pk: number; state: string; historyRows: number; project: string }[];
    assert.ok(Array.isArray(runs));
    const done = runs.find((r) => r.id === 'cli-run');
    assert.equal(done?.state, 'finished');
    assert.equal(done?.historyRows, ROWS);
    assert.equal(done?.pk, runPk);
    assert.equal(runs.find((r) => r.id === 'live-run')?.state, 'running');
  });

  it('runs prints an aligned table', async () => {
    const { code, stdout } = await daemon.cli(['runs']);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^\s*PK\s+ID\s+PROJECT\s+STATE\s+ROWS\s+LAST STEP\s+DROPPED\s+STARTED\s+RUNTIME\s+SYNC$/);
    const done = lines.find((l) => l.includes('cli-run'))!;
    assert.match(done, /cli-run\s+cli\s+finished\s+12,001\s+12000\s+0\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+s\s+-$/);
    // Columns line up: every row has its STATE column where the header has it.
    const stateAt = lines[0]!.indexOf('STATE');
    for (const line of lines.slice(1)) assert.match(line.slice(stateAt), /^(finished|running) /);
  });

  it('export writes the stored W&B JSON lines in step order, NaN bare', async () => {
    const { code, stdout, stderr } = await daemon.cli(['export', 'cli-run']);
    assert.equal(code, 0, stderr);
    const lines = stdout.split('\n');
    assert.equal(lines.pop(), '', 'output ends with a newline');
    assert.equal(lines.length, ROWS);
    lines.forEach((line, i) => assert.equal((parseWandbJson(line) as { _step: number })._step, i));
    assert.match(lines[NAN_STEP]!, /^\{"x":NaN,"_step":7,"_runtime":0,"_timestamp":[\d.]+\}$/);
    assert.ok(Number.isNaN((parseWandbJson(lines[NAN_STEP]!) as { x: number }).x));
    assert.match(lines[8]!, /^\{"x":Infinity,"note":"a \\"quoted\\", text","_step":8,/);
    assert.match(lines[9]!, /^\{"x":9,"arr":\[1,NaN,3\],"_step":9,/);
    // Byte for byte what the store holds.
    const db = new Database(daemon.paths.database, { readonly: true, fileMustExist: true });
    try {
      const stored = (db.prepare('SELECT line FROM history WHERE run_pk = ? ORDER BY step').all(runPk) as { line: string }[]).map((r) => r.line);
      assert.equal(stored.length, ROWS);
      for (let i = 0; i < ROWS; i += 1) if (stored[i] !== lines[i]) assert.equal(lines[i], stored[i], `line ${i}`);
    } finally {
      db.close();
    }
  });

  it('export by pk to a file gives the same lines', async () => {
    const out = join(daemon.home, 'export.jsonl');
    const byFile = await daemon.cli(['export', String(runPk), '--format', 'jsonl', '--output', out]);
    assert.equal(byFile.code, 0, byFile.stderr);
    assert.equal(byFile.stdout, '');
    const byStdout = await daemon.cli(['export', 'cli-run']);
    assert.equal(readFileSync(out, 'utf8'), byStdout.stdout);
  });

  it('export --format csv flattens nested keys under a sorted header', async () => {
    const { code, stdout, stderr } = await daemon.cli(['export', 'cli-run', '--format', 'csv']);
    assert.equal(code, 0, stderr);
    const lines = stdout.split('\r\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, ROWS + 1);
    assert.equal(lines[0], '_step,_runtime,_timestamp,arr,nested.a,nested.b.c,note,x');
    assert.match(lines[1]!, /^0,0,[\d.]+,,0,txt,,0$/);
    assert.match(lines[1 + NAN_STEP]!, /^7,0,[\d.]+,,,,,NaN$/);
    assert.match(lines[1 + 8]!, /^8,0,[\d.]+,,,,"a ""quoted"", text",Infinity$/);
    assert.match(lines[1 + 9]!, /^9,0,[\d.]+,"\[1,NaN,3\]",,,,9$/);
    assert.match(lines[ROWS]!, /^12000,0,[\d.]+,,24000,txt,,12000$/);
  });

  it('export of an unknown run exits 2 and writes nothing', async () => {
    const out = join(daemon.home, 'missing.csv');
    const { code, stdout, stderr } = await daemon.cli(['export', 'no-such-run', '--format', 'csv', '--output', out]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^wandb-daemon: no run "no-such-run"/);
    assert.equal(stderr.trimEnd().split('\n').length, 1);
    assert.equal(existsSync(out), false);
  });

  it('bad usage exits 2', async () => {
    assert.equal((await daemon.cli(['export', 'cli-run', '--format', 'xml'])).code, 2);
    assert.equal((await daemon.cli(['no-such-command'])).code, 2);
    assert.equal((await daemon.cli(['logs', '-n', 'many'])).code, 2);
  });

  it('logs prints pretty lines including daemon ready', async () => {
    const { code, stdout } = await daemon.cli(['logs']);
    assert.equal(code, 0);
    assert.match(stdout, /^\d\d:\d\d:\d\d INFO  daemon ready .*socket=\S+ httpPort=\d+/m);
    const one = await daemon.cli(['logs', '-n', '1']);
    assert.equal(one.stdout.trimEnd().split('\n').length, 1);
  });

  it('--home selects the home and --version prints the version', async () => {
    const { code, stdout } = await runNode([CLI, '--home', daemon.home, 'status', '--json'], { WANDB_DAEMON_HOME: join(daemon.home, 'elsewhere') });
    assert.equal(code, 0);
    assert.equal(JSON.parse(stdout).pid, daemon.pid);
    const version = await runNode([CLI, '--version']);
    assert.equal(version.stdout.trim(), PACKAGE_VERSION);
  });
});

describe('wandb-daemon CLI without a daemon', () => {
  const home = mkdtempSync(join(tmpdir(), 'wdt-cli-'));
  const daemon = new TempDaemon({}, home);
  after(() => daemon.dispose());

  it('status --json prints {"running": false} and exits 3', async () => {
    const { code, stdout } = await daemon.cli(['status', '--json']);
    assert.equal(code, 3);
    assert.deepEqual(JSON.parse(stdout), { running: false });
  });

  it('status, runs and export exit 3', async () => {
    const status = await daemon.cli(['status']);
    assert.equal(status.code, 3);
    assert.equal(status.stdout.trim(), 'wandb-daemon is not running');
    const runs = await daemon.cli(['runs', '--json']);
    assert.equal(runs.code, 3);
    assert.deepEqual(JSON.parse(runs.stdout), { running: false });
    const exported = await daemon.cli(['export', 'x']);
    assert.equal(exported.code, 3);
    assert.match(exported.stderr, /^wandb-daemon: wandb-daemon is not running/);
  });

  it('a discovery file naming a dead pid means not running', async () => {
    const dead = await runNode(['-e', 'process.stdout.write(String(process.pid))']);
    const pid = Number(dead.stdout);
    assert.equal(isProcessAlive(pid), false);
    writeDiscovery(daemon, pid, 1);
    try {
      const { code, stdout } = await daemon.cli(['status', '--json']);
      assert.equal(code, 3);
      assert.deepEqual(JSON.parse(stdout), { running: false });
      const stop = await daemon.cli(['stop']);
      assert.equal(stop.code, 0);
      assert.equal(stop.stdout.trim(), 'wandb-daemon is not running');
    } finally {
      rmSync(daemon.paths.discovery, { force: true });
    }
  });

  it('a refused connection means not running', async () => {
    const port = await closedPort();
    // A live process whose command line looks like a daemon's, but nothing listens on its port.
    const fake = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'wandb-daemon'], { stdio: 'ignore' });
    try {
      writeDiscovery(daemon, fake.pid!, port);
      writeFileSync(daemon.paths.httpToken, `${'0'.repeat(64)}\n`, { mode: 0o600 });
      const { code, stdout } = await daemon.cli(['status', '--json']);
      assert.equal(code, 3);
      assert.deepEqual(JSON.parse(stdout), { running: false });
    } finally {
      fake.kill('SIGKILL');
      rmSync(daemon.paths.discovery, { force: true });
    }
  });

  it('logs without a log file fails with one line', async () => {
    const { code, stderr } = await daemon.cli(['logs']);
    assert.equal(code, 1);
    assert.match(stderr, /^wandb-daemon: no daemon log at .*daemon\.log\n$/);
  });

  it('logs --follow prints lines as they are appended, until SIGINT', async () => {
    writeFileSync(daemon.paths.log, `${logLine(30, 'old line')}\nnot json at all\n`);
    const child = spawn(process.execPath, [CLI, 'logs', '-n', '1', '--follow'], { env: { ...process.env, ...daemon.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    await waitFor(() => stdout.includes('not json at all'), 10_000, 'the last existing line');
    assert.equal(stdout.includes('old line'), false);
    appendFileSync(daemon.paths.log, `${logLine(40, 'new line', { run: 3, path: 'a b' })}\n`);
    await waitFor(() => stdout.includes('new line'), 10_000, 'the appended line');
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.match(stdout, /^\d\d:\d\d:\d\d WARN  new line pid=1 run=3 path="a b"$/m);
  });
});

describe('wandb-daemon start and stop', () => {
  const daemon = new TempDaemon();
  after(() => daemon.dispose());

  it('start (background) starts a daemon that status reports running', async () => {
    const { code, stdout, stderr } = await daemon.cli(['start']);
    assert.equal(code, 0, stderr);
    const match = /^wandb-daemon running \(pid (\d+), socket (.+)\)\n$/.exec(stdout);
    assert.ok(match, stdout);
    assert.equal(Number(match[1]), daemon.pid);
    assert.equal(match[2], daemon.discovery!.socketPath);
    const status = await daemon.cli(['status', '--json']);
    assert.equal(status.code, 0);
    assert.equal(JSON.parse(status.stdout).running, true);
    // A second start attaches to the same daemon.
    const again = await daemon.cli(['start']);
    assert.equal(again.stdout, stdout);
  });

  it('a replaced token fails with one line that never shows a token', async () => {
    const token = readFileSync(daemon.paths.httpToken, 'utf8');
    const wrong = `${'ab'.repeat(32)}\n`;
    writeFileSync(daemon.paths.httpToken, wrong);
    try {
      const { code, stdout, stderr } = await daemon.cli(['status']);
      assert.equal(code, 1);
      assert.equal(stdout, '');
      assert.match(stderr, /^wandb-daemon: the daemon refused the token in .*http-token.*\n$/);
      for (const secret of [token.trim(), wrong.trim()]) assert.equal(stderr.includes(secret), false);
    } finally {
      writeFileSync(daemon.paths.httpToken, token);
    }
  });

  it('stop stops the daemon and removes its discovery file and socket; a second stop says not running', async () => {
    const pid = daemon.pid;
    const socket = daemon.discovery!.socketPath;
    const { code, stdout, stderr } = await daemon.cli(['stop']);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, `stopped (pid ${pid})\n`);
    await waitFor(() => !isProcessAlive(pid), 5_000, 'the stopped pid to be reaped');
    assert.equal(existsSync(daemon.paths.discovery), false);
    assert.equal(existsSync(socket), false);
    const again = await daemon.cli(['stop']);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, 'wandb-daemon is not running\n');
    assert.equal((await daemon.cli(['status'])).code, 3);
  });
});

describe('CLI formatting helpers', () => {
  it('quotes CSV fields per RFC 4180 and writes non-finite numbers bare', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvCell('NaN'), 'NaN');
    assert.equal(csvCell(Number.NEGATIVE_INFINITY), '-Infinity');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(undefined), '');
    assert.equal(csvCell(false), 'false');
    assert.equal(csvCell(['-Infinity', 2]), '"[-Infinity,2]"');
    assert.deepEqual(csvHeader(['b', '_step', 'a.c', 'A', '_runtime']), ['_step', 'A', '_runtime', 'a.c', 'b']);
    assert.equal(csvRecord(['_step', 'a.b', 'c'], { _step: 1, a: { b: 'x,y' } }), '1,"x,y",\r\n');
    assert.deepEqual(restoreNonFinite({ a: ['NaN', 'Infinity'], b: { c: '-Infinity', d: 'nan' } }), { a: [Number.NaN, Number.POSITIVE_INFINITY], b: { c: Number.NEGATIVE_INFINITY, d: 'nan' } });
  });

  it('pretty-prints pino lines and keeps other lines', () => {
    const time = new Date(2024, 0, 2, 3, 4, 5).getTime();
    assert.equal(prettyLogLine(JSON.stringify({ level: 30, time, pid: 9, msg: 'hello', n: 1, s: 'two words' })), '03:04:05 INFO  hello pid=9 n=1 s="two words"');
    const withError = prettyLogLine(JSON.stringify({ level: 60, time, msg: 'boom', err: { type: 'Error', message: 'bad', stack: 'Error: bad\n    at x' } }));
    assert.equal(withError.split('\n')[0], '03:04:05 FATAL boom err=bad');
    assert.equal(prettyLogLine('plain text'), 'plain text');
    assert.equal(prettyLogLine('{not json'), '{not json');
  });

  it('humanises durations', () => {
    assert.equal(humanDuration(5), '5s');
    assert.equal(humanDuration(65), '1m 05s');
    assert.equal(humanDuration(3 * 3600 + 120), '3h 02m');
    assert.equal(humanDuration(2 * 86_400 + 3600), '2d 01h');
  });
});

function writeDiscovery(daemon: TempDaemon, pid: number, httpPort: number): void {
  const discovery = { pid, version: PACKAGE_VERSION, protocolVersion: PROTOCOL_VERSION, socketPath: daemon.paths.socket, httpPort, startedAt: new Date().toISOString(), home: daemon.home };
  writeFileSync(daemon.paths.discovery, JSON.stringify(discovery), { mode: 0o600 });
}

function logLine(level: number, msg: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ level, time: Date.now(), pid: 1, ...fields, msg });
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
