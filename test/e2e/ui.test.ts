/**
 * UI end-to-end test on the demo service (deterministic data, simulated training): form
 * validation, sweep builder, live chart updates, comparing runs, CSV/LaTeX export, and clean
 * pages (no console errors, no CSP violations). The real-training test is real-training.test.ts.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createDemoService } from './demo-service.js';
import { screenshot } from './browser.js';
import { NO_CHROMIUM, serveAppForTests } from './served-app.js';

const app = serveAppForTests('ascl-ui-', () => createDemoService({ runs: 10, stepMs: 40, stepsPerEpoch: 10 }));

const pointsOf = async (p: Page, n = 0): Promise<number> => Number(await p.locator('[data-testid=chart]').nth(n).getAttribute('data-points'));

describe.skipIf(NO_CHROMIUM)('served UI on the demo service (Chromium headless)', () => {
  it('runs page lists the 10 stored runs', async () => {
    await app.page.goto(`${app.base}/#/runs`);
    await expect.poll(() => app.page.locator('[data-testid=runs-table] tbody tr[data-run-id]').count()).toBe(10);
    await screenshot(app.page, 'ui-runs');
  });

  it('setup form: epochs "abc" and tau "0" show messages and disable Start; fixing them enables it', async () => {
    await app.page.goto(`${app.base}/#/setup`);
    await app.page.getByTestId('field-epochs').fill('abc');
    await app.page.getByTestId('field-tau').fill('0');
    await expect.poll(() => app.page.getByTestId('error-epochs').textContent()).toMatch(/"abc" is not a number/);
    expect(await app.page.getByTestId('error-tau').textContent()).toMatch(/>\s*0/);
    await app.page.getByTestId('start').click();
    expect(await app.page.getByTestId('form-errors').textContent()).toMatch(/Fix 2 fields/);
    expect(await app.page.getByTestId('start').isDisabled()).toBe(true);
    await screenshot(app.page, 'ui-setup-validation');
    await app.page.getByTestId('field-epochs').fill('4');
    await app.page.getByTestId('field-tau').fill('0.1');
    await expect.poll(() => app.page.getByTestId('start').isDisabled()).toBe(false);
  });

  it('sweep builder: 4 selections x seeds "0, 1, 2" = 12 runs queued', async () => {
    await app.page.getByTestId('sweep-on').check();
    await app.page.getByTestId('sweep-seed').fill('0, 1, 2');
    expect(await app.page.getByTestId('sweep-count').textContent()).toMatch(/^12 runs will be queued/);
    await app.page.getByTestId('start').click();
    await app.page.waitForURL(/#\/runs$/);
    await expect.poll(() => app.page.locator('[data-testid=runs-table] tbody tr[data-run-id]').count()).toBe(22);
  });

  it('a started run page shows live charts whose point count grows', async () => {
    await app.page.goto(`${app.base}/#/setup`);
    await app.page.getByTestId('run-name').fill('live-demo');
    await app.page.getByTestId('field-epochs').fill('60');
    await app.page.getByTestId('start').click();
    await app.page.waitForURL(/#\/run\//);
    const first = await pointsOf(app.page);
    await expect.poll(() => pointsOf(app.page), { timeout: 30_000, interval: 500 }).toBeGreaterThan(first);
    await screenshot(app.page, 'ui-run-live');
  });

  it('drag-zoom on the live loss chart survives the next data refresh (zoom kept, points still growing)', async () => {
    const chart = app.page.locator('[data-testid=chart]').first();
    const box = (await chart.boundingBox())!;
    await app.page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
    await app.page.mouse.down();
    await app.page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.4, { steps: 5 });
    await app.page.mouse.up();
    const zoom = await chart.getAttribute('data-zoom');
    expect(zoom).toMatch(/^[\d.]+,[\d.]+$/);
    const before = await pointsOf(app.page);
    await expect.poll(() => pointsOf(app.page), { timeout: 20_000, interval: 300 }).toBeGreaterThan(before);
    expect(await chart.getAttribute('data-zoom')).toBe(zoom);
    await chart.dblclick();
    expect(await chart.getAttribute('data-zoom')).toBe('');
  });

  it('compare two runs: results table rows, config diff, table CSV download has the right content', async () => {
    await app.page.goto(`${app.base}/#/compare?runs=run-001,run-002`);
    await expect.poll(() => app.page.locator('[data-testid=results-table] tbody tr').count()).toBe(2);
    expect(await app.page.locator('[data-testid=config-diff] tbody tr').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^selection/)]));
    const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.getByTestId('export-table-csv').click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('group,n,Nat. mean,Nat. std,PGD mean,PGD std,mPGD mean,mPGD std,AA mean,AA std');
    expect(lines).toHaveLength(3);
    const shown = await app.page.locator('[data-testid=results-table] tbody tr').first().locator('td').nth(2).textContent();
    expect(Number(lines[1].split(',')[2]).toFixed(2)).toBe(shown?.trim());
    await screenshot(app.page, 'ui-compare');
  });

  it('chart CSV export writes the plotted series in long format', async () => {
    const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.getByTestId('chart-csv').first().click()]);
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n');
    expect(lines[0]).toBe('series,epoch,value');
    expect(lines.length).toBe(1 + 2 * 30);
  });

  it('chart SVG export has one path per run; PNG export is a PNG', async () => {
    const card = app.page.locator('.chart-card').first();
    const [svg] = await Promise.all([app.page.waitForEvent('download'), card.getByRole('button', { name: 'SVG' }).click()]);
    const text = await readFile((await svg.path())!, 'utf8');
    expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(text.match(/<path d="M/g)).toHaveLength(2);
    const [png] = await Promise.all([app.page.waitForEvent('download'), card.getByRole('button', { name: 'PNG' }).click()]);
    const bytes = await readFile((await png.path())!);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.suggestedFilename()).toMatch(/\.png$/);
  });

  it('R-DIV and latent pages render their charts', async () => {
    await app.page.goto(`${app.base}/#/rdiv?runs=run-001,run-004`);
    // Waits of up to 20 s: under the full suite the page renders on 2 loaded cores (poll's default is 1 s).
    await expect.poll(() => pointsOf(app.page, 0), { timeout: 20_000 }).toBeGreaterThan(0);
    await screenshot(app.page, 'ui-rdiv');
    await app.page.goto(`${app.base}/#/latent/run-004`);
    await expect.poll(() => pointsOf(app.page, 0), { timeout: 20_000 }).toBe(600);
    expect(await app.page.getByTestId('gallery').isVisible()).toBe(true);
    await screenshot(app.page, 'ui-latent');
  });

  it('no console errors or CSP violations on any page', () => {
    expect(app.errors).toEqual([]);
  });
});
