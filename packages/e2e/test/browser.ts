/**
 * Headless Chromium for dashboard tests and benchmarks: Debian's browser (test tools cannot download
 * their own here) driven by playwright-core, with the network chatter of a desktop browser turned off
 * so that nothing but loopback is contacted.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where the browser binary is: CHROMIUM_PATH, else `chromium` on the PATH (Debian's package puts it there). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? onPath('chromium') ?? 'chromium';

function onPath(name: string): string | undefined {
  return (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name)).find((path) => existsSync(path));
}

/** Screenshots of browser tests go here (ignored by git). */
export const TEST_OUTPUT = join(new URL('../../../..', import.meta.url).pathname, 'test-output', 'dashboard');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's chromium package (scripts/bootstrap.sh does) or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Saves a full-page screenshot as test-output/dashboard/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(TEST_OUTPUT, { recursive: true });
  const path = join(TEST_OUTPUT, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in on the login page with `key`. */
export async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.locator('[data-page="login"] input[type="password"]').fill(key);
  await page.locator('[data-page="login"] button[type="submit"]').click();
}

/**
 * A desktop-sized page signed in with `key` on the projects page, then at `hash` (`#/r/...`) when
 * given: how the dashboard tests and benchmark start.
 */
export async function signedInPage(browser: Browser, baseUrl: string, key: string, hash?: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await signIn(page, baseUrl, key);
  await page.waitForSelector('[data-page="projects"]');
  if (hash !== undefined) await page.goto(`${baseUrl}/${hash}`);
  return page;
}
