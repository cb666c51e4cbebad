/**
 * The wandb-server command: first start prints the admin key (stdout banner, not the log), keys from
 * create-user/create-key authenticate against a running server, logs hold no key or upload token,
 * the data dir is 0700 and its secrets 0600, and SIGTERM stops it cleanly.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { maxUploadBytesFrom } from '../src/cli/settings.js';
import * as doc from '../test-utils/wandb-documents.js';
import { WireClient } from '../test-utils/wire-client.js';

const BIN = fileURLToPath(new URL('../../bin/wandb-server.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'wandb-server-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

const cli = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

/** Starts `wandb-server start` and resolves once the banner names the URL (and key, if any). */
function start(dataDir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; key: string | null; stdout: () => string; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--data-dir', dataDir], { env: { ...process.env, WANDB_SERVER_ADMIN_KEY: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`exited early (${code}): ${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      // The banner is one write, but a pipe may split it: wait for its last line when it has one.
      const complete = !out.includes('Created') || out.includes('WANDB_BASE_URL');
      if (!url || !complete) return;
      child.removeAllListeners('exit');
      resolve({ child, url, key: /^\s+(local-[A-Za-z0-9]{40})$/m.exec(out)?.[1] ?? null, stdout: () => out, stderr: () => err });
    });
  });
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

describe('wandb-server CLI', () => {
  it('prints the admin key once, keeps keys out of logs, makes keys that authenticate, stops on SIGTERM', async () => {
    const dataDir = join(root, 'data');
    const server = await start(dataDir);
    assert.ok(server.key, server.stdout());
    const admin = new WireClient(server.url, server.key);
    assert.equal((await admin.gql(doc.VIEWER, {}, 'Viewer')).body.data.viewer.username, 'admin');

    const created = cli(['create-user', 'carol', '--data-dir', dataDir]);
    assert.equal(created.status, 0, created.stderr);
    const carolKey = created.stdout.trim();
    assert.match(carolKey, /^local-[A-Za-z0-9]{40}$/);
    const second = cli(['create-key', 'carol', '--data-dir', dataDir]);
    assert.equal(second.status, 0, second.stderr);
    for (const key of [carolKey, second.stdout.trim()]) {
      assert.equal((await new WireClient(server.url, key).gql(doc.VIEWER, {}, 'Viewer')).body.data.viewer.entity, 'carol');
    }
    assert.notEqual(cli(['create-key', 'nobody', '--data-dir', dataDir]).status, 0);
    assert.notEqual(cli(['create-user', 'carol', '--data-dir', dataDir]).status, 0);

    const files = await admin.gql(doc.CREATE_RUN_FILES, { entity: 'admin', project: 'p', run: 'r', files: ['a.txt'] }, 'CreateRunFiles');
    const uploadUrl: string = files.body.data.createRunFiles.files[0].uploadUrl;
    assert.equal((await fetch(uploadUrl, { method: 'PUT', body: 'hello' })).status, 200);
    await admin.fileStream('admin/p/r', {});
    await new WireClient(server.url, `local-${'b'.repeat(40)}`).gql(doc.VIEWER);

    assert.equal(await stop(server.child), 0);
    const log = server.stderr();
    assert.match(log, /"url":"\/graphql"/);
    assert.match(log, /\/upload\/\[redacted\]/);
    const token = uploadUrl.slice(uploadUrl.lastIndexOf('/') + 1);
    for (const secret of [server.key!, carolKey, token, Buffer.from(`api:${server.key}`).toString('base64')]) assert.ok(!log.includes(secret), 'a secret reached the log');
    assert.equal(server.stdout().split(server.key!).length, 2, 'the key is printed exactly once');

    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    for (const name of ['server.sqlite', 'upload-secret']) assert.equal(statSync(join(dataDir, name)).mode & 0o777, 0o600, name);

    const again = await start(dataDir);
    assert.equal(again.key, null, 'a second start creates no admin');
    assert.equal((await new WireClient(again.url, server.key).gql(doc.VIEWER, {}, 'Viewer')).status, 200);
    assert.equal(await stop(again.child), 0);
  });

  it('seeds the admin key from WANDB_SERVER_ADMIN_KEY without printing it', async () => {
    const key = `local-${'S'.repeat(40)}`;
    const server = await start(join(root, 'seeded'), { WANDB_SERVER_ADMIN_KEY: key });
    assert.equal(server.key, null);
    assert.ok(!server.stdout().includes(key));
    assert.equal((await new WireClient(server.url, key).gql(doc.VIEWER, {}, 'Viewer')).body.data.viewer.username, 'admin');
    assert.equal(await stop(server.child), 0);
  });
});

describe('settings', () => {
  it('the upload limit: --max-upload-mib, else WANDB_SERVER_MAX_UPLOAD_MIB, else the default', () => {
    assert.equal(maxUploadBytesFrom('2', { WANDB_SERVER_MAX_UPLOAD_MIB: '3' }), 2 * 1024 * 1024);
    assert.equal(maxUploadBytesFrom(undefined, { WANDB_SERVER_MAX_UPLOAD_MIB: '0.5' }), 512 * 1024);
    assert.equal(maxUploadBytesFrom(undefined, {}), undefined);
    for (const bad of ['0', '-1', 'big']) assert.throws(() => maxUploadBytesFrom(bad, {}), /positive number/);
  });
});
