/**
 * The Studies page on the demo service (test/e2e/demo-studies.ts): the list with progress, the
 * selected study's table (mean ± std, CI, SE, n) equal to what studies:get answers, the paired
 * differences and the runs; a screenshot (test-artifacts/studies.png); no console or CSP errors.
 */
import { describe, expect, it } from 'vitest';
import { createDemoService } from './demo-service.js';
import { screenshot } from './browser.js';
import { NO_CHROMIUM, serveAppForTests } from './served-app.js';

const app = serveAppForTests('ascl-studies-ui-', () => createDemoService({ runs: 3, stepMs: 1000, stepsPerEpoch: 10 }));

describe.skipIf(NO_CHROMIUM)('Studies page (demo study: 3 methods x 3 seeds, Nat/PGD/AA)', () => {
  it('lists the study with 9/9 runs, shows its table as studies:get answers it, and the runs; no console or CSP errors', async () => {
    await app.page.goto(`${app.base}/#/studies`);
    await app.page.getByTestId('nav-studies').waitFor();
    const list = app.page.locator('[data-testid=studies-table] tbody tr');
    await expect.poll(() => list.count()).toBe(1);
    expect(await list.first().textContent()).toMatch(/reduced-cifar10.*9\/9.*18\/18/s);
    const { report } = await app.service['studies:get']({ name: 'reduced-cifar10' });
    const rows = app.page.locator('[data-testid=study-table] tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await app.page.locator('[data-testid=study-table] thead').textContent()).toMatch(/Nat\s*PGD\s*AA/);
    for (const [i, row] of report.rows.entries()) {
      const text = await rows.nth(i).textContent();
      for (const c of report.columns) {
        const x = row.cells[c]!;
        expect(text).toContain(`${(x.mean * 100).toFixed(2)} ± ${(x.std * 100).toFixed(2)}`);
        expect(text).toContain(`CI [${(x.ci95![0] * 100).toFixed(2)}, ${(x.ci95![1] * 100).toFixed(2)}]`);
      }
    }
    await expect.poll(() => app.page.locator('[data-testid=study-differences] tbody tr').count()).toBe(2);
    await expect.poll(() => app.page.locator('[data-testid=study-runs] tbody tr').count()).toBe(9);
    await screenshot(app.page, 'studies');
    expect(app.errors).toEqual([]);
  }, 300_000);
});
