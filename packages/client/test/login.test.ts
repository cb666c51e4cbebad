/**
 * `login()` against a fake W&B server on loopback: the key check (W&B's Viewer query with Basic auth),
 * where keys are found and which are saved to netrc (0600, `machine 127.0.0.1:<port>`), relogin, the
 * errors (malformed key, refused key, no key without a terminal, anonymous 'must'), a server that
 * cannot be reached, and the prompt on a pseudo-terminal (the key is not echoed). Each test gets its own server, so that one test's login (kept in this process's
 * memory per server) cannot answer for another's.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import wandb, { AuthenticationError, CommError, login as exportedLogin, UsageError } from '../src/index.js';
import { login } from '../src/login/login.js';
import { runScript, writeScript } from './client-process.js';
import { FakeGraphql } from './fake-graphql.js';

const GOOD = `local-${'a1'.repeat(20)}`;
const OTHER_GOOD = 'b2'.repeat(20);
const BAD = `local-${'c3'.repeat(20)}`;

const scratch = mkdtempSync(join(tmpdir(), 'wdc-login-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let netrcs = 0;
const servers: FakeGraphql[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A fresh fake server accepting GOOD and OTHER_GOOD, and an environment with its own (absent) netrc file. */
async function setup(): Promise<{ server: FakeGraphql; netrc: string; env: NodeJS.ProcessEnv }> {
  const server = await FakeGraphql.start([GOOD, OTHER_GOOD]);
  servers.push(server);
  const netrc = join(scratch, `netrc-${(netrcs += 1)}`);
  return { server, netrc, env: { NETRC: netrc, WANDB_BASE_URL: server.baseUrl } };
}

/** Runs `fn`, returning its result and what it wrote to stderr. */
async function captureStderr<T>(fn: () => Promise<T>): Promise<{ result: T; stderr: string }> {
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { result: await fn(), stderr };
  } finally {
    process.stderr.write = write;
  }
}

/** Asserts an error of `type` whose message has every fragment and none of the keys. */
function errorWith(type: new (...args: any[]) => Error, fragments: string[]): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof type, `expected a ${type.name}, got ${String(error)}`);
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `${JSON.stringify(error.message)} lacks ${JSON.stringify(fragment)}`);
    for (const key of [GOOD, OTHER_GOOD, BAD]) assert.ok(!error.message.includes(key), 'the message shows a key');
    return true;
  };
}

describe('login with a key', () => {
  it('verifies the key with the Viewer query, saves it to netrc (0600) and says who is logged in', async () => {
    const { server, netrc, env } = await setup();
    const { result, stderr } = await captureStderr(() => login({ key: GOOD }, env));
    assert.equal(result, true);
    assert.equal(stderr, `wandb: Currently logged in as: alice (alice) to ${server.baseUrl}. Use \`login({ relogin: true })\` to force relogin\n`);
    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.deepEqual(
      { method: request!.method, path: request!.path, authorization: request!.authorization },
      { method: 'POST', path: '/graphql', authorization: `Basic ${Buffer.from(`api:${GOOD}`).toString('base64')}` },
    );
    assert.equal(request!.body.operationName, 'Viewer');
    assert.deepEqual(request!.body.variables, {});
    assert.match(request!.body.query, /viewer\s*\{[^}]*entity/);
    assert.equal(readFileSync(netrc, 'utf8'), `machine 127.0.0.1:${server.port}\n  login user\n  password ${GOOD}\n`);
    assert.equal(statSync(netrc).mode & 0o777, 0o600);
  });

  it('is silent with WANDB_SILENT', async () => {
    const { env } = await setup();
    const { result, stderr } = await captureStderr(() => login({ key: GOOD }, { ...env, WANDB_SILENT: 'true' }));
    assert.deepEqual({ result, stderr }, { result: true, stderr: '' });
  });

  it('takes host over WANDB_BASE_URL, and stores the key under that machine', async () => {
    const { server, netrc } = await setup();
    const result = await login({ key: GOOD, host: `${server.baseUrl}/`, timeout: 5 }, { NETRC: netrc, WANDB_BASE_URL: 'http://127.0.0.1:9', WANDB_SILENT: 'true' });
    assert.equal(result, true);
    assert.equal(server.requests.length, 1);
    assert.match(readFileSync(netrc, 'utf8'), new RegExp(`^machine 127\\.0\\.0\\.1:${server.port}\\n`));
  });

  it('refuses a key the server does not know, and saves nothing', async () => {
    const { server, netrc, env } = await setup();
    writeFileSync(netrc, 'machine other.test login u password p\n', { mode: 0o600 });
    await assert.rejects(login({ key: BAD }, env), errorWith(AuthenticationError, [`API key not valid for ${server.baseUrl}`]));
    assert.equal(server.requests.length, 1);
    assert.equal(readFileSync(netrc, 'utf8'), 'machine other.test login u password p\n');
  });

  it('refuses a malformed key before asking the server', async () => {
    const { server, netrc, env } = await setup();
    for (const key of ['short', `${GOOD}x`, `pre-fix-${'a'.repeat(41)}`, `local-${'a'.repeat(39)}!`]) {
      await assert.rejects(login({ key }, env), errorWith(UsageError, ["login option 'key'", 'expected 40 letters or digits']));
    }
    assert.equal(server.requests.length, 0);
    assert.equal(existsSync(netrc), false);
  });

  it('checks its options like init does', async () => {
    const { env } = await setup();
    await assert.rejects(login({ relogn: true } as never, env), errorWith(UsageError, ["Unknown login option 'relogn'", "Did you mean 'relogin'?"]));
    await assert.rejects(login({ key: GOOD, force: 'yes' } as never, env), errorWith(UsageError, ["login option 'force'", 'true or false']));
    await assert.rejects(login({ key: GOOD, host: 'ftp://x' }, env), errorWith(UsageError, ["login option 'host'", 'http']));
    await assert.rejects(login({ key: GOOD, timeout: 0 }, env), errorWith(UsageError, ["login option 'timeout'"]));
    await assert.rejects(login({ key: GOOD, anonymous: 'sometimes' as never }, env), errorWith(UsageError, ["login option 'anonymous'", '"allow", "must", "never"']));
  });
});

describe('where login finds a key', () => {
  it('takes WANDB_API_KEY, verifies it, and leaves netrc alone', async () => {
    const { server, netrc, env } = await setup();
    assert.equal(await login({}, { ...env, WANDB_API_KEY: OTHER_GOOD, WANDB_SILENT: 'true' }), true);
    assert.equal(server.requests[0]!.authorization, `Basic ${Buffer.from(`api:${OTHER_GOOD}`).toString('base64')}`);
    assert.equal(existsSync(netrc), false);
  });

  it('takes the netrc entry of the server and does not rewrite it', async () => {
    const { server, netrc, env } = await setup();
    const text = `# mine\nmachine 127.0.0.1:${server.port} login user password ${GOOD}\n`;
    writeFileSync(netrc, text, { mode: 0o600 });
    assert.equal(await login(undefined, { ...env, WANDB_SILENT: 'true' }), true);
    assert.equal(server.requests.length, 1);
    assert.equal(readFileSync(netrc, 'utf8'), text);
  });

  it('rejects a stored key the server refuses, naming where it came from', async () => {
    const { server, env } = await setup();
    await assert.rejects(login({}, { ...env, WANDB_API_KEY: BAD }), errorWith(AuthenticationError, [`API key not valid for ${server.baseUrl}`, 'came from WANDB_API_KEY']));
    await assert.rejects(login({}, { ...env, WANDB_API_KEY: 'nope' }), errorWith(UsageError, ['WANDB_API_KEY']));
  });

  it('relogin with a key replaces the saved one', async () => {
    const { server, netrc, env } = await setup();
    writeFileSync(netrc, `machine 127.0.0.1:${server.port} login user password ${GOOD}\ndefault login anonymous password x\n`, { mode: 0o600 });
    assert.equal(await login({ key: OTHER_GOOD, relogin: true }, { ...env, WANDB_SILENT: 'true' }), true);
    assert.equal(readFileSync(netrc, 'utf8'), `machine 127.0.0.1:${server.port}\n  login user\n  password ${OTHER_GOOD}\ndefault login anonymous password x\n`);
  });

  it("anonymous 'allow' and 'never' log in as usual; 'must' is refused, option or WANDB_ANONYMOUS", async () => {
    const { server, env } = await setup();
    const quiet = { ...env, WANDB_SILENT: 'true' };
    assert.equal(await login({ key: GOOD, anonymous: 'allow' }, quiet), true);
    assert.equal(await login({ key: GOOD, anonymous: 'never' }, quiet), true);
    await assert.rejects(login({ key: GOOD, anonymous: 'must' }, quiet), errorWith(UsageError, ['Anonymous logins are not supported by this server']));
    await assert.rejects(login({ key: GOOD }, { ...quiet, WANDB_ANONYMOUS: 'must' }), errorWith(UsageError, ['Anonymous logins are not supported']));
    assert.equal(server.requests.length, 2);
  });

  it('does nothing in offline or disabled mode and returns false', async () => {
    const { server, env } = await setup();
    assert.equal(await login({ key: GOOD }, { ...env, WANDB_MODE: 'offline', WANDB_SILENT: 'true' }), false);
    assert.equal(await login({ key: GOOD }, { ...env, WANDB_DISABLED: 'true', WANDB_SILENT: 'true' }), false);
    assert.equal(server.requests.length, 0);
  });
});

describe('a server that cannot be reached', () => {
  it('keeps the key unverified with one warning, saves nothing; with force it throws', async () => {
    const { server, netrc } = await setup();
    const baseUrl = server.baseUrl;
    await server.close(); // nothing listens on the port any more: connections are refused
    const env = { NETRC: netrc, WANDB_BASE_URL: baseUrl };
    const first = await captureStderr(() => login({ key: GOOD }, env));
    assert.equal(first.result, true);
    const lines = first.stderr.trim().split('\n');
    assert.equal(lines.length, 1, first.stderr);
    assert.match(lines[0]!, new RegExp(`^wandb: WARNING could not reach ${baseUrl.replace(/\./g, '\\.')} to verify the API key \\(ECONNREFUSED\\); using it unverified`));
    assert.ok(!first.stderr.includes(GOOD));
    const again = await captureStderr(() => login({ key: GOOD }, env));
    assert.deepEqual(again, { result: true, stderr: '' }, 'the warning is said once');
    assert.equal(existsSync(netrc), false);
    await assert.rejects(login({ key: GOOD, force: true }, env), errorWith(CommError, [`could not reach ${baseUrl}`, 'force']));
  });

  it('gives up after `timeout` seconds on a server that does not answer', async () => {
    const { server, netrc, env } = await setup();
    server.hang = true;
    await assert.rejects(login({ key: GOOD, force: true, timeout: 0.2 }, env), errorWith(CommError, ['no answer within 0.2 s']));
    assert.equal(existsSync(netrc), false);
  });
});

describe('login in a script', () => {
  it('is wandb.login and a named export', () => {
    assert.equal(wandb.login, exportedLogin);
  });

  it('without a key and without a terminal throws a UsageError saying how to give one', async () => {
    const { server, netrc } = await setup();
    const body = `
for (const options of [undefined, { relogin: true }]) {
  try {
    await wandbNamed.login(options);
    console.log('logged in');
  } catch (error) {
    console.log(JSON.stringify({ name: error.name, usage: error instanceof wandbNamed.UsageError, message: error.message }));
  }
}`;
    // stdin is not a terminal in the child (ClientProcess ignores it).
    const result = await runScript(body, { NETRC: netrc, WANDB_BASE_URL: server.baseUrl, WANDB_API_KEY: '' });
    assert.equal(result.code, 0, result.stderr);
    const outcomes = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(outcomes.length, 2);
    for (const outcome of outcomes) {
      assert.deepEqual([outcome.name, outcome.usage], ['UsageError', true]);
      assert.match(outcome.message, /No API key configured for http:\/\/127\.0\.0\.1:\d+, and no terminal/);
      assert.match(outcome.message, /WANDB_API_KEY/);
      assert.match(outcome.message, /login\(\{ key \}\)/);
    }
    assert.equal(server.requests.length, 0);
  });

  it('relogin without a key does not reuse the saved key', async () => {
    const { server, netrc } = await setup();
    writeFileSync(netrc, `machine 127.0.0.1:${server.port} login user password ${GOOD}\n`, { mode: 0o600 });
    const body = `
console.log(await wandb.login());
try { await wandb.login({ relogin: true }); } catch (error) { console.log(error.name); }`;
    const result = await runScript(body, { NETRC: netrc, WANDB_BASE_URL: server.baseUrl, WANDB_SILENT: 'true' });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), ['true', 'UsageError']);
    assert.equal(server.requests.length, 1);
  });
});

// util-linux `script` gives the child a pseudo-terminal, so that login() prompts as it would for a person.
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

describe('login on a terminal', () => {
  it('prompts for the key without echoing it, verifies it and saves it', { skip: HAS_SCRIPT ? false : 'needs util-linux script' }, async () => {
    const { server, netrc } = await setup();
    const file = writeScript(`console.log('result', await wandb.login());`);
    const child = spawn('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(file)}`, '/dev/null'], {
      env: { ...process.env, NETRC: netrc, WANDB_BASE_URL: server.baseUrl, WANDB_API_KEY: '', WANDB_SILENT: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let typed = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!typed && output.includes('hit enter')) {
        typed = true;
        child.stdin!.write(`${GOOD}\r`);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(timer);
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`browser here: ${server.baseUrl.replace(/\./g, '\\.')}/authorize`));
    assert.match(output, /Currently logged in as: alice \(alice\)/);
    assert.match(output, /result (\S*)true/);
    assert.ok(!output.includes(GOOD), 'the key was echoed');
    assert.equal(readFileSync(netrc, 'utf8'), `machine 127.0.0.1:${server.port}\n  login user\n  password ${GOOD}\n`);
  });
});
