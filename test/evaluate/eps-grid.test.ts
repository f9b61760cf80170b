/**
 * evaluateEpsGrid on linear models with a closed form (../attacks/linear-model.ts): the same weights
 * and images at every eps (same seed), the worst case per eps from the closed-form ratio.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { evaluateRobustness } from '../../src-main/engine/evaluate/evaluate.js';
import { checkEpsGrid, evaluateEpsGrid, smallestBreakingIndex } from '../../src-main/engine/evaluate/eps-grid.js';
import { linearProblem } from '../attacks/linear-model.js';

const GRID = [0, 0.05, 0.1, 0.2, 0.4];
const N = 60;
const problems = (k: number, seed: number) => GRID.map((eps) => linearProblem({ h: 4, w: 4, k, n: N, eps, seed }));

beforeAll(async () => { await initBackend('cpu'); });

describe('evaluateEpsGrid (linear models, 4x4x1, 60 points, grid 0, 0.05, 0.1, 0.2, 0.4)', () => {
  it('binary model, PGD-20 step 0.05 (cumulative rule): robust accuracy per eps equals the closed form (gain/margin <= 1) and does not increase', async () => {
    const ps = problems(2, 49);
    try {
      const p = ps[0];
      const g = await evaluateEpsGrid({ logits: p.f, images: p.images, labels: p.labels, shape: [4, 4, 1], numClasses: 2, attack: 'pgd', dataset: 'synthetic',
        epsGrid: GRID, stepSize: 0.05, steps: 20, n: N, batchSize: 16, seed: 0 });
      expect(g.cumulative).toBe(true);
      expect(g.points.map((r) => r.eps)).toEqual(GRID);
      const closed = ps.map((q) => Array.from(q.ratio).filter((r) => r <= 1).length / N);
      // PGD on a binary linear model has a constant gradient sign, so 20 steps of 0.05 reach the optimal corner even for points just past the boundary.
      expect(ps.reduce((a, q) => a + Array.from(q.ratio).filter((r) => r > 1 && r <= 1.05).length, 0)).toBeGreaterThan(0);
      expect(g.points.map((r) => r.robustAccuracy)).toEqual(closed);
      expect(closed[0]).toBe(1);
      expect(new Set(closed).size).toBe(GRID.length);
      for (let j = 1; j < GRID.length; j++) expect(g.points[j].robustAccuracy).toBeLessThanOrEqual(g.points[j - 1].robustAccuracy);
      for (let j = 0; j < GRID.length; j++) {
        for (let i = 0; i < N; i++) expect(g.points[j].perSample[i], `eps ${GRID[j]} point ${i}`).toBe(ps[j].ratio[i] <= 1 ? 1 : 0);
      }
      expect(g.points[0].robustStdErr).toBe(0);
      expect(g.points[3].protocol).toMatchObject({ attack: 'pgd', eps: 0.2, stepSize: 0.05, steps: 20, n: N });
    } finally { for (const q of ps) q.dispose(); }
  });

  it('5-class model, FGSM (independent rule): each point equals a standalone evaluateRobustness at that eps', async () => {
    const p = linearProblem({ h: 4, w: 4, k: 5, n: N, eps: 0.05, seed: 21 });
    try {
      const base = { logits: p.f, images: p.images, labels: p.labels, shape: [4, 4, 1] as [number, number, number], numClasses: 5, attack: 'fgsm' as const,
        dataset: 'synthetic' as const, n: N, batchSize: 16, seed: 0 };
      const g = await evaluateEpsGrid({ ...base, epsGrid: GRID });
      expect(g.cumulative).toBe(false);
      for (let j = 1; j < GRID.length; j++) {
        const r = await evaluateRobustness({ ...base, eps: GRID[j] });
        expect(Array.from(g.points[j].perSample), `eps ${GRID[j]}`).toEqual(Array.from(r.perSample));
        expect(g.points[j].robustAccuracy).toBe(r.robustAccuracy);
      }
      expect(Array.from(g.cleanCorrect)).toEqual(Array.from(g.points[0].perSample));
    } finally { p.dispose(); }
  });

  it('smallestBreakingIndex equals a brute-force scan of the per-eps outcomes (random 0/1 table, 7 eps x 50 images)', () => {
    let s = 7;
    const rand = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
    const table = Array.from({ length: 7 }, () => Uint8Array.from({ length: 50 }, () => (rand() < 0.8 ? 1 : 0)));
    const got = smallestBreakingIndex(table);
    let nulls = 0;
    for (let i = 0; i < 50; i++) {
      let first: number | null = null;
      for (let j = 6; j >= 0; j--) if (table[j][i] === 0) first = j;
      expect(got[i]).toBe(first);
      if (first === null) nulls++;
    }
    expect(nulls).toBeGreaterThan(0);
    expect(nulls).toBeLessThan(50);
  });

  it('checkEpsGrid refuses an empty grid, a negative value, a value above 1, NaN and a decreasing grid, quoting the value', () => {
    expect(() => checkEpsGrid([], 'f')).toThrow(/empty/);
    expect(() => checkEpsGrid([0, -0.1], 'f')).toThrow(/-0\.1 is not in \[0, 1\]/);
    expect(() => checkEpsGrid([0, 1.5], 'f')).toThrow(/1\.5 is not in \[0, 1\]/);
    expect(() => checkEpsGrid([Number.NaN], 'f')).toThrow(/null is not in/);
    expect(() => checkEpsGrid([0.1, 0.05], 'f')).toThrow(/strictly increasing \(0\.1 then 0\.05\)/);
    expect(() => checkEpsGrid([0, 0.5, 1], 'f')).not.toThrow();
  });
});
