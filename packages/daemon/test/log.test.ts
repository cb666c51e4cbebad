/**
 * The daemon log: credentials never reach it, and it stays bounded across restarts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger, rotateLog } from '../src/log.js';

describe('daemon log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wdt-log-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('redacts API keys, tokens and authorization headers, and is created 0600', () => {
    const path = join(dir, 'daemon.log');
    const log = createLogger(path);
    const secret = 'local-0123456789abcdef0123456789abcdef01234567';
    log.info({ apiKey: secret, settings: { api_key: secret }, token: secret, headers: { authorization: `Basic ${secret}` } }, 'login');
    log.flush();
    const text = readFileSync(path, 'utf8');
    assert.ok(text.includes('"msg":"login"'));
    assert.ok(!text.includes(secret), text);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('moves a log over the size limit aside at start-up, keeping one older file', () => {
    const path = join(dir, 'rotating.log');
    writeFileSync(path, 'x'.repeat(2_000));
    rotateLog(path, 1_000);
    assert.equal(existsSync(path), false);
    assert.equal(readFileSync(`${path}.1`, 'utf8').length, 2_000);
    writeFileSync(path, 'small');
    rotateLog(path, 1_000);
    assert.equal(readFileSync(path, 'utf8'), 'small');
  });
});
