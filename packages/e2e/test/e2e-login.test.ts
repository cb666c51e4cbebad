/**
 * `login()` against the real server: a key the server accepts is stored in netrc and later runs sync
 * with it; a key it refuses is an AuthenticationError and is not stored.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TempDaemon } from '@wandb-daemon/daemon/test-utils/temp-daemon';
import { clientEnv, daemonFor, RestartableServer, stepsExactlyOnce, UserScript, waitFor } from './stack.js';

describe('login against the server', () => {
  const server = new RestartableServer();
  let daemon: TempDaemon;
  let netrc: string;

  before(async () => {
    await server.start();
    daemon = daemonFor();
    netrc = join(daemon.home, 'netrc');
  });
  after(async () => {
    await daemon.dispose();
    await server.stop();
  });

  test('a refused key is an AuthenticationError and is not stored', async () => {
    const script = new UserScript(
      `try { await wandb.login({ key: 'local-${'y'.repeat(40)}', host: process.env.HOST }); console.log('accepted'); }
       catch (error) { console.log(error.name, error.message); }`,
      clientEnv(daemon, null, null, { NETRC: netrc, HOST: server.url }),
    );
    const { stdout } = await script.succeeded();
    assert.match(stdout, /^AuthenticationError .*not valid/m);
    assert.doesNotMatch(stdout, /y{40}/, 'the key never appears in messages');
    assert.equal(existsSync(netrc), false);
  });

  test('an accepted key goes to netrc, and a later run without WANDB_API_KEY syncs with it', async () => {
    const { key } = server.createUser('carol');
    const login = new UserScript(
      `console.log('logged in', await wandb.login({ key: process.env.KEY, host: process.env.HOST }));`,
      clientEnv(daemon, null, null, { NETRC: netrc, HOST: server.url, KEY: key }),
    );
    assert.match((await login.succeeded()).stdout, /logged in true/);
    assert.equal(statSync(netrc).mode & 0o777, 0o600);
    assert.match(readFileSync(netrc, 'utf8'), new RegExp(`machine 127\\.0\\.0\\.1:${server.port}\\s+login user\\s+password ${key}`));

    const run = new UserScript(
      `const run = await wandb.init({ project: 'login', id: 'netrc1' });
       for (let i = 0; i < 200; i++) run.log({ x: i });
       await run.finish();`,
      clientEnv(daemon, server, null, { NETRC: netrc }),
    );
    await run.succeeded();
    await waitFor(async () => (await server.run('carol', 'login', 'netrc1', key))?.state === 'finished', 60_000, 'run synced with the netrc key');
    assert.equal(stepsExactlyOnce(await server.history('carol', 'login', 'netrc1', key), 200), null);
    assert.equal(await server.run('carol', 'login', 'netrc1'), null, "another user's key does not see carol's runs");
  });
});
