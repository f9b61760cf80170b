/**
 * End-to-end: evaluation sanity flags and the per-iteration chart on the run page, on the real service
 * (SQLite store, worker threads, the engine) through the built UI in headless Chromium. A tiny ADV run
 * (synthetic, small-cnn, 2 epochs of 256 images) is evaluated from its page with PGD-1 and PGD-20 on
 * 64 images, then FGSM; PGD-1 shows the still-falling flag (and fgsm-stronger where FGSM leaves fewer
 * robust) with reasons and references, PGD-20 its chart over iterations 1, 2, 5, 10, 20.
 * Screenshot: test-artifacts/eval-sanity-flags.png.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppService } from '../../src-main/service/app-service.js';
import { screenshot } from './browser.js';
import { NO_CHROMIUM, serveAppForTests } from './served-app.js';

const app = serveAppForTests('ascl-e2e-sanity-', (dir) => createAppService({ dbPath: path.join(dir, 'ascl.db'), workers: 1, log: () => {} }), 240_000);

async function evaluateFromPage(attack: 'pgd' | 'fgsm', steps: number | null, rows: number): Promise<void> {
  await app.page.getByTestId('eval-attack').selectOption(attack);
  await app.page.getByTestId('eval-steps').fill(steps === null ? '' : String(steps));
  await app.page.getByTestId('eval-n').fill('64');
  await app.page.getByTestId('eval-start').click();
  await expect.poll(() => app.page.locator('[data-testid=evals-table] tbody tr.eval-row').count(), { timeout: 150_000, interval: 1000 }).toBe(rows);
}

describe.skipIf(NO_CHROMIUM)('run page: sanity flags and per-iteration chart (real training and evaluation, synthetic small-cnn ADV)', () => {
  it('PGD-1 and PGD-20 evaluated from the run page: PGD-1 flagged still-falling with reason and reference, PGD-20 charted over 5 checkpoints', async () => {
    const { id } = await app.service['runs:start']({ config: { dataset: 'synthetic', model: 'small-cnn', defense: 'adv', epochs: 2, limit: 256, batchSize: 64,
      evalSubset: 32, pgdSteps: 2, backend: 'wasm' } });
    expect(await app.service.waitForRun(id)).toBe('completed');
    await app.page.goto(`${app.base}/#/run/${id}`);
    await expect.poll(() => app.page.getByTestId('run-status').textContent(), { timeout: 20_000 }).toBe('completed');
    await evaluateFromPage('pgd', 1, 1);
    await evaluateFromPage('pgd', 20, 2);
    await evaluateFromPage('fgsm', null, 3);
    const [one, twenty, fgsm] = await app.service['evals:list']({ runId: id });
    expect([one.steps, twenty.steps, fgsm.attack]).toEqual([1, 20, 'fgsm']);
    expect(one.robustAccuracy).toBeGreaterThan(twenty.robustAccuracy);
    // FGSM (one step of eps) against PGD-1 (one step of eps/4 from a random start): flagged exactly when FGSM leaves fewer robust.
    expect(one.flags.some((f) => f.kind === 'fgsm-stronger' && f.relatedIds.includes(fgsm.id))).toBe(fgsm.robustAccuracy < one.robustAccuracy);
    await expect.poll(() => app.page.getByTestId(`eval-extra-${one.id}`).locator('[data-testid=eval-flag]').count()).toBe(one.flags.length);
    const extraOne = app.page.getByTestId(`eval-extra-${one.id}`);
    await expect.poll(() => extraOne.locator('[data-testid=eval-flag][data-kind=still-falling]').count()).toBe(one.flags.filter((f) => f.kind === 'still-falling').length);
    expect(one.flags.some((f) => f.kind === 'still-falling' && f.relatedIds.includes(twenty.id))).toBe(true);
    const text = await extraOne.locator('[data-testid=eval-flag]').allTextContents();
    expect(text.join(' ')).toContain(`pgd-20 (evaluation ${twenty.id}) leaves`);
    expect(text.join(' ')).toContain('Carlini et al. 2019');
    expect(await app.page.locator(`tr[data-eval-id="${one.id}"] [data-testid=eval-flag-count]`).textContent()).toContain(String(one.flags.length));
    const chart = app.page.getByTestId(`eval-extra-${twenty.id}`).getByTestId('iteration-chart');
    expect(await chart.getAttribute('data-points')).toBe('5');
    expect(await chart.locator('circle').count()).toBe(6);
    const cells = await app.page.getByTestId(`eval-extra-${twenty.id}`).locator('[data-testid=iteration-table] tr:last-child td').allTextContents();
    expect(cells).toEqual(twenty.iterations!.map((p) => `${(p.robustAccuracy * 100).toFixed(1)}%`));
    await app.page.getByTestId('evals-table').scrollIntoViewIfNeeded();
    await screenshot(app.page, 'eval-sanity-flags');
  }, 420_000);

  it('no console errors or CSP violations', () => {
    expect(app.errors).toEqual([]);
  });
});
