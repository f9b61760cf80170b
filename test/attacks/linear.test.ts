/**
 * Closed form on a linear model z = x W + b: with |delta_i| <= eps and 0 <= x_i + delta_i <= 1,
 * the largest change of the margin z_t - z_y is sum_i max(v_i lo_i, v_i hi_i), v = w_t - w_y,
 * lo_i = max(-eps, -x_i), hi_i = min(eps, 1 - x_i) (eps * ||w_t - w_y||_1 away from the box).
 * A point is breakable iff that gain exceeds its margin z_y - z_t for some t. The attacks must
 * break every point whose worst-case gain beats the margin by 5 % and no attack may break a
 * point whose margin beats the gain (that would mean it left the threat model).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { linearProblem } from './linear-model.js';
import { autoAttack } from '../../src-main/engine/attacks/autoattack.js';
import { getAttack } from '../../src-main/engine/attacks/index.js';
import { predictLabels, linfDistance } from '../../src-main/engine/attacks/batch-ops.js';
import type { AttackName } from '../../src-main/shared/options.js';

const N = 60, EPS = 0.05;
const linear = (k: number, seed: number, size = 4) => linearProblem({ h: size, w: size, k, n: N, eps: EPS, seed });

function checkAgainstClosedForm(name: string, pred: Int32Array, labels: Int32Array, ratio: Float64Array, threshold = 1.05): void {
  let breakable = 0;
  for (let i = 0; i < N; i++) {
    const broken = pred[i] !== labels[i];
    if (ratio[i] < 1) expect(broken, `${name}: point ${i} (gain/margin ${ratio[i].toFixed(3)}) cannot be broken`).toBe(false);
    if (ratio[i] > threshold) { breakable++; expect(broken, `${name}: point ${i} (gain/margin ${ratio[i].toFixed(3)}) must be broken`).toBe(true); }
  }
  // The problem must contain points of both kinds, or the test could not fail.
  expect(breakable).toBeGreaterThan(5);
  expect(Array.from(ratio).filter((r) => r < 1).length).toBeGreaterThan(5);
}

const params = (k: number, steps = 20) => ({ eps: EPS, stepSize: EPS / 4, steps, randomStart: true, restarts: 1, numClasses: k, seed: 3 });

beforeAll(async () => { await initBackend('cpu'); });

describe('linear model closed form (eps 0.05, 4x4x1 inputs, 60 points)', () => {
  it('binary linear model (K=2): PGD-20, multi-targeted PGD and AutoAttack reach the worst case', async () => {
    const p = linear(2, 11);
    for (const name of ['pgd', 'mpgd'] as AttackName[]) {
      const adv = await getAttack(name).run(p.f, p.x, p.y, params(2));
      expect(Math.max(...await linfDistance(p.x, adv))).toBeLessThanOrEqual(EPS + 1e-6);
      checkAgainstClosedForm(name, await predictLabels(p.f, adv), p.labels, p.ratio);
      adv.dispose();
    }
    const aa = await autoAttack(p.f, p.x, p.y, params(2));
    checkAgainstClosedForm('aa', await predictLabels(p.f, aa.xAdv), p.labels, p.ratio);
    expect(Array.from(aa.robust)).toEqual(Array.from(await predictLabels(p.f, aa.xAdv)).map((v, i) => (v === p.labels[i] ? 1 : 0)));
    aa.xAdv.dispose();
    p.dispose();
  });

  it('10-class linear model (K=10): multi-targeted PGD, APGD-T and AutoAttack reach the worst case of every target pair', async () => {
    const p = linear(10, 12);
    const mp = await getAttack('mpgd').run(p.f, p.x, p.y, params(10));
    checkAgainstClosedForm('mpgd', await predictLabels(p.f, mp), p.labels, p.ratio);
    const at = await getAttack('apgd-t').run(p.f, p.x, p.y, params(10, 100));
    checkAgainstClosedForm('apgd-t', await predictLabels(p.f, at), p.labels, p.ratio);
    const aa = await autoAttack(p.f, p.x, p.y, params(10));
    checkAgainstClosedForm('aa', await predictLabels(p.f, aa.xAdv), p.labels, p.ratio);
    tf.dispose([mp, at, aa.xAdv]);
    p.dispose();
  });

  it('10-class linear model: FAB-T (overshoot eta 1.05) breaks every point with gain/margin > 1.1', async () => {
    const p = linear(10, 13);
    const fab = await getAttack('fab-t').run(p.f, p.x, p.y, params(10, 100));
    expect(Math.max(...await linfDistance(p.x, fab))).toBeLessThanOrEqual(EPS + 1e-6);
    checkAgainstClosedForm('fab-t', await predictLabels(p.f, fab), p.labels, p.ratio, 1.1);
    fab.dispose();
    p.dispose();
  });

  it('10-class linear model on 16x16x1 inputs: Square (5000 queries) breaks no unbreakable point and 90 % of those with gain/margin > 1.2', async () => {
    // Square never moves its window onto the last row and column (auto-attack's random_int(0, h - s)
    // excludes h - s), so its inputs must be large enough for that to matter little.
    const p = linear(10, 14, 16);
    const sq = await getAttack('square').run(p.f, p.x, p.y, params(10, 5000));
    expect(Math.max(...await linfDistance(p.x, sq))).toBeLessThanOrEqual(EPS + 1e-6);
    // Square is a random search: exact on the unbreakable side, at least 90 % on the clearly breakable side.
    const pred = await predictLabels(p.f, sq);
    let clear = 0, hit = 0;
    for (let i = 0; i < N; i++) {
      if (p.ratio[i] < 1) expect(pred[i], `square broke unbreakable point ${i}`).toBe(p.labels[i]);
      if (p.ratio[i] > 1.2) { clear++; if (pred[i] !== p.labels[i]) hit++; }
    }
    expect(clear).toBeGreaterThan(5);
    expect(hit / clear).toBeGreaterThanOrEqual(0.9);
    sq.dispose();
    p.dispose();
  });
});
