/**
 * End-to-end, training health and first steps: the real application service (SQLite store, worker
 * threads, the engine) behind the built UI in headless Chromium, on an empty store.
 * 1. The Runs page offers the quick-start; with epochs 1 (its one field) it trains ADV and
 *    Leaked-ASCL (table4/adv, table4/adv-leaked-ascl) on the bundled MNIST, opens their
 *    comparison at once, which fills in as they finish (test-artifacts/quickstart.png).
 * 2. The Setup page estimates a like run (mnist, small-cnn, adv, 2000 digits, 3 epochs) from the
 *    two stored runs (test-artifacts/setup-estimate.png).
 * 3. A run that collapses (table3/ascl, small-cnn without batch norm, 500 digits, 2 epochs) shows
 *    the warning with its usual cause on its page and a mark in the runs list
 *    (test-artifacts/health-warning.png). No console errors or CSP violations.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppService } from '../../src-main/service/app-service.js';
import { screenshot } from './browser.js';
import { NO_CHROMIUM, serveAppForTests } from './served-app.js';

let quickIds: string[] = [];

const app = serveAppForTests('ascl-e2e-health-', (dir) => createAppService({ dbPath: path.join(dir, 'ascl.db'), workers: 2, log: () => {} }), 300_000);

describe.skipIf(NO_CHROMIUM)('training health and first steps in the served UI (real app.service, empty store)', () => {
  it('quick-start on an empty store, epochs 1: both runs complete and the compare page opened at the start shows a row each', async () => {
    await app.page.goto(`${app.base}/#/runs`);
    await app.page.getByTestId('quick-start-epochs').fill('1');
    await app.page.getByTestId('quick-start-start').click();
    await app.page.waitForURL(/#\/compare\?runs=/);
    quickIds = new URL(app.page.url()).hash.split('runs=')[1].split(',');
    expect(quickIds).toHaveLength(2);
    const configs = await Promise.all(quickIds.map(async (id) => (await app.service['runs:get']({ id })).config));
    expect(configs.map((c) => [c?.defense, c?.selection, c?.dataset, c?.model, c?.epochs, c?.limit])).toEqual([
      ['adv', 'global', 'mnist', 'small-cnn', 1, 2000], ['ascl', 'leaked', 'mnist', 'small-cnn', 1, 2000]]);
    for (const id of quickIds) expect(await app.service.waitForRun(id)).toBe('completed');
    // The page was not reloaded: the rows arrive with the runs' epochs.
    await expect.poll(() => app.page.locator('[data-testid=results-table] tbody tr td:first-child').allTextContents(), { timeout: 30_000 })
      .toEqual(['quick-start ADV', 'quick-start Leaked-ASCL']);
    await screenshot(app.page, 'quickstart');
  }, 1_200_000); // generous: two real trainings on 2 shared cores (about a minute alone)

  it('Setup: "Estimate time" for mnist, small-cnn, adv, 2000 digits, 3 epochs comes from the 2 stored runs', async () => {
    await app.page.goto(`${app.base}/#/setup`);
    await app.page.getByTestId('field-dataset').selectOption('mnist');
    await app.page.getByTestId('field-model').selectOption('small-cnn');
    await app.page.getByTestId('field-defense').selectOption('adv');
    await app.page.getByTestId('field-limit').fill('2000');
    await app.page.getByTestId('field-epochs').fill('3');
    await app.page.getByTestId('estimate').click();
    const shown = app.page.getByTestId('estimate-result');
    await expect.poll(() => shown.count(), { timeout: 60_000 }).toBe(1);
    expect(await shown.textContent()).toMatch(/per epoch, .* for 3 epochs.*from earlier runs on wasm/);
    expect(await app.page.getByTestId('estimate-basis').textContent()).toMatch(/over 2 epoch\(s\) of 2 earlier run\(s\)/);
    const e = await app.service['runs:estimate']({ config: { dataset: 'mnist', model: 'small-cnn', defense: 'adv', limit: 2000, epochs: 3 } });
    expect(e.source).toBe('history');
    await screenshot(app.page, 'setup-estimate');
  }, 120_000);

  it('a collapsing run (table3/ascl, batchNorm false, 500 digits, 2 epochs): the warning with its cause on the run app.page, a mark in the runs list', async () => {
    const { id } = await app.service['runs:start']({ name: 'collapsing ASCL (no batch norm)', preset: 'table3/ascl',
      config: { dataset: 'mnist', model: 'small-cnn', batchNorm: false, epochs: 2, limit: 500, evalSubset: 200, lrMilestones: [], queryAnchors: 0 } });
    expect(await app.service.waitForRun(id)).toBe('completed');
    await app.page.goto(`${app.base}/#/runs`);
    await expect.poll(() => app.page.locator(`tr[data-run-id="${id}"] [data-testid=collapse-mark]`).count(), { timeout: 30_000 }).toBe(1);
    for (const q of quickIds) expect(await app.page.locator(`tr[data-run-id="${q}"] [data-testid=collapse-mark]`).count()).toBe(0);
    await app.page.goto(`${app.base}/#/run/${id}`);
    const box = app.page.getByTestId('collapse-warning');
    await expect.poll(() => box.count(), { timeout: 30_000 }).toBe(1);
    expect(await box.textContent()).toMatch(/training may have collapsed: .*the usual cause: the latent ReLU units die under the contrastive term on a network without batch norm; try batchNorm true/);
    await screenshot(app.page, 'health-warning');
  }, 900_000);

  it('no console errors or CSP violations', () => {
    expect(app.errors).toEqual([]);
  });
});
