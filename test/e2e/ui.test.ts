/**
 * UI end-to-end test on the demo service (deterministic data, simulated training): form
 * validation, sweep builder, live chart updates, comparing runs, CSV/LaTeX export, and clean
 * pages (no console errors, no CSP violations). The real-training test is real-training.test.ts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../src-main/launch.js';
import type { RunningServer } from '../../src-main/transport/http.js';
import { openUi, screenshot } from './browser.js';
import { e2eDriver } from './driver.js';
import { createDemoService } from './demo-service.js';

/** Without a Chromium these suites are skipped; driver.test.ts reports a missing driver once. */
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
  dir = await mkdtemp(path.join(tmpdir(), 'ascl-ui-'));
  await buildRenderer(dir);
  service = createDemoService({ runs: 10, stepMs: 40, stepsPerEpoch: 10 });
  ({ server, base, browser, page, errors } = await openUi(service, dir));
});
afterAll(async () => {
  if (NO_CHROMIUM) return;
  await browser?.close();
  await server?.close();
  service?.close();
  await rm(dir, { recursive: true, force: true });
});

const pointsOf = async (p: Page, n = 0): Promise<number> => Number(await p.locator('[data-testid=chart]').nth(n).getAttribute('data-points'));

describe.skipIf(NO_CHROMIUM)('served UI on the demo service (Chromium headless)', () => {
  it('runs page lists the 10 stored runs', async () => {
    await page.goto(`${base}/#/runs`);
    await expect.poll(() => page.locator('[data-testid=runs-table] tbody tr[data-run-id]').count()).toBe(10);
    await screenshot(page, 'ui-runs');
  });

  it('setup form: epochs "abc" and tau "0" show messages and disable Start; fixing them enables it', async () => {
    await page.goto(`${base}/#/setup`);
    await page.getByTestId('field-epochs').fill('abc');
    await page.getByTestId('field-tau').fill('0');
    await expect.poll(() => page.getByTestId('error-epochs').textContent()).toMatch(/"abc" is not a number/);
    expect(await page.getByTestId('error-tau').textContent()).toMatch(/>\s*0/);
    await page.getByTestId('start').click();
    expect(await page.getByTestId('form-errors').textContent()).toMatch(/Fix 2 fields/);
    expect(await page.getByTestId('start').isDisabled()).toBe(true);
    await screenshot(page, 'ui-setup-validation');
    await page.getByTestId('field-epochs').fill('4');
    await page.getByTestId('field-tau').fill('0.1');
    await expect.poll(() => page.getByTestId('start').isDisabled()).toBe(false);
  });

  it('sweep builder: 4 selections x seeds "0, 1, 2" = 12 runs queued', async () => {
    await page.getByTestId('sweep-on').check();
    await page.getByTestId('sweep-seed').fill('0, 1, 2');
    expect(await page.getByTestId('sweep-count').textContent()).toMatch(/^12 runs will be queued/);
    await page.getByTestId('start').click();
    await page.waitForURL(/#\/runs$/);
    await expect.poll(() => page.locator('[data-testid=runs-table] tbody tr[data-run-id]').count()).toBe(22);
  });

  it('a started run page shows live charts whose point count grows', async () => {
    await page.goto(`${base}/#/setup`);
    await page.getByTestId('run-name').fill('live-demo');
    await page.getByTestId('field-epochs').fill('60');
    await page.getByTestId('start').click();
    await page.waitForURL(/#\/run\//);
    const first = await pointsOf(page);
    await expect.poll(() => pointsOf(page), { timeout: 30_000, interval: 500 }).toBeGreaterThan(first);
    await screenshot(page, 'ui-run-live');
  });

  it('drag-zoom on the live loss chart survives the next data refresh (zoom kept, points still growing)', async () => {
    const chart = page.locator('[data-testid=chart]').first();
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.4, { steps: 5 });
    await page.mouse.up();
    const zoom = await chart.getAttribute('data-zoom');
    expect(zoom).toMatch(/^[\d.]+,[\d.]+$/);
    const before = await pointsOf(page);
    await expect.poll(() => pointsOf(page), { timeout: 20_000, interval: 300 }).toBeGreaterThan(before);
    expect(await chart.getAttribute('data-zoom')).toBe(zoom);
    await chart.dblclick();
    expect(await chart.getAttribute('data-zoom')).toBe('');
  });

  it('compare two runs: results table rows, config diff, table CSV download has the right content', async () => {
    await page.goto(`${base}/#/compare?runs=run-001,run-002`);
    await expect.poll(() => page.locator('[data-testid=results-table] tbody tr').count()).toBe(2);
    expect(await page.locator('[data-testid=config-diff] tbody tr').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^selection/)]));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-table-csv').click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('group,n,Nat. mean,Nat. std,PGD mean,PGD std,mPGD mean,mPGD std,AA mean,AA std');
    expect(lines).toHaveLength(3);
    const shown = await page.locator('[data-testid=results-table] tbody tr').first().locator('td').nth(2).textContent();
    expect(Number(lines[1].split(',')[2]).toFixed(2)).toBe(shown?.trim());
    await screenshot(page, 'ui-compare');
  });

  it('chart CSV export writes the plotted series in long format', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chart-csv').first().click()]);
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n');
    expect(lines[0]).toBe('series,epoch,value');
    expect(lines.length).toBe(1 + 2 * 30);
  });

  it('chart SVG export has one path per run; PNG export is a PNG', async () => {
    const card = page.locator('.chart-card').first();
    const [svg] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'SVG' }).click()]);
    const text = await readFile((await svg.path())!, 'utf8');
    expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(text.match(/<path d="M/g)).toHaveLength(2);
    const [png] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'PNG' }).click()]);
    const bytes = await readFile((await png.path())!);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.suggestedFilename()).toMatch(/\.png$/);
  });

  it('R-DIV and latent pages render their charts', async () => {
    await page.goto(`${base}/#/rdiv?runs=run-001,run-004`);
    // Waits of up to 20 s: under the full suite the page renders on 2 loaded cores (poll's default is 1 s).
    await expect.poll(() => pointsOf(page, 0), { timeout: 20_000 }).toBeGreaterThan(0);
    await screenshot(page, 'ui-rdiv');
    await page.goto(`${base}/#/latent/run-004`);
    await expect.poll(() => pointsOf(page, 0), { timeout: 20_000 }).toBe(600);
    expect(await page.getByTestId('gallery').isVisible()).toBe(true);
    await screenshot(page, 'ui-latent');
  });

  it('no console errors or CSP violations on any page', () => {
    expect(errors).toEqual([]);
  });
});
