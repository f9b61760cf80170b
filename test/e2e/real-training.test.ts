/**
 * End-to-end with real training: the HTTP server around the real application service (SQLite
 * store, worker threads, the engine) on 127.0.0.1, driven through the built UI in headless
 * Chromium. Tiny runs: synthetic data, small-cnn, 256 samples, 3 epochs, batches of 64.
 * Creates two experiments from the form, watches the live chart grow, compares the two runs,
 * exports CSV and checks it against the store, and saves a screenshot of every page.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppService } from '../../src-main/service/app-service.js';
import { screenshot } from './browser.js';
import { NO_CHROMIUM, serveAppForTests } from './served-app.js';

const runIds: string[] = [];

// Generous limits: under the full suite the 2 cores are shared with other test files.
const app = serveAppForTests('ascl-e2e-', (dir) => createAppService({ dbPath: path.join(dir, 'ascl.db'), workers: 2, log: () => {} }));

const pointsOf = async (n = 0): Promise<number> => Number(await app.page.locator('[data-testid=chart]').nth(n).getAttribute('data-points'));

/** Fills the form for a tiny ASCL run with the given selection strategy and starts it. */
async function startFromForm(name: string, selection: string): Promise<string> {
  await app.page.goto(`${app.base}/#/setup`);
  await app.page.getByTestId('field-dataset').selectOption('synthetic');
  await app.page.getByTestId('field-model').selectOption('small-cnn');
  await app.page.getByTestId('field-defense').selectOption('ascl');
  await app.page.getByTestId('field-selection').selectOption(selection);
  for (const [key, value] of [['limit', '256'], ['epochs', '3'], ['batchSize', '64'], ['evalSubset', '64'], ['pgdSteps', '2'], ['lrMilestones', '']] as const) {
    await app.page.getByTestId(`field-${key}`).fill(value);
  }
  await app.page.getByTestId('run-name').fill(name);
  await app.page.getByTestId('start').click();
  await app.page.waitForURL(/#\/run\//);
  return decodeURIComponent(app.page.url().split('#/run/')[1]);
}

describe.skipIf(NO_CHROMIUM)('served UI on the real service with real training (synthetic, small-cnn, 3 epochs)', () => {
  it('creates a run from the form; its live loss chart gains points while it trains', async () => {
    runIds.push(await startFromForm('e2e-leaked', 'leaked'));
    const stored = await app.service['runs:get']({ id: runIds[0] });
    expect(stored.config).toMatchObject({ dataset: 'synthetic', model: 'small-cnn', defense: 'ascl', selection: 'leaked', epochs: 3, batchSize: 64, limit: 256 });
    // Step x-axis: the decimated step series grows during each epoch.
    await app.page.getByTestId('x-step').click();
    const seen: number[] = [];
    await expect.poll(async () => { seen.push(await pointsOf()); return new Set(seen.filter((n) => n > 0)).size; },
      { timeout: 200_000, interval: 1000 }).toBeGreaterThanOrEqual(2);
    expect(Math.max(...seen)).toBeGreaterThan(Math.min(...seen));
    await screenshot(app.page, 'e2e-run-live');
  }, 240000);

  it('a second run (hard selection) trains alongside; both complete with 3 epochs stored', async () => {
    runIds.push(await startFromForm('e2e-hard', 'hard'));
    for (const id of runIds) expect(await app.service.waitForRun(id)).toBe('completed');
    for (const id of runIds) expect((await app.service['metrics:epochs']({ runId: id })).map((r) => r.epoch)).toEqual([1, 2, 3]);
    await app.page.goto(`${app.base}/#/run/${runIds[0]}`);
    await expect.poll(() => app.page.getByTestId('run-status').textContent(), { timeout: 20_000 }).toBe('completed');
    await expect.poll(() => app.page.getByTestId('kpi-epoch').textContent()).toBe('3 / 3');
    await screenshot(app.page, 'e2e-run-completed');
  }, 400000);

  it('PGD evaluation (3 steps, 64 samples) started from each run page appears in its evaluations table', async () => {
    for (const id of runIds) {
      await app.page.goto(`${app.base}/#/run/${id}`);
      await app.page.getByTestId('eval-attack').selectOption('pgd');
      await app.page.getByTestId('eval-steps').fill('3');
      await app.page.getByTestId('eval-n').fill('64');
      await app.page.getByTestId('eval-start').click();
      await expect.poll(() => app.page.locator('[data-testid=evals-table] tbody tr.eval-row td:first-child').allTextContents(), { timeout: 110_000, interval: 1000 }).toEqual(['pgd']);
      const stored = await app.service['evals:list']({ runId: id });
      expect(stored.map((e) => [e.attack, e.n, e.steps])).toEqual([['pgd', 64, 3]]);
    }
    await screenshot(app.page, 'e2e-run-evaluated');
  }, 240000);

  it('runs page shows both runs completed', async () => {
    await app.page.goto(`${app.base}/#/runs`);
    for (const id of runIds) {
      await expect.poll(() => app.page.locator(`tr[data-run-id="${id}"] .badge`).textContent()).toBe('completed');
    }
    await screenshot(app.page, 'e2e-runs');
  });

  it('compare the two runs: table with a row each, selection in the config diff, CSV matches the shown table', async () => {
    await app.page.goto(`${app.base}/#/compare?runs=${runIds.join(',')}`);
    await expect.poll(() => app.page.locator('[data-testid=results-table] tbody tr').count()).toBe(2);
    const diff = await app.page.locator('[data-testid=config-diff] tbody tr td:first-child').allTextContents();
    expect(diff).toContain('selection');
    expect(await pointsOf(0)).toBe(6);
    const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.getByTestId('export-table-csv').click()]);
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n');
    // The per-epoch columns are monitoring (the run's evalSubset), and say so.
    expect(lines[0]).toMatch(/^group,n,Nat\. \(monitoring\) mean,Nat\. \(monitoring\) std/);
    expect(lines).toHaveLength(3);
    const table = await app.service['compare:table']({ runIds, summary: { kind: 'last' } });
    const natCol = lines[0].split(',').indexOf('Nat. (monitoring) mean');
    for (const row of table.rows) {
      const line = lines.find((l) => l.startsWith(`${row.group},`));
      expect(line, `CSV row for group ${row.group}`).toBeDefined();
      expect(Number(line!.split(',')[natCol])).toBeCloseTo((row.metrics.natAccuracy?.mean ?? NaN) * 100, 6);
    }
    await screenshot(app.page, 'e2e-compare');
  });

  it('the epoch-metrics CSV export has 3 rows per run with the stored natural accuracy', async () => {
    const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.getByRole('button', { name: 'Epoch metrics CSV' }).click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(rows).toHaveLength(6);
    const cols = header.split(',');
    const epochs = await app.service['metrics:epochs']({ runId: runIds[0] });
    const natIdx = cols.findIndex((c) => /nat/i.test(c));
    expect(natIdx).toBeGreaterThanOrEqual(0);
    const first = rows.filter((r) => r.includes(runIds[0])).map((r) => Number(r.split(',')[natIdx]));
    expect(first).toHaveLength(3);
    first.forEach((v, i) => expect(v).toBeCloseTo(epochs[i].natAccuracy, 6));
  });

  it('R-DIV page: "Compute over ε" (0, 8/255) for the first run shows computing… then 2 R-DIV + 2 accuracy points; latent-space page loads', async () => {
    await app.page.goto(`${app.base}/#/rdiv?runs=${runIds.join(',')}`);
    await expect.poll(() => pointsOf(1)).toBe(6);
    expect(await pointsOf(2)).toBe(0);
    await app.page.getByTestId('sweep-eps').fill('0, 8/255');
    // A quick look: 2 PGD steps instead of the evaluation's 250 (the field's default).
    await app.page.getByTestId('sweep-steps').fill('2');
    await app.page.getByTestId('sweep-start').click();
    await expect.poll(() => app.page.getByTestId('sweep-computing').count()).toBe(1);
    await expect.poll(() => pointsOf(2), { timeout: 110_000, interval: 1000 }).toBe(4);
    expect(await app.page.getByTestId('sweep-computing').count()).toBe(0);
    expect((await app.service['analysis:rdiv']({ runId: runIds[0] })).eps.map((p) => p.eps)).toEqual([0, 8 / 255]);
    await screenshot(app.page, 'e2e-rdiv');
    await app.page.goto(`${app.base}/#/latent/${runIds[0]}`);
    await expect.poll(async () => (await app.page.locator('.chart-empty').count()) === 0 || (await app.page.locator('.chart-empty').textContent()) !== 'Computing t-SNE…', { timeout: 60_000 }).toBe(true);
    await screenshot(app.page, 'e2e-latent');
    await app.page.goto(`${app.base}/#/setup`);
    await screenshot(app.page, 'e2e-setup');
  }, 180_000);

  it('no console errors or CSP violations', () => {
    expect(app.errors).toEqual([]);
  });
});
