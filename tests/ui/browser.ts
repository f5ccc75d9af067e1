import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../.tap/screenshots/', import.meta.url));

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface UiBrowser {
  page: Page;
  /** Requests the page tried to make to anything but the gateway; they are refused, as on the intranet. */
  outside: string[];
  /** Uncaught exceptions and console errors of the page. */
  errors: string[];
  screenshot(name: string): Promise<string>;
}

/**
 * Real headless Chromium with a fresh profile, closed when the test ends. Every request not to `baseUrl` is
 * aborted and recorded, so a page that reaches for a CDN or a web font fails the test as it would fail offline.
 */
export async function openBrowser(t: Teardown, baseUrl: string, options: { language?: string } = {}): Promise<UiBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'dx-ui-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1366, height: 900 },
    locale: options.language ?? 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  t.teardown(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const origin = new URL(baseUrl).origin;
  const outside: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:')) return route.continue();
    outside.push(url);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return {
    page,
    outside,
    errors,
    async screenshot(name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };
}

/** Opens the UI and signs in with `key` through the form, as a person would. */
export async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/ui/`);
  await page.getByLabel('API 密钥').fill(key);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('.whoami').waitFor();
}

/**
 * The text of the first `selector` once it matches `expected`: pages render after the address changes, so a test
 * waits for the content rather than for the URL. On timeout the current text is returned for the assertion to show.
 */
export async function textWhen(page: Page, selector: string, expected: RegExp, timeout = 10_000): Promise<string> {
  try {
    await page.locator(selector, { hasText: expected }).first().waitFor({ timeout });
  } catch {
    // the caller's assertion reports what is there instead
  }
  return (await page.locator(selector).first().textContent()) ?? '';
}

/** Waits until the page has rendered an address matching `hash` (the shell marks main with the address it rendered). */
export async function rendered(page: Page, hash: RegExp): Promise<void> {
  await page.waitForFunction((source) => new RegExp(source).test(document.getElementById('main')?.dataset['location'] ?? ''), hash.source);
}
