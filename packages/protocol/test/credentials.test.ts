/**
 * Where W&B clients find the server and the API key: the netrc parser (comments, quotes, macdef,
 * default), the in-place rewrite that keeps every other entry, `$NETRC`, and the lookup precedence.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  DEFAULT_BASE_URL,
  netrcMachine,
  netrcPath,
  parseNetrc,
  readNetrcKey,
  resolveApiKey,
  resolveBaseUrl,
  writeNetrcKey,
} from '../src/credentials.js';

const KEY = `local-${'a'.repeat(40)}`;
const OTHER_KEY = 'b'.repeat(40);

const scratch = mkdtempSync(join(tmpdir(), 'wdp-netrc-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let files = 0;

/** A netrc file in the scratch directory holding `text` (absent when null), and an env naming it. */
function netrcEnv(text: string | null): { path: string; env: NodeJS.ProcessEnv } {
  const path = join(scratch, `netrc-${(files += 1)}`);
  if (text !== null) writeFileSync(path, text, { mode: 0o600 });
  return { path, env: { NETRC: path } };
}

/** The entries without their text positions, for comparing. */
function entries(text: string): { machine: string | null; login?: string; password?: string; account?: string }[] {
  return parseNetrc(text).map(({ start: _start, end: _end, ...rest }) => rest);
}

describe('resolveBaseUrl and netrcMachine', () => {
  it("defaults to W&B's cloud and strips trailing slashes", () => {
    assert.equal(resolveBaseUrl({}), DEFAULT_BASE_URL);
    assert.equal(resolveBaseUrl({ WANDB_BASE_URL: '  ' }), DEFAULT_BASE_URL);
    assert.equal(resolveBaseUrl({ WANDB_BASE_URL: 'http://localhost:8080//' }), 'http://localhost:8080');
  });

  it('names the machine by host, with the port only when one is given', () => {
    assert.equal(netrcMachine('https://api.wandb.ai'), 'api.wandb.ai');
    assert.equal(netrcMachine('http://127.0.0.1:8080/some/path'), '127.0.0.1:8080');
    assert.equal(netrcMachine('https://wandb.example.test:443'), 'wandb.example.test', 'a default port is not part of the host');
  });

  it('reads $NETRC, else ~/.netrc', () => {
    assert.equal(netrcPath({ NETRC: '/tmp/x' }), '/tmp/x');
    assert.equal(netrcPath({}), join(homedir(), '.netrc'));
    assert.equal(netrcPath({ NETRC: ' ' }), join(homedir(), '.netrc'));
  });
});

describe('parseNetrc', () => {
  it('reads machines on one line or many, and the default entry', () => {
    const text = 'machine a.test login u1 password p1\nmachine b.test\n  login u2\n  account acc\n  password p2\ndefault login anon password guest\n';
    assert.deepEqual(entries(text), [
      { machine: 'a.test', login: 'u1', password: 'p1' },
      { machine: 'b.test', login: 'u2', account: 'acc', password: 'p2' },
      { machine: null, login: 'anon', password: 'guest' },
    ]);
  });

  it('skips comment lines and unquotes quoted tokens', () => {
    const text = '# my hosts\nmachine a.test\n  # a comment inside an entry\n  login "user name"\n  password "p\\"w#1"\n';
    assert.deepEqual(entries(text), [{ machine: 'a.test', login: 'user name', password: 'p"w#1' }]);
  });

  it('keeps a # inside a token (only a line starting with # is a comment)', () => {
    assert.deepEqual(entries('machine a.test login u password pa#ss\n'), [{ machine: 'a.test', login: 'u', password: 'pa#ss' }]);
  });

  it('skips macdef bodies up to the first blank line', () => {
    const text = 'machine ftp.test login u password p\nmacdef init\ncd /pub\nmachine evil.test password fake\n\nmachine b.test login v password q\n';
    assert.deepEqual(entries(text), [
      { machine: 'ftp.test', login: 'u', password: 'p' },
      { machine: 'b.test', login: 'v', password: 'q' },
    ]);
  });

  it('ends a macdef at a blank line holding only spaces', () => {
    const text = 'macdef init\ncd /pub\n  \nmachine b.test login v password q\n';
    assert.deepEqual(entries(text), [{ machine: 'b.test', login: 'v', password: 'q' }]);
  });

  it('gives each entry the range of its text', () => {
    const text = 'machine a.test login u password p\n\nmachine b.test password q\n';
    const [a, b] = parseNetrc(text);
    assert.equal(text.slice(a!.start, a!.end), 'machine a.test login u password p');
    assert.equal(text.slice(b!.start, b!.end), 'machine b.test password q');
  });
});

describe('readNetrcKey', () => {
  it("finds the password of the base URL's machine, port included", () => {
    const { env } = netrcEnv(`machine 127.0.0.1:8080 login user password ${KEY}\nmachine 127.0.0.1 login user password ${OTHER_KEY}\n`);
    assert.equal(readNetrcKey('http://127.0.0.1:8080', env), KEY);
    assert.equal(readNetrcKey('http://127.0.0.1', env), OTHER_KEY);
    assert.equal(readNetrcKey('http://127.0.0.1:9090', env), null);
  });

  it('is null without a file', () => {
    assert.equal(readNetrcKey('https://api.wandb.ai', netrcEnv(null).env), null);
  });
});

describe('writeNetrcKey', () => {
  it('creates the file with mode 0600 and an entry W&B clients read', () => {
    const { path, env } = netrcEnv(null);
    assert.equal(writeNetrcKey('http://127.0.0.1:8080/', KEY, env), path);
    assert.equal(readFileSync(path, 'utf8'), `machine 127.0.0.1:8080\n  login user\n  password ${KEY}\n`);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readNetrcKey('http://127.0.0.1:8080', env), KEY);
  });

  it('makes an existing file 0600', () => {
    const { path, env } = netrcEnv('machine other.test login u password p\n');
    writeFileSync(path, readFileSync(path), { mode: 0o644 });
    writeNetrcKey('https://api.wandb.ai', KEY, env);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('replaces the entry of the machine and keeps every other entry, comment and macdef', () => {
    const before = [
      '# hosts',
      'machine other.test login u password p',
      'machine api.wandb.ai',
      '  login user',
      `  password ${OTHER_KEY}`,
      'macdef init',
      'cd /pub',
      '',
      'machine third.test login t password "q q"',
      '',
    ].join('\n');
    const { path, env } = netrcEnv(before);
    writeNetrcKey('https://api.wandb.ai', KEY, env);
    const after = readFileSync(path, 'utf8');
    assert.ok(after.startsWith('# hosts\nmachine other.test login u password p\n'), after);
    assert.ok(after.includes('macdef init\ncd /pub\n\n'), after);
    assert.ok(after.includes('machine third.test login t password "q q"'), after);
    assert.ok(!after.includes(OTHER_KEY), after);
    assert.deepEqual(entries(after), [
      { machine: 'other.test', login: 'u', password: 'p' },
      { machine: 'third.test', login: 't', password: 'q q' },
      { machine: 'api.wandb.ai', login: 'user', password: KEY },
    ]);
  });

  it('replaces every duplicate entry of the machine with one', () => {
    const { path, env } = netrcEnv(`machine h.test password ${OTHER_KEY}\nmachine x.test password x\nmachine h.test password ${OTHER_KEY}\n`);
    writeNetrcKey('https://h.test', KEY, env);
    assert.deepEqual(entries(readFileSync(path, 'utf8')), [
      { machine: 'x.test', password: 'x' },
      { machine: 'h.test', login: 'user', password: KEY },
    ]);
  });

  it('puts a new machine before `default`, which must stay last', () => {
    const { path, env } = netrcEnv('machine a.test login u password p\ndefault login anon password guest\n');
    writeNetrcKey('http://127.0.0.1:8080', KEY, env);
    const text = readFileSync(path, 'utf8');
    assert.deepEqual(entries(text), [
      { machine: 'a.test', login: 'u', password: 'p' },
      { machine: '127.0.0.1:8080', login: 'user', password: KEY },
      { machine: null, login: 'anon', password: 'guest' },
    ]);
    assert.ok(text.endsWith('default login anon password guest\n'), text);
  });

  it('writing the same key twice leaves the same file', () => {
    const { path, env } = netrcEnv('machine a.test login u password p\n');
    writeNetrcKey('https://h.test', KEY, env);
    const once = readFileSync(path, 'utf8');
    writeNetrcKey('https://h.test', KEY, env);
    assert.equal(readFileSync(path, 'utf8'), once);
  });

  it('refuses a key that netrc cannot hold', () => {
    const { path, env } = netrcEnv(null);
    assert.throws(() => writeNetrcKey('https://h.test', 'a b', env), /whitespace or quotes/);
    assert.throws(() => writeNetrcKey('https://h.test', 'a"b', env), /whitespace or quotes/);
    assert.throws(() => statSync(path), /ENOENT/);
  });
});

describe('resolveApiKey', () => {
  it('takes WANDB_API_KEY over netrc, and netrc when the variable is unset or blank', () => {
    const { env } = netrcEnv(`machine api.wandb.ai login user password ${KEY}\n`);
    assert.equal(resolveApiKey(DEFAULT_BASE_URL, { ...env, WANDB_API_KEY: ` ${OTHER_KEY} ` }), OTHER_KEY);
    assert.equal(resolveApiKey(DEFAULT_BASE_URL, env), KEY);
    assert.equal(resolveApiKey(DEFAULT_BASE_URL, { ...env, WANDB_API_KEY: '  ' }), KEY);
  });

  it('looks netrc up by the base URL it is given', () => {
    const { env } = netrcEnv(`machine api.wandb.ai login user password ${KEY}\n`);
    assert.equal(resolveApiKey('http://localhost:8080', env), null);
  });

  it('is null with neither', () => {
    assert.equal(resolveApiKey(DEFAULT_BASE_URL, netrcEnv(null).env), null);
  });
});
