/**
 * Unit tests of W&B's `resume: 'auto'` state file (src/options/resume-state.ts):
 * `<dir>/wandb/wandb-resume.json` holding `{"run_id": ...}`. Reading never throws on a damaged file;
 * writing creates an owner-only directory and replaces the file atomically with mode 0600.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { clearResumeState, readResumeState, resumeStatePath, UsageError, writeResumeState } from '../src/options/index.js';
import { tempDirs } from '@wandb-daemon/daemon/test-utils/temp-dirs';

const freshDir = tempDirs('wandb-client-resume-state-');

const modeOf = (path: string): number => statSync(path).mode & 0o777;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Writes `content` where the state file of a fresh directory lives and returns that directory. */
function dirWithStateFile(content: string | Buffer): string {
  const dir = freshDir();
  mkdirSync(join(dir, 'wandb'));
  writeFileSync(resumeStatePath(dir), content);
  return dir;
}

describe('resume state file', () => {
  test('lives at <dir>/wandb/wandb-resume.json', () => {
    assert.equal(resumeStatePath('/x/y'), '/x/y/wandb/wandb-resume.json');
  });

  test('reads null when the file, the wandb directory or dir itself is missing', async () => {
    const dir = freshDir();
    assert.equal(await readResumeState(dir), null);
    mkdirSync(join(dir, 'wandb'));
    assert.equal(await readResumeState(dir), null);
    assert.equal(await readResumeState(join(dir, 'does', 'not', 'exist')), null);
  });

  test("write then read: W&B's format, dir 0700, file 0600, no temporary file left", async () => {
    const dir = freshDir();
    await writeResumeState(dir, 'abc123xy');
    assert.equal(await readResumeState(dir), 'abc123xy');
    assert.deepEqual(JSON.parse(readFileSync(resumeStatePath(dir), 'utf8')), { run_id: 'abc123xy' });
    assert.equal(modeOf(join(dir, 'wandb')), 0o700);
    assert.equal(modeOf(resumeStatePath(dir)), 0o600);
    assert.deepEqual(readdirSync(join(dir, 'wandb')), ['wandb-resume.json']);
  });

  test('modes are exact even under a permissive umask', async () => {
    const previous = process.umask(0);
    try {
      const dir = freshDir();
      await writeResumeState(dir, 'umask0');
      assert.equal(modeOf(join(dir, 'wandb')), 0o700);
      assert.equal(modeOf(resumeStatePath(dir)), 0o600);
    } finally {
      process.umask(previous);
    }
  });

  test('creates a missing dir, and leaves an existing wandb directory in place', async () => {
    const missing = join(freshDir(), 'new', 'run-dir');
    await writeResumeState(missing, 'r1');
    assert.equal(await readResumeState(missing), 'r1');

    const existing = freshDir();
    mkdirSync(join(existing, 'wandb'));
    writeFileSync(join(existing, 'wandb', 'other-file'), 'kept');
    await writeResumeState(existing, 'r2');
    assert.equal(await readResumeState(existing), 'r2');
    assert.equal(readFileSync(join(existing, 'wandb', 'other-file'), 'utf8'), 'kept');
  });

  test('a second write replaces the first (0600 kept)', async () => {
    const dir = freshDir();
    await writeResumeState(dir, 'first');
    await writeResumeState(dir, 'second');
    assert.equal(await readResumeState(dir), 'second');
    assert.equal(modeOf(resumeStatePath(dir)), 0o600);
  });

  test('concurrent writes leave one complete file', async () => {
    const dir = freshDir();
    const ids = Array.from({ length: 20 }, (_, i) => `run${i}`);
    await Promise.all(ids.map((id) => writeResumeState(dir, id)));
    const id = await readResumeState(dir);
    assert.ok(id !== null && ids.includes(id));
    assert.deepEqual(readdirSync(join(dir, 'wandb')), ['wandb-resume.json']);
  });

  test('refuses to record an invalid run id', async () => {
    const dir = freshDir();
    await assert.rejects(writeResumeState(dir, 'bad id/../x'), UsageError);
    await assert.rejects(writeResumeState(dir, ''), UsageError);
    assert.equal(existsSync(resumeStatePath(dir)), false);
  });

  const corrupt: [string, string | Buffer][] = [
    ['empty', ''],
    ['truncated JSON', '{"run_id": "ab'],
    ['null', 'null'],
    ['an array', '["abc"]'],
    ['a number id', '{"run_id": 5}'],
    ['no run_id', '{"id": "abc"}'],
    ['an invalid id', '{"run_id": "has space"}'],
    ['an empty id', '{"run_id": ""}'],
    ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x7b])],
  ];
  for (const [what, content] of corrupt) {
    test(`reads null, never throws, for ${what}`, async () => {
      assert.equal(await readResumeState(dirWithStateFile(content)), null);
    });
  }

  test('reads null when the path is a directory', async () => {
    const dir = freshDir();
    mkdirSync(resumeStatePath(dir), { recursive: true });
    assert.equal(await readResumeState(dir), null);
  });

  test('reads null when the file is unreadable', { skip: isRoot ? 'root reads any file' : false }, async () => {
    const dir = dirWithStateFile('{"run_id": "secret"}');
    chmodSync(resumeStatePath(dir), 0o000);
    assert.equal(await readResumeState(dir), null);
  });

  test('extra keys are tolerated (W&B may add some)', async () => {
    assert.equal(await readResumeState(dirWithStateFile('{"run_id": "abc", "other": 1}')), 'abc');
  });

  test('clear removes the file; clearing a missing file or dir is fine', async () => {
    const dir = freshDir();
    await writeResumeState(dir, 'gone');
    clearResumeState(dir);
    assert.equal(existsSync(resumeStatePath(dir)), false);
    assert.equal(await readResumeState(dir), null);
    clearResumeState(dir);
    clearResumeState(join(dir, 'never', 'existed'));
  });
});
