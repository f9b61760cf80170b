/**
 * End-to-end with real training: the HTTP server around the real application service (SQLite
 * store, worker threads, the engine) on 127.0.0.1, driven through the built UI in headless
 * Chromium. Tiny runs: synthetic data, small-cnn, 256 samples, 3 epochs, batches of 64.
 * Creates two experiments from the form, watches the live chart grow, compares the two runs,
 * exports CSV and checks it against the store, and saves a screenshot of every page.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../src-main/launch.js';
import { createAppService, type AppService } from '../../src-main/service/app-service.js';
import type { RunningServer } from '../../src-main/transport/http.js';
import { openUi, screenshot } from './browser.js';
import { e2eDriver } from './driver.js';

/** Without a Chromium these suites are skipped; driver.test.ts reports a missing driver once. */
const NO_CHROMIUM = e2eDriver().chromium === null;

let dir: string;
let service: AppService;
let server: RunningServer;
let browser: Browser;
let page: Page;
let errors: string[];
let base: string;
const runIds: string[] = [];

// Generous limits: under the full suite the 2 cores are shared with other test files.
beforeAll(async () => {
  if (NO_CHROMIUM) return;
  dir = await mkdtemp(path.join(tmpdir(), 'ascl-e2e-'));
  await buildRenderer(path.join(dir, 'ui'));
  service = await createAppService({ dbPath: path.join(dir, 'ascl.db'), workers: 2, log: () => {} });
  ({ server, base, browser, page, errors } = await openUi(service, path.join(dir, 'ui')));
});
afterAll(async () => {
  if (NO_CHROMIUM) return;
  await browser?.close();
  await server?.close();
  await service?.close();
  await rm(dir, { recursive: true, force: true });
});

const pointsOf = async (n = 0): Promise<number> => Number(await page.locator('[data-testid=chart]').nth(n).getAttribute('data-points'));

/** Fills the form for a tiny ASCL run with the given selection strategy and starts it. */
async function startFromForm(name: string, selection: string): Promise<string> {
  await page.goto(`${base}/#/setup`);
  await page.getByTestId('field-dataset').selectOption('synthetic');
  await page.getByTestId('field-model').selectOption('small-cnn');
  await page.getByTestId('field-defense').selectOption('ascl');
  await page.getByTestId('field-selection').selectOption(selection);
  for (const [key, value] of [['limit', '256'], ['epochs', '3'], ['batchSize', '64'], ['evalSubset', '64'], ['pgdSteps', '2'], ['lrMilestones', '']] as const) {
    await page.getByTestId(`field-${key}`).fill(value);
  }
  await page.getByTestId('run-name').fill(name);
  await page.getByTestId('start').click();
  await page.waitForURL(/#\/run\//);
  return decodeURIComponent(page.url().split('#/run/')[1]);
}

describe.skipIf(NO_CHROMIUM)('served UI on the real service with real training (synthetic, small-cnn, 3 epochs)', () => {
  it('creates a run from the form; its live loss chart gains points while it trains', async () => {
    runIds.push(await startFromForm('e2e-leaked', 'leaked'));
    const stored = await service['runs:get']({ id: runIds[0] });
    expect(stored.config).toMatchObject({ dataset: 'synthetic', model: 'small-cnn', defense: 'ascl', selection: 'leaked', epochs: 3, batchSize: 64, limit: 256 });
    // Step x-axis: the decimated step series grows during each epoch.
    await page.getByTestId('x-step').click();
    const seen: number[] = [];
    await expect.poll(async () => { seen.push(await pointsOf()); return new Set(seen.filter((n) => n > 0)).size; },
      { timeout: 200_000, interval: 1000 }).toBeGreaterThanOrEqual(2);
    expect(Math.max(...seen)).toBeGreaterThan(Math.min(...seen));
    await screenshot(page, 'e2e-run-live');
  }, 240000);

  it('a second run (hard selection) trains alongside; both complete with 3 epochs stored', async () => {
    runIds.push(await startFromForm('e2e-hard', 'hard'));
    for (const id of runIds) expect(await service.waitForRun(id)).toBe('completed');
    for (const id of runIds) expect((await service['metrics:epochs']({ runId: id })).map((r) => r.epoch)).toEqual([1, 2, 3]);
    await page.goto(`${base}/#/run/${runIds[0]}`);
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 20_000 }).toBe('completed');
    await expect.poll(() => page.getByTestId('kpi-epoch').textContent()).toBe('3 / 3');
    await screenshot(page, 'e2e-run-completed');
  }, 400000);

  it('PGD evaluation (3 steps, 64 samples) started from each run page appears in its evaluations table', async () => {
    for (const id of runIds) {
      await page.goto(`${base}/#/run/${id}`);
      await page.getByTestId('eval-attack').selectOption('pgd');
      await page.getByTestId('eval-steps').fill('3');
      await page.getByTestId('eval-n').fill('64');
      await page.getByTestId('eval-start').click();
      await expect.poll(() => page.locator('[data-testid=evals-table] tbody tr.eval-row td:first-child').allTextContents(), { timeout: 110_000, interval: 1000 }).toEqual(['pgd']);
      const stored = await service['evals:list']({ runId: id });
      expect(stored.map((e) => [e.attack, e.n, e.steps])).toEqual([['pgd', 64, 3]]);
    }
    await screenshot(page, 'e2e-run-evaluated');
  }, 240000);

  it('runs page shows both runs completed', async () => {
    await page.goto(`${base}/#/runs`);
    for (const id of runIds) {
      await expect.poll(() => page.locator(`tr[data-run-id="${id}"] .badge`).textContent()).toBe('completed');
    }
    await screenshot(page, 'e2e-runs');
  });

  it('compare the two runs: table with a row each, selection in the config diff, CSV matches the shown table', async () => {
    await page.goto(`${base}/#/compare?runs=${runIds.join(',')}`);
    await expect.poll(() => page.locator('[data-testid=results-table] tbody tr').count()).toBe(2);
    const diff = await page.locator('[data-testid=config-diff] tbody tr td:first-child').allTextContents();
    expect(diff).toContain('selection');
    expect(await pointsOf(0)).toBe(6);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-table-csv').click()]);
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n');
    // The per-epoch columns are monitoring (the run's evalSubset), and say so.
    expect(lines[0]).toMatch(/^group,n,Nat\. \(monitoring\) mean,Nat\. \(monitoring\) std/);
    expect(lines).toHaveLength(3);
    const table = await service['compare:table']({ runIds, summary: { kind: 'last' } });
    const natCol = lines[0].split(',').indexOf('Nat. (monitoring) mean');
    for (const row of table.rows) {
      const line = lines.find((l) => l.startsWith(`${row.group},`));
      expect(line, `CSV row for group ${row.group}`).toBeDefined();
      expect(Number(line!.split(',')[natCol])).toBeCloseTo((row.metrics.natAccuracy?.mean ?? NaN) * 100, 6);
    }
    await screenshot(page, 'e2e-compare');
  });

  it('the epoch-metrics CSV export has 3 rows per run with the stored natural accuracy', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Epoch metrics CSV' }).click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(rows).toHaveLength(6);
    const cols = header.split(',');
    const epochs = await service['metrics:epochs']({ runId: runIds[0] });
    const natIdx = cols.findIndex((c) => /nat/i.test(c));
    expect(natIdx).toBeGreaterThanOrEqual(0);
    const first = rows.filter((r) => r.includes(runIds[0])).map((r) => Number(r.split(',')[natIdx]));
    expect(first).toHaveLength(3);
    first.forEach((v, i) => expect(v).toBeCloseTo(epochs[i].natAccuracy, 6));
  });

  it('R-DIV page: "Compute over ε" (0, 8/255) for the first run shows computing… then 2 R-DIV + 2 accuracy points; latent-space page loads', async () => {
    await page.goto(`${base}/#/rdiv?runs=${runIds.join(',')}`);
    await expect.poll(() => pointsOf(1)).toBe(6);
    expect(await pointsOf(2)).toBe(0);
    await page.getByTestId('sweep-eps').fill('0, 8/255');
    // A quick look: 2 PGD steps instead of the evaluation's 250 (the field's default).
    await page.getByTestId('sweep-steps').fill('2');
    await page.getByTestId('sweep-start').click();
    await expect.poll(() => page.getByTestId('sweep-computing').count()).toBe(1);
    await expect.poll(() => pointsOf(2), { timeout: 110_000, interval: 1000 }).toBe(4);
    expect(await page.getByTestId('sweep-computing').count()).toBe(0);
    expect((await service['analysis:rdiv']({ runId: runIds[0] })).eps.map((p) => p.eps)).toEqual([0, 8 / 255]);
    await screenshot(page, 'e2e-rdiv');
    await page.goto(`${base}/#/latent/${runIds[0]}`);
    await expect.poll(async () => (await page.locator('.chart-empty').count()) === 0 || (await page.locator('.chart-empty').textContent()) !== 'Computing t-SNE…', { timeout: 60_000 }).toBe(true);
    await screenshot(page, 'e2e-latent');
    await page.goto(`${base}/#/setup`);
    await screenshot(page, 'e2e-setup');
  }, 180_000);

  it('no console errors or CSP violations', () => {
    expect(errors).toEqual([]);
  });
});
