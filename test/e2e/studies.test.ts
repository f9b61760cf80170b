/**
 * The Studies page on the demo service (test/e2e/demo-studies.ts): the list with progress, the
 * selected study's table (mean ± std, CI, SE, n) equal to what studies:get answers, the paired
 * differences and the runs; a screenshot (test-artifacts/studies.png); no console or CSP errors.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../src-main/launch.js';
import type { RunningServer } from '../../src-main/transport/http.js';
import { openUi, screenshot } from './browser.js';
import { e2eDriver } from './driver.js';
import { createDemoService } from './demo-service.js';

const NO_CHROMIUM = e2eDriver().chromium === null;

let dir: string;
let server: RunningServer;
let service: ReturnType<typeof createDemoService>;
let browser: Browser;
let page: Page;
let errors: string[];
let base: string;

beforeAll(async () => {
  if (NO_CHROMIUM) return;
  dir = await mkdtemp(path.join(tmpdir(), 'ascl-studies-ui-'));
  await buildRenderer(dir);
  service = createDemoService({ runs: 3, stepMs: 1000, stepsPerEpoch: 10 });
  ({ server, base, browser, page, errors } = await openUi(service, dir));
});
afterAll(async () => {
  if (NO_CHROMIUM) return;
  await browser?.close();
  await server?.close();
  service?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(NO_CHROMIUM)('Studies page (demo study: 3 methods x 3 seeds, Nat/PGD/AA)', () => {
  it('lists the study with 9/9 runs, shows its table as studies:get answers it, and the runs; no console or CSP errors', async () => {
    await page.goto(`${base}/#/studies`);
    await page.getByTestId('nav-studies').waitFor();
    const list = page.locator('[data-testid=studies-table] tbody tr');
    await expect.poll(() => list.count()).toBe(1);
    expect(await list.first().textContent()).toMatch(/reduced-cifar10.*9\/9.*18\/18/s);
    const { report } = await service['studies:get']({ name: 'reduced-cifar10' });
    const rows = page.locator('[data-testid=study-table] tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await page.locator('[data-testid=study-table] thead').textContent()).toMatch(/Nat\s*PGD\s*AA/);
    for (const [i, row] of report.rows.entries()) {
      const text = await rows.nth(i).textContent();
      for (const c of report.columns) {
        const x = row.cells[c]!;
        expect(text).toContain(`${(x.mean * 100).toFixed(2)} ± ${(x.std * 100).toFixed(2)}`);
        expect(text).toContain(`CI [${(x.ci95![0] * 100).toFixed(2)}, ${(x.ci95![1] * 100).toFixed(2)}]`);
      }
    }
    await expect.poll(() => page.locator('[data-testid=study-differences] tbody tr').count()).toBe(2);
    await expect.poll(() => page.locator('[data-testid=study-runs] tbody tr').count()).toBe(9);
    await screenshot(page, 'studies');
    expect(errors).toEqual([]);
  }, 300_000);
});
