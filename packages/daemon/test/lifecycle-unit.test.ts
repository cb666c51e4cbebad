/**
 * Unit tests of the daemon's lifecycle building blocks, without starting a daemon:
 * - the single-instance start lock and its staleness rules (src/lifecycle/start-lock.ts);
 * - where the daemon's files and socket live (src/lifecycle/paths.ts);
 * - the idle-exit policy, driven with injected clock values (src/lifecycle/liveness.ts);
 * - owner-only directories and atomic files (the storage kit's private-fs).
 * File-system tests work in a temporary directory removed afterwards.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_IDLE_TIMEOUT_SECONDS, IdleMonitor, idleTimeoutMs } from '../src/lifecycle/liveness.js';
import { daemonPaths, MAX_SOCKET_PATH_BYTES, resolveHome } from '../src/lifecycle/paths.js';
import { ensurePrivateDir, writeFileAtomic } from '@wandb-daemon/storage-kit/private-fs';
import { acquireStartLock, isLockStale, readLock, UNREADABLE_GRACE_MS } from '../src/lifecycle/start-lock.js';
import { tempDirs } from '../test-utils/temp-dirs.js';

const freshDir = tempDirs('wandb-daemon-lifecycle-unit-');

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** A pid that certainly existed and has exited (and been reaped). */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '']);
  assert.equal(result.status, 0);
  assert.ok(result.pid > 0);
  return result.pid;
}

/** Starts a live child that sleeps; `extraArg` ends up in its command line. */
function sleeper(extraArg?: string): ChildProcess {
  const args = ['-e', 'setTimeout(() => {}, 60_000)'];
  if (extraArg) args.push(extraArg);
  return spawn(process.execPath, args, { stdio: 'ignore' });
}

/** Writes a lock file naming `pid`. */
function writeLock(path: string, pid: number): void {
  writeFileSync(path, JSON.stringify({ pid, createdAt: Date.now() }));
}

describe('start lock', () => {
  const lockPaths = () => {
    const dir = freshDir();
    return { lock: join(dir, 'daemon.lock'), brk: join(dir, 'daemon.lock.break') };
  };

  it('is acquired in an empty directory: file 0600 naming this pid', () => {
    const { lock, brk } = lockPaths();
    const result = acquireStartLock(lock, brk);
    assert.equal(result.acquired, true);
    assert.equal(modeOf(lock), 0o600);
    const content = JSON.parse(readFileSync(lock, 'utf8')) as { pid: number; createdAt: number };
    assert.equal(content.pid, process.pid);
    assert.equal(typeof content.createdAt, 'number');
    assert.deepEqual(readLock(lock), content);
    if (result.acquired) result.release();
  });

  it('is refused to a second acquire while held, naming the holder', () => {
    const { lock, brk } = lockPaths();
    const first = acquireStartLock(lock, brk);
    assert.equal(first.acquired, true);
    const second = acquireStartLock(lock, brk);
    assert.equal(second.acquired, false);
    assert.equal(second.acquired === false && second.holder?.pid, process.pid);
    assert.ok(existsSync(lock));
    if (first.acquired) first.release();
    assert.equal(acquireStartLock(lock, brk).acquired, true, 'free again after release');
  });

  it('breaks a lock naming a dead pid and acquires it', () => {
    const { lock, brk } = lockPaths();
    const pid = deadPid();
    writeLock(lock, pid);
    assert.equal(isLockStale(lock, readLock(lock)), true);
    const result = acquireStartLock(lock, brk);
    assert.equal(result.acquired, true);
    assert.equal(readLock(lock)?.pid, process.pid);
    assert.equal(existsSync(brk), false, 'the break lock is removed');
    if (result.acquired) result.release();
  });

  it('holds an unreadable lock younger than the grace period', () => {
    const { lock, brk } = lockPaths();
    writeFileSync(lock, '{"pid": 12');
    const result = acquireStartLock(lock, brk);
    assert.equal(result.acquired, false);
    assert.equal(result.acquired === false && result.holder, null);
    assert.equal(readFileSync(lock, 'utf8'), '{"pid": 12', 'left untouched');
  });

  it('breaks an unreadable lock older than the grace period', () => {
    const { lock, brk } = lockPaths();
    writeFileSync(lock, '');
    const past = (Date.now() - UNREADABLE_GRACE_MS - 60_000) / 1000;
    utimesSync(lock, past, past);
    assert.equal(isLockStale(lock, null), true);
    const result = acquireStartLock(lock, brk);
    assert.equal(result.acquired, true);
    assert.equal(readLock(lock)?.pid, process.pid);
    if (result.acquired) result.release();
  });

  it('judges an unreadable lock by its age against an injected clock', () => {
    const { lock } = lockPaths();
    writeFileSync(lock, 'garbage');
    const mtime = statSync(lock).mtimeMs;
    assert.equal(isLockStale(lock, null, mtime + UNREADABLE_GRACE_MS - 1), false);
    assert.equal(isLockStale(lock, null, mtime + UNREADABLE_GRACE_MS + 1), true);
  });

  it('does not call a missing lock stale', () => {
    const { lock } = lockPaths();
    assert.equal(isLockStale(lock, null), false);
    assert.equal(readLock(lock), null);
  });

  it('on Linux, treats a live pid that is not a wandb-daemon as stale and one that is as held', { skip: process.platform !== 'linux' }, async () => {
    const other = sleeper();
    const daemonish = sleeper('wandb-daemon');
    try {
      await Promise.all([other, daemonish].map((child) => new Promise((resolve) => child.once('spawn', resolve))));
      const { lock, brk } = lockPaths();
      writeLock(lock, daemonish.pid!);
      const held = acquireStartLock(lock, brk);
      assert.equal(held.acquired, false);
      assert.equal(held.acquired === false && held.holder?.pid, daemonish.pid);

      writeLock(lock, other.pid!);
      const taken = acquireStartLock(lock, brk);
      assert.equal(taken.acquired, true);
      if (taken.acquired) taken.release();
    } finally {
      other.kill();
      daemonish.kill();
    }
  });

  it('release removes our own lock only', () => {
    const { lock, brk } = lockPaths();
    const mine = acquireStartLock(lock, brk);
    assert.ok(mine.acquired);
    mine.release();
    assert.equal(existsSync(lock), false);

    const again = acquireStartLock(lock, brk);
    assert.ok(again.acquired);
    // Someone else's lock took its place (e.g. ours was judged stale and broken): release leaves it.
    writeLock(lock, process.pid + 1);
    again.release();
    assert.ok(existsSync(lock));
    assert.equal(readLock(lock)?.pid, process.pid + 1);
  });

  it('release is harmless when the lock is already gone', () => {
    const { lock, brk } = lockPaths();
    const result = acquireStartLock(lock, brk);
    assert.ok(result.acquired);
    rmSync(lock);
    result.release();
    assert.equal(existsSync(lock), false);
  });
});

describe('daemon paths', () => {
  /** A home path whose `<home>/daemon.sock` is exactly `bytes` long. */
  const homeWithSocketBytes = (bytes: number, letter = 'h') => {
    const base = '/tmp/';
    return base + letter.repeat(bytes - base.length - '/daemon.sock'.length);
  };

  it('puts everything, socket included, in a short home', () => {
    const home = '/tmp/wdh-short';
    const paths = daemonPaths(home);
    assert.equal(paths.home, home);
    assert.equal(paths.socket, join(home, 'daemon.sock'));
    assert.equal(paths.socketDir, null);
    for (const key of ['database', 'log', 'discovery', 'lock', 'lockBreak', 'httpToken'] as const) {
      assert.equal(dirname(paths[key]), home, key);
    }
    assert.equal(paths.lockBreak, `${paths.lock}.break`);
  });

  it('keeps the socket in the home when it is exactly at the limit', () => {
    const home = homeWithSocketBytes(MAX_SOCKET_PATH_BYTES);
    assert.equal(Buffer.byteLength(join(home, 'daemon.sock')), MAX_SOCKET_PATH_BYTES);
    assert.equal(daemonPaths(home).socketDir, null);
  });

  it('moves the socket to a short private directory when <home>/daemon.sock is too long', () => {
    const home = homeWithSocketBytes(MAX_SOCKET_PATH_BYTES + 1);
    const paths = daemonPaths(home);
    assert.ok(paths.socketDir);
    assert.equal(dirname(paths.socket), paths.socketDir);
    assert.ok(Buffer.byteLength(paths.socket) <= MAX_SOCKET_PATH_BYTES, paths.socket);
    assert.ok(!paths.socket.startsWith(home));
    assert.equal(paths.database, join(home, 'store.sqlite'), 'other files stay in the home');
  });

  it('keeps a long socket path short even for very long and multi-byte homes', () => {
    for (const home of ['/tmp/' + 'x'.repeat(400), '/tmp/' + 'é'.repeat(80)]) {
      const paths = daemonPaths(home);
      assert.ok(paths.socketDir);
      assert.ok(Buffer.byteLength(paths.socket) <= MAX_SOCKET_PATH_BYTES, paths.socket);
    }
  });

  it('gives two different long homes different sockets and the same home the same one', () => {
    const a = homeWithSocketBytes(150, 'a');
    const b = homeWithSocketBytes(150, 'b');
    assert.notEqual(daemonPaths(a).socket, daemonPaths(b).socket);
    assert.notEqual(daemonPaths(a).socketDir, daemonPaths(b).socketDir);
    assert.equal(daemonPaths(a).socket, daemonPaths(a).socket);
    assert.deepEqual(daemonPaths(a), daemonPaths(a));
  });

  it('resolveHome uses WANDB_DAEMON_HOME (made absolute) or ~/.wandb-daemon', () => {
    assert.equal(resolveHome({ WANDB_DAEMON_HOME: '/tmp/custom-home' }), '/tmp/custom-home');
    assert.equal(resolveHome({ WANDB_DAEMON_HOME: 'relative/home' }), resolve('relative/home'));
    assert.equal(resolveHome({}), join(homedir(), '.wandb-daemon'));
    assert.equal(resolveHome({ WANDB_DAEMON_HOME: '' }), join(homedir(), '.wandb-daemon'));
  });
});

describe('idle timeout', () => {
  it('idleTimeoutMs reads WANDB_DAEMON_IDLE_TIMEOUT in seconds', () => {
    assert.equal(idleTimeoutMs({}), DEFAULT_IDLE_TIMEOUT_SECONDS * 1000);
    assert.equal(idleTimeoutMs({}), 600_000);
    assert.equal(idleTimeoutMs({ WANDB_DAEMON_IDLE_TIMEOUT: '' }), 600_000);
    assert.equal(idleTimeoutMs({ WANDB_DAEMON_IDLE_TIMEOUT: '  ' }), 600_000);
    assert.equal(idleTimeoutMs({ WANDB_DAEMON_IDLE_TIMEOUT: '0' }), 0);
    assert.equal(idleTimeoutMs({ WANDB_DAEMON_IDLE_TIMEOUT: '30' }), 30_000);
    assert.equal(idleTimeoutMs({ WANDB_DAEMON_IDLE_TIMEOUT: '1.5' }), 1_500);
  });

  it('idleTimeoutMs rejects values that are not seconds >= 0', () => {
    for (const raw of ['abc', '-1', 'Infinity', 'NaN', '10s']) {
      assert.throws(() => idleTimeoutMs({ WANDB_DAEMON_IDLE_TIMEOUT: raw }), /WANDB_DAEMON_IDLE_TIMEOUT/, raw);
    }
  });

  /** A monitor whose own timer never matters (huge timeout, 5 s interval) with controllable probes. */
  function monitor(timeoutMs: number) {
    const probes = { clients: 0, backlog: 0 };
    let fired = 0;
    const idle = new IdleMonitor(timeoutMs, { clients: () => probes.clients, syncBacklog: () => probes.backlog }, () => {
      fired += 1;
    });
    return { idle, probes, fired: () => fired };
  }

  const T = 1_000_000_000; // ms; far beyond the test's duration
  const t0 = Date.now();

  it('fires onIdle once the daemon has been idle for the whole timeout', () => {
    const m = monitor(T);
    try {
      m.idle.check(t0);
      m.idle.check(t0 + T - 1);
      assert.equal(m.fired(), 0);
      m.idle.check(t0 + T);
      assert.equal(m.fired(), 1);
    } finally {
      m.idle.stop();
    }
  });

  it('fires exactly once for a single check well past the timeout', () => {
    const m = monitor(T);
    try {
      m.idle.check(t0);
      m.idle.check(t0 + 10 * T);
      assert.equal(m.fired(), 1);
    } finally {
      m.idle.stop();
    }
  });

  it('does not call onIdle again on later checks', () => {
    const m = monitor(T);
    try {
      m.idle.check(t0);
      m.idle.check(t0 + T + 1);
      m.idle.check(t0 + T + 2);
      m.idle.check(t0 + 2 * T + 5);
      assert.equal(m.fired(), 1);
    } finally {
      m.idle.stop();
    }
  });

  it('restarts the idle period when a client appears', () => {
    const m = monitor(T);
    try {
      m.idle.check(t0);
      m.probes.clients = 1;
      m.idle.check(t0 + T / 2);
      m.idle.check(t0 + T + 1);
      assert.equal(m.fired(), 0, 'not idle while a client is connected');
      m.probes.clients = 0;
      m.idle.check(t0 + T + 2);
      m.idle.check(t0 + 2 * T + 1);
      assert.equal(m.fired(), 0, 'idle since t0 + T + 2 only');
      m.idle.check(t0 + 2 * T + 2);
      assert.equal(m.fired(), 1);
    } finally {
      m.idle.stop();
    }
  });

  it('is not idle while there is a sync backlog', () => {
    const m = monitor(T);
    try {
      m.probes.backlog = 5;
      m.idle.check(t0);
      m.idle.check(t0 + 3 * T);
      assert.equal(m.fired(), 0);
      m.probes.backlog = 0;
      m.idle.check(t0 + 3 * T + 1);
      m.idle.check(t0 + 4 * T);
      assert.equal(m.fired(), 0);
      m.idle.check(t0 + 4 * T + 1);
      assert.equal(m.fired(), 1);
    } finally {
      m.idle.stop();
    }
  });

  it('never fires when the timeout is 0', () => {
    const m = monitor(0);
    try {
      for (const dt of [0, 1, 600_000, 1e12]) m.idle.check(t0 + dt);
      assert.equal(m.fired(), 0);
    } finally {
      m.idle.stop();
    }
  });
});

describe('private files and directories', () => {
  it('ensurePrivateDir creates missing directories 0700', () => {
    const dir = join(freshDir(), 'a', 'b');
    ensurePrivateDir(dir);
    assert.ok(statSync(dir).isDirectory());
    assert.equal(modeOf(dir), 0o700);
  });

  it('ensurePrivateDir tightens an existing 0755 directory to 0700', () => {
    const dir = join(freshDir(), 'loose');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    assert.equal(modeOf(dir), 0o755);
    ensurePrivateDir(dir);
    assert.equal(modeOf(dir), 0o700);
  });

  it('ensurePrivateDir leaves a directory that is already 0700 alone and is idempotent', () => {
    const dir = join(freshDir(), 'tight');
    ensurePrivateDir(dir);
    writeFileSync(join(dir, 'f'), 'x');
    ensurePrivateDir(dir);
    assert.equal(modeOf(dir), 0o700);
    assert.deepEqual(readdirSync(dir), ['f']);
  });

  it('ensurePrivateDir refuses a symlink and a file', () => {
    const base = freshDir();
    const target = join(base, 'target');
    mkdirSync(target);
    const link = join(base, 'link');
    symlinkSync(target, link);
    assert.throws(() => ensurePrivateDir(link), /not a directory/);
    const file = join(base, 'file');
    writeFileSync(file, '');
    assert.throws(() => ensurePrivateDir(file));
  });

  it('writeFileAtomic writes a new file 0600', () => {
    const path = join(freshDir(), 'token');
    writeFileAtomic(path, 'secret');
    assert.equal(readFileSync(path, 'utf8'), 'secret');
    assert.equal(modeOf(path), 0o600);
  });

  it('writeFileAtomic replaces existing content (and a looser mode) and leaves no temporary file', () => {
    const dir = freshDir();
    const path = join(dir, 'daemon.json');
    writeFileSync(path, 'old content that is longer than the new one', { mode: 0o644 });
    chmodSync(path, 0o644);
    writeFileAtomic(path, '{"new":true}');
    assert.equal(readFileSync(path, 'utf8'), '{"new":true}');
    assert.equal(modeOf(path), 0o600);
    assert.deepEqual(readdirSync(dir), ['daemon.json']);
  });
});
