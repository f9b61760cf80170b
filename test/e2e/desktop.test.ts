/**
 * The real desktop app, where the optional `electron` package and its binary are installed: playwright-core's
 * Electron support starts src-main/electron/bootstrap.mjs (the built UI and preload, a store in a temp
 * folder via ASCL_DB) and drives its first window. Checks that the page loads from disk, reaches the service
 * through the preload bridge (app:info fills the sidebar; runs:list fills the runs table) and has no Node
 * access. Skipped without Electron; driver.test.ts fails once when neither Electron nor a Chromium exists.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPreload } from '../../src-main/launch.js';
import { ensureUi } from '../../src-main/cli/ui-build.js';
import { e2eDriver } from './driver.js';
import { screenshot, watchErrors } from './browser.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ELECTRON = e2eDriver().electron;

let dir: string;
let app: ElectronApplication;
let page: Page;
let errors: string[];

beforeAll(async () => {
  if (ELECTRON === null) return;
  dir = await mkdtemp(path.join(tmpdir(), 'ascl-desktop-'));
  await ensureUi();
  await buildPreload();
  app = await _electron.launch({
    executablePath: ELECTRON,
    args: [path.join(ROOT, 'src-main/electron/bootstrap.mjs')],
    env: { ...process.env, ASCL_DB: path.join(dir, 'ascl.db'), ASCL_HOME: dir },
  });
  page = await app.firstWindow();
  errors = watchErrors(page);
});
afterAll(async () => {
  if (ELECTRON === null) return;
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(ELECTRON === null)('desktop app (Electron, real main process and preload, empty store)', () => {
  it('the window loads dist/renderer/index.html from disk; app:info through the bridge names the store; the runs table is empty', async () => {
    expect(page.url()).toMatch(/^file:\/\/.*\/dist\/renderer\/index\.html/);
    await page.waitForSelector('.side-foot');
    await expect.poll(() => page.locator('.side-foot').textContent(), { timeout: 30_000 }).toMatch(/worker/);
    await page.evaluate(() => { location.hash = '#/runs'; });
    await expect.poll(() => page.locator('[data-testid=runs-table] tbody').textContent(), { timeout: 30_000 }).toMatch(/No runs/);
    await screenshot(page, 'desktop-runs');
    expect(errors).toEqual([]);
  }, 120_000);

  it('context isolation: the page sees window.ascl (invoke, onEvent) and no require, process or ipcRenderer', async () => {
    const seen = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown> & { ascl?: Record<string, unknown> };
      return { bridge: Object.keys(w.ascl ?? {}).sort(), require: typeof w.require, process: typeof w.process, ipc: typeof w.ipcRenderer };
    });
    expect(seen).toEqual({ bridge: ['invoke', 'onEvent'], require: 'undefined', process: 'undefined', ipc: 'undefined' });
  });
});
