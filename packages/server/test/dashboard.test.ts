/** The dashboard's files at / without a key, their security headers, path checks, and 401s without a password dialog. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DASHBOARD_CSP, defaultDashboardDir } from '../src/http/dashboard-route.js';
import { startTempServer, type TempServer } from '../test-utils/temp-server.js';

const INDEX = '<!doctype html><title>dashboard</title><script type="module" src="/assets/app.js"></script>';

/** A built dashboard in a temp dir, with a secret file next to it that must never be served. */
function fakeDashboard(): string {
  const root = mkdtempSync(join(tmpdir(), 'wandb-dashboard-'));
  const app = join(root, 'app');
  mkdirSync(join(app, 'assets'), { recursive: true });
  writeFileSync(join(app, 'index.html'), INDEX);
  writeFileSync(join(app, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(app, 'assets', 'app.js'), 'console.log("app");');
  writeFileSync(join(app, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(app, 'assets', '.env'), 'HIDDEN=1');
  writeFileSync(join(root, 'secret.txt'), 'SECRET');
  return app;
}

/** A GET with the path sent byte for byte (fetch would normalize `..` away). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = httpRequest({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard', () => {
  let server: TempServer;
  let dir: string;
  before(async () => {
    dir = fakeDashboard();
    server = await startTempServer({ dashboardDir: dir });
  });
  after(async () => {
    await server.close();
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('the CSP frames only this origin (the signed, sandboxed user HTML) and is framed by nobody', () => {
    const directives = new Map(DASHBOARD_CSP.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values.join(' ')]));
    assert.equal(directives.get('frame-src'), "'self'");
    assert.equal(directives.get('frame-ancestors'), "'none'");
    assert.equal(directives.get('default-src'), "'self'");
    assert.equal(directives.get('connect-src'), "'self'");
  });

  it('serves the page, favicon and assets without a key, with the security headers', async () => {
    for (const path of ['/', '/index.html']) {
      const page = await fetch(`${server.url}${path}`);
      assert.equal(page.status, 200, path);
      assert.match(page.headers.get('content-type')!, /^text\/html/);
      assert.equal(await page.text(), INDEX);
      assert.equal(page.headers.get('content-security-policy'), DASHBOARD_CSP);
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(page.headers.get('cache-control'), 'no-cache');
    }
    const head = await fetch(`${server.url}/`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-security-policy'), DASHBOARD_CSP);
    const js = await fetch(`${server.url}/assets/app.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type')!, /javascript/);
    assert.equal(await js.text(), 'console.log("app");');
    assert.match(js.headers.get('cache-control')!, /max-age=60\b/);
    assert.equal(js.headers.get('content-security-policy'), DASHBOARD_CSP);
    const css = await fetch(`${server.url}/assets/app.css`);
    assert.match(css.headers.get('content-type')!, /^text\/css/);
    const icon = await fetch(`${server.url}/favicon.svg`);
    assert.equal(icon.status, 200);
    assert.match(icon.headers.get('content-type')!, /^image\/svg\+xml/);
    assert.equal(icon.headers.get('x-content-type-options'), 'nosniff');
    assert.equal((await fetch(`${server.url}/assets/nope.js`)).status, 404);
  });

  it('refuses paths out of the dashboard, dotfiles and directories', async () => {
    const attempts = ['/assets/../../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/assets/.env', '/assets/', '/assets//app.js', '/assets/./app.js', '/assets/..%5c..%5csecret.txt', '/favicon.svg/../../secret.txt', '/assets/../../app/index.html'];
    for (const path of attempts) {
      const reply = await rawGet(server.url, path);
      assert.notEqual(reply.status, 200, path);
      assert.ok(!reply.body.includes('SECRET') && !reply.body.includes('HIDDEN'), path);
    }
    // A public prefix is no way into the API.
    for (const path of ['/assets/../api/v1/projects', '/assets/%2e%2e/api/v1/projects']) assert.ok([401, 403, 404].includes((await rawGet(server.url, path)).status), path);
  });

  it('only GET and HEAD of the dashboard paths are public; the API still needs the key', async () => {
    assert.equal((await fetch(`${server.url}/`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status, 401);
    assert.equal((await fetch(`${server.url}/index.html/`)).status, 401);
    assert.equal((await fetch(`${server.url}/other.html`)).status, 401);
    assert.equal((await fetch(`${server.url}/api/v1/projects`)).status, 401);
    assert.equal((await fetch(`${server.url}/api/v1/viewer`, { headers: { authorization: `Basic ${Buffer.from(`api:${server.adminKey}`).toString('base64')}` } })).status, 200);
  });

  it('a 401 challenges for Basic auth, except for requests with X-Requested-With (no browser dialog)', async () => {
    const plain = await fetch(`${server.url}/api/v1/projects`);
    assert.equal(plain.status, 401);
    assert.equal(plain.headers.get('www-authenticate'), 'Basic realm="wandb-server"');
    for (const value of ['wandb-dashboard', 'XMLHttpRequest', '']) {
      const page = await fetch(`${server.url}/api/v1/projects`, { headers: { 'x-requested-with': value } });
      assert.equal(page.status, 401);
      assert.equal(page.headers.get('www-authenticate'), null, value);
      assert.match(((await page.json()) as { errors: { message: string }[] }).errors[0]!.message, /missing API key/);
    }
    const badKey = await fetch(`${server.url}/api/v1/projects`, { headers: { 'x-requested-with': 'wandb-dashboard', authorization: `Basic ${Buffer.from('api:nope').toString('base64')}` } });
    assert.equal(badKey.status, 401);
    assert.equal(badKey.headers.get('www-authenticate'), null);
    const gql = await fetch(`${server.url}/graphql`, { method: 'POST', body: '{"query":"{viewer{id}}"}', headers: { 'content-type': 'application/json' } });
    assert.equal(gql.headers.get('www-authenticate'), 'Basic realm="wandb-server"');
  });
});

describe('dashboard not built', () => {
  it('answers / with 503 and how to build it, until index.html appears', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wandb-dashboard-'));
    const missing = await startTempServer({ dashboardDir: join(root, 'app') });
    try {
      for (const path of ['/', '/index.html']) {
        const reply = await fetch(`${missing.url}${path}`);
        assert.equal(reply.status, 503);
        assert.match(reply.headers.get('content-type')!, /^text\/plain/);
        assert.match(await reply.text(), /not built.*pnpm build/);
        assert.equal(reply.headers.get('content-security-policy'), DASHBOARD_CSP);
      }
      assert.equal((await fetch(`${missing.url}/assets/app.js`)).status, 404);
      mkdirSync(join(root, 'app'));
      writeFileSync(join(root, 'app', 'index.html'), INDEX);
      assert.equal((await fetch(`${missing.url}/`)).status, 200, 'built while the server runs');
    } finally {
      await missing.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('finds the installed dashboard package by default', () => {
    assert.match(defaultDashboardDir() ?? '', /dashboard[\\/]dist[\\/]app$/);
  });
});
