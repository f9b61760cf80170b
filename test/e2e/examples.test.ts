/**
 * End-to-end, per-example images: two runs trained and evaluated by the real `ascl train` /
 * `ascl eval` (MNIST digits shipped offline, small-cnn, 2 epochs on 512 images; ASCL with leaked
 * selection and NAT; PGD-5 eps 0.1 on the first 96 test images, batches of 32), then the served UI
 * in headless Chromium: the examples view of A against B (filters, agreement counts, images
 * decoded by the browser under the app's CSP) and the Figure 8 gallery drawing training images.
 * Screenshots: test-artifacts/examples-view.png, test-artifacts/figure8-gallery.png.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppService } from '../../src-main/service/app-service.js';
import { lastJson, runCli } from '../cli/cli-helpers.js';
import { screenshot } from './browser.js';
import { NO_CHROMIUM, serveAppForTests } from './served-app.js';

const N = 96;

const runs: string[] = [];
const evals: number[] = [];

const app = serveAppForTests('ascl-e2e-examples-', async (dir) => {
  const db = path.join(dir, 'ascl.db');
  for (const defense of [['--defense', 'ascl', '--selection', 'leaked'], ['--defense', 'nat']]) {
    const t = await runCli(['train', '--db', db, '--json', '--dataset', 'mnist', '--model', 'small-cnn', ...defense, '--epochs', '2', '--limit', '512',
      '--batch-size', '64', '--eval-subset', '64', '--pgd-steps', '3', '--eps', '0.1', '--query-anchors', '2', '--backend', 'wasm'], { timeoutMs: 240_000 });
    expect(t.code, t.stderr).toBe(0);
    runs.push(String(lastJson(t.stdout).runId));
    const e = await runCli(['eval', '--db', db, '--run', runs.at(-1)!, '--attack', 'pgd', '--steps', '5', '--eps', '0.1', '--step-size', '0.03',
      '--n', String(N), '--batch-size', '32', '--backend', 'wasm', '--json']);
    expect(e.code, e.stderr).toBe(0);
    evals.push(Number(lastJson(e.stdout).evaluationId));
  }
  return createAppService({ dbPath: db, workers: 1, backend: 'wasm', log: () => {} });
}, 600_000);

/** Waits until every card of the grid shows its regenerated images. */
async function allLoaded(): Promise<number> {
  await expect.poll(async () => {
    const cards = app.page.getByTestId('example');
    const n = await cards.count();
    return n > 0 && (await app.page.locator('[data-testid=example][data-loaded=yes]').count()) === n;
  }, { timeout: 120_000, interval: 500 }).toBe(true);
  return app.page.getByTestId('example').count();
}

describe.skipIf(NO_CHROMIUM)('examples view and Figure 8 gallery (MNIST small-cnn, ascl train / ascl eval, PGD-5 eps 0.1 on 96 images)', () => {
  it('A (ASCL) vs B (NAT): the filter counts equal the service\'s; "robust in A, not in B" lists exactly those images; every shown image is decoded by Chromium (28x28) and regenerated to its stored outcome', async () => {
    await app.page.goto(`${app.base}/#/examples/${runs[0]}?eval=${evals[0]}&vs=${runs[1]}`);
    const shown = await allLoaded();
    const ref = await app.service['examples:list']({ runId: runs[0], evaluationId: evals[0], vsRunId: runs[1], filter: 'all', offset: 0, limit: 24 });
    expect(shown).toBe(Math.min(24, N));
    for (const f of ['all', 'clean-wrong', 'broken', 'robust', 'robust-a-only', 'robust-b-only', 'robust-both', 'robust-neither'] as const) {
      expect(await app.page.getByTestId(`filter-${f}`).locator('b').textContent(), f).toBe(String(ref.counts[f]));
    }
    expect(ref.counts.broken! + ref.counts.robust!).toBeGreaterThan(0);
    const sizes = await app.page.locator('[data-testid=example] img').evaluateAll((imgs) => imgs.map((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]));
    expect(sizes.length).toBe(3 * shown);
    for (const s of sizes) expect(s).toEqual([28, 28]);
    expect(await app.page.getByTestId('example-mismatch').count()).toBe(0);
    await screenshot(app.page, 'examples-view');

    await app.page.getByTestId('filter-robust-a-only').click();
    const aOnly = await app.service['examples:list']({ runId: runs[0], evaluationId: evals[0], vsRunId: runs[1], filter: 'robust-a-only', offset: 0, limit: 24 });
    if (aOnly.total === 0) {
      await expect.poll(() => app.page.getByTestId('examples-total').textContent()).toMatch(/^0 images/);
    } else {
      await allLoaded();
      const idx = await app.page.locator('[data-testid=example]').evaluateAll((cards) => cards.map((c) => Number(c.getAttribute('data-index'))));
      expect(idx).toEqual(aOnly.items.map((x) => x.index));
      const outcomes = await app.page.locator('[data-testid=example]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-outcome')));
      expect(new Set(outcomes)).toEqual(new Set(['robust']));
    }
    expect(app.page.url()).toContain('filter=robust-a-only');
  }, 300_000);

  it('the run page links each evaluation to its images; the filter "broken" shows only broken images, each misclassified after the attack', async () => {
    await app.page.goto(`${app.base}/#/run/${runs[0]}`);
    await app.page.getByTestId('eval-examples').first().click();
    await expect.poll(() => app.page.url()).toContain(`#/examples/${runs[0]}?eval=${evals[0]}`);
    await allLoaded();
    await app.page.getByTestId('filter-broken').click();
    const broken = await app.service['examples:list']({ runId: runs[0], evaluationId: evals[0], filter: 'broken', offset: 0, limit: 24 });
    expect(broken.total).toBeGreaterThan(0);
    await allLoaded();
    const idx = await app.page.locator('[data-testid=example]').evaluateAll((cards) => cards.map((c) => Number(c.getAttribute('data-index'))));
    expect(idx).toEqual(broken.items.map((x) => x.index));
    for (const x of broken.items) expect(x.advPred).not.toBe(x.label);
  }, 300_000);

  it('Figure 8 gallery on the latent page: the anchor (clean and adversarial view) and its selected samples drawn as 28x28 training images', async () => {
    await app.page.goto(`${app.base}/#/latent/${runs[0]}`);
    await expect.poll(() => app.page.getByTestId('anchor-views').count(), { timeout: 180_000, interval: 1000 }).toBeGreaterThan(0);
    const snaps = await app.service['selection:snapshots']({ runId: runs[0] });
    const rows = new Set(snaps.filter((s) => s.anchorIndex === snaps[0].anchorIndex).map((s) => s.epoch)).size;
    await expect.poll(() => app.page.getByTestId('anchor-views').count(), { timeout: 180_000, interval: 1000 }).toBe(rows);
    const sizes = await app.page.locator('[data-testid=gallery] .img-tile img').evaluateAll((imgs) => imgs.map((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]));
    expect(sizes.length).toBeGreaterThan(2 * rows);
    for (const s of sizes) expect(s).toEqual([28, 28]);
    // No index tile is left where an image was asked for.
    expect(await app.page.locator('[data-testid=gallery] .tile').count()).toBe(0);
    await screenshot(app.page, 'figure8-gallery');
  }, 300_000);

  it('no console errors or CSP violations', () => {
    expect(app.errors).toEqual([]);
  });
});
