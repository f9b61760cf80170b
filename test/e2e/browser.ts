/** Headless Chromium (driver.ts: CHROME_PATH or Debian's) driven by playwright-core, plus page helpers for the e2e tests. */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ApiService } from '../../src-main/shared/channels.js';
import { startServer, type RunningServer } from '../../src-main/transport/http.js';
import { e2eDriver } from './driver.js';

export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

export function launchBrowser(): Promise<Browser> {
  const { chromium: executablePath, problem } = e2eDriver();
  if (executablePath === null) throw new Error(problem ?? 'launchBrowser: no Chromium (set CHROME_PATH, or install Debian\'s chromium)');
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** The UI in a browser: the HTTP server around a service on 127.0.0.1, one 1440x900 page, its error log. */
export interface UiSession { server: RunningServer; base: string; browser: Browser; page: Page; errors: string[] }

export async function openUi(service: ApiService, staticDir: string): Promise<UiSession> {
  const server = await startServer(service, { port: 0, staticDir });
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  return { server, base: server.url.replace(/\/$/, ''), browser, page, errors: watchErrors(page) };
}

/** Collects console errors and CSP violations so a test can assert the page ran clean. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  // Name the failing request and the server's message (the console line only says "400").
  page.on('response', (r) => {
    if (r.status() >= 400) void r.text().then((t) => errors.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}: ${t.slice(0, 300)}`), () => {});
  });
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = `${ARTIFACTS}${name}.png`;
  // Full-page shots of a scrolled page would show the sticky sidebar mid-way.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
