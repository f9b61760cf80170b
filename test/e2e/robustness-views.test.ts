/**
 * End-to-end: the robustness-curves and attack x defence pages on runs trained and evaluated by the
 * real `ascl train` / `ascl eval` (synthetic, small-cnn, 1 epoch of 512 images; two ADV seeds in
 * one group and one natural run; PGD-5 and FGSM over an eps grid and Square at 8/255 on 64 images),
 * served to headless Chromium. The page's figures are checked against the stored evaluations (AUC
 * by an independent trapezoid sum, the worst case per example by intersecting the stored
 * outcomes), and `ascl show --json`'s curves; screenshots test-artifacts/robustness-curves.png, attack-matrix.png and attack-matrix-marked.png (at 4/255).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppService } from '../../src-main/service/app-service.js';
import { lastJson, runCli } from '../cli/cli-helpers.js';
import { screenshot } from './browser.js';
import { NO_CHROMIUM, serveAppForTests } from './served-app.js';

const GRID = '0,2/255,4/255,8/255,16/255';
const N = 64;

let db: string;
const ids: { adv0: string; adv1: string; nat: string } = { adv0: '', adv1: '', nat: '' };

async function cli(args: string[]): Promise<Record<string, unknown>> {
  const r = await runCli([...args, '--db', db, '--json', '--backend', 'wasm'], { timeoutMs: 240_000 });
  expect(r.code, `ascl ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return lastJson(r.stdout);
}

const app = serveAppForTests('ascl-e2e-curves-', async (dir) => {
  db = path.join(dir, 'ascl.db');
  const train = ['train', '--dataset', 'synthetic', '--model', 'small-cnn', '--epochs', '1', '--limit', '512', '--batch-size', '32', '--eval-subset', '32', '--pgd-steps', '2'];
  ids.adv0 = String((await cli([...train, '--defense', 'adv', '--group', 'adv-seeds', '--seed', '0', '--name', 'adv-s0'])).runId);
  ids.adv1 = String((await cli([...train, '--defense', 'adv', '--group', 'adv-seeds', '--seed', '1', '--name', 'adv-s1'])).runId);
  ids.nat = String((await cli([...train, '--defense', 'nat', '--name', 'nat'])).runId);
  for (const id of Object.values(ids)) {
    await cli(['eval', '--run', id, '--attack', 'pgd', '--steps', '5', '--n', String(N), '--eps-grid', GRID]);
    await cli(['eval', '--run', id, '--attack', 'fgsm', '--n', String(N), '--eps-grid', GRID]);
    await cli(['eval', '--run', id, '--attack', 'square', '--steps', '30', '--n', String(N)]);
  }
  return createAppService({ dbPath: db, workers: 1, log: () => {} });
}, 900_000);

/** Independent of the code under test: sum of trapezoids over eps, divided by the range. */
function trapezoidMean(points: Array<{ eps: number; y: number }>): number {
  const p = [...points].sort((a, b) => a.eps - b.eps);
  let s = 0;
  for (let j = 1; j < p.length; j++) s += ((p[j].eps - p[j - 1].eps) * (p[j].y + p[j - 1].y)) / 2;
  return s / (p[p.length - 1].eps - p[0].eps);
}

async function stored(id: string, attack: string): Promise<Array<{ eps: number; y: number; id: number }>> {
  return (await app.service['evals:list']({ runId: id })).filter((e) => e.attack === attack).map((e) => ({ eps: e.eps, y: e.robustAccuracy, id: e.id }));
}

describe.skipIf(NO_CHROMIUM)('robustness curves and attack x defence matrix in Chromium on ascl-trained and -evaluated runs (synthetic small-cnn, 64 images)', () => {
  it('curves: one chart per attack (PGD-5, FGSM, Square); the nat run\'s PGD AUC equals the trapezoid mean of its stored grid; the seed group is one row with n = 2 runs', async () => {
    await app.page.goto(`${app.base}/#/robustness?runs=${ids.adv0},${ids.adv1},${ids.nat}`);
    await expect.poll(() => app.page.locator('[data-testid=chart]').count(), { timeout: 30_000 }).toBe(3);
    const titles = await app.page.locator('.chart-head h3').allTextContents();
    expect(titles).toEqual(['Robust accuracy against ε: PGD-5', 'Robust accuracy against ε: FGSM', 'Robust accuracy against ε: Square']);
    // PGD chart: the group's band (lower + upper, 5 points each) and mean (5), and the nat curve (5).
    expect(Number(await app.page.locator('[data-testid=chart]').first().getAttribute('data-points'))).toBe(20);
    const rows = app.page.locator('[data-testid=slice-row]');
    await expect.poll(() => rows.count()).toBe(6);
    const cells = async (i: number): Promise<string[]> => rows.nth(i).locator('td').allTextContents();
    const texts = await Promise.all([0, 1, 2, 3, 4, 5].map(cells));
    const natPgd = texts.find((t) => t[0] === 'nat' && t[1] === 'PGD-5')!;
    const groupPgd = texts.find((t) => t[0] === 'adv-seeds (mean of 2)' && t[1] === 'PGD-5')!;
    expect(natPgd).toBeDefined();
    expect(groupPgd[3]).toBe('2');
    const natAuc = trapezoidMean(await stored(ids.nat, 'pgd'));
    expect(Number(natPgd[natPgd.length - 2])).toBeCloseTo(natAuc * 100, 2);
    // The group's AUC: mean over its two runs of each run's AUC, ± their sample std.
    const a0 = trapezoidMean(await stored(ids.adv0, 'pgd')); const a1 = trapezoidMean(await stored(ids.adv1, 'pgd'));
    const [mean, std] = groupPgd[groupPgd.length - 2].split(' ± ').map(Number);
    expect(mean).toBeCloseTo(((a0 + a1) / 2) * 100, 2);
    expect(std).toBeCloseTo((Math.abs(a0 - a1) / Math.SQRT2) * 100, 2);
    await screenshot(app.page, 'robustness-curves');
  }, 120_000);

  it('95% CI band: the group\'s PGD AUC half-width becomes t(0.975, 1) s / sqrt(2) = tan(0.475 pi) |a0 - a1| / 2 of the two runs\' AUCs; the slice CSV carries the stored figures', async () => {
    await app.page.getByTestId('band-ci95').click();
    const a0 = trapezoidMean(await stored(ids.adv0, 'pgd')); const a1 = trapezoidMean(await stored(ids.adv1, 'pgd'));
    const auc = app.page.locator('[data-testid=slice-row]').filter({ hasText: 'PGD-5' }).filter({ hasText: 'adv-seeds (mean of 2)' }).locator('[data-testid=auc]');
    await expect.poll(async () => Number((await auc.textContent())!.split(' ± ')[1])).toBeCloseTo((Math.tan(0.475 * Math.PI) * Math.abs(a0 - a1) / 2) * 100, 1);
    const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.getByTestId('slices-csv').click()]);
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n');
    expect(lines).toHaveLength(7);
    const nat = lines.find((l) => l.startsWith('nat,PGD-5,'))!.split(',');
    const natPgd = (await stored(ids.nat, 'pgd')).sort((x, y) => x.eps - y.eps);
    natPgd.forEach((p, j) => expect(Number(nat[4 + 2 * j])).toBeCloseTo(p.y * 100, 9));
    await app.page.getByTestId('slices-latex').click();
    expect(await app.page.getByTestId('slices-latex-text').inputValue()).toContain('\\begin{tabular}');
  }, 60_000);

  it('matrix (one row per group): adv-seeds and nat rows with Clean, FGSM, PGD-5, Square and a worst case equal to the stored outcomes intersected per image', async () => {
    await app.page.goto(`${app.base}/#/matrix?runs=${ids.adv0},${ids.adv1},${ids.nat}&rows=groups`);
    await expect.poll(() => app.page.locator('[data-testid=matrix-row]').count(), { timeout: 30_000 }).toBe(2);
    const head = await app.page.locator('[data-testid=matrix-table] thead th').allTextContents();
    expect(head).toEqual(['Group', 'runs', 'ε', 'Clean', 'FGSM', 'PGD-5', 'Square', 'Worst case (per example)']);
    // Brute force for the nat run: the 8/255 evaluation of each attack, images robust to all three.
    const at8 = async (attack: string): Promise<Uint8Array> => {
      const e = (await stored(ids.nat, attack)).find((x) => Math.abs(x.eps - 8 / 255) < 1e-12)!;
      return app.service.store.evaluationOutcomes(e.id)!;
    };
    const outs = await Promise.all(['fgsm', 'pgd', 'square'].map(at8));
    let robust = 0;
    for (let i = 0; i < N; i++) if (outs.every((o) => o[i] === 1)) robust++;
    const natRow = app.page.locator('[data-testid=matrix-row]').filter({ hasText: /^nat/ });
    expect((await natRow.getByTestId('cell-worst').textContent())!.trim()).toBe(((robust / N) * 100).toFixed(2));
    const groupWorst = (await app.page.locator('[data-testid=matrix-row]').filter({ hasText: 'adv-seeds' }).getByTestId('cell-worst').textContent())!;
    expect(groupWorst).toMatch(/^\d+\.\d\d ± \d+\.\d\d$/);
    const m = await app.service['evals:matrix']({ runIds: [ids.nat], rows: 'runs' });
    const cols = m.rows[0].cells;
    expect(m.rows[0].worstCase!.mean).toBe(robust / N);
    expect(m.rows[0].worstCase!.mean).toBeLessThanOrEqual(Math.min(cols.fgsm!.mean, cols.pgd!.mean, cols.square!.mean));
    await app.page.getByTestId('matrix-latex').click();
    expect(await app.page.getByTestId('matrix-latex-text').inputValue()).toContain('Model & Clean & FGSM & PGD-5 & Square & Worst case (per example)');
    await screenshot(app.page, 'attack-matrix');
  }, 60_000);

  it('matrix at eps 4/255: Square (only at 8/255) is shown marked with a note and left out of the worst case', async () => {
    await app.page.getByTestId('matrix-eps').fill('4/255');
    await expect.poll(() => app.page.getByTestId('matrix-notes').textContent(), { timeout: 20_000 }).toContain("ε = 8/255, not the row's 4/255");
    expect(await app.page.locator('[data-testid=matrix-row]').first().getByTestId('cell-square').locator('sup').count()).toBe(1);
    const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.getByTestId('matrix-csv').click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('Worst case (per example) %');
    expect(csv).toContain('left out: square (ε 8/255)');
    await screenshot(app.page, 'attack-matrix-marked');
  }, 60_000);

  it('ascl show RUN --json: curves carry the same AUC (trapezoid over the 5 grid eps / the eps range) for PGD-5 and FGSM; Square at one eps has none', async () => {
    const r = await runCli(['show', ids.nat, '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const curves = (lastJson(r.stdout) as { curves: Array<{ attack: string; points: unknown[]; auc: { auc: number; epsMin: number; epsMax: number } | null }> }).curves;
    expect(curves.map((c) => [c.attack, c.points.length])).toEqual([['pgd', 5], ['fgsm', 5], ['square', 1]]);
    expect(curves[0].auc!.auc).toBeCloseTo(trapezoidMean(await stored(ids.nat, 'pgd')), 12);
    expect(curves[1].auc!.auc).toBeCloseTo(trapezoidMean(await stored(ids.nat, 'fgsm')), 12);
    expect([curves[0].auc!.epsMin, curves[0].auc!.epsMax]).toEqual([0, 16 / 255]);
    expect(curves[2].auc).toBeNull();
  });

  it('no console errors or CSP violations', () => {
    expect(app.errors).toEqual([]);
  });
});
