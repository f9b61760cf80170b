/**
 * Robustness curves (src-main/shared/robustness-curves.ts, student-t.ts): the Student t quantiles
 * against their closed forms (nu = 1, 2, 4) and the normal limit, the normalised trapezoid AUC
 * against exact integrals, the group band against an independent formula for the sample variance,
 * and the curves read from stored evaluation rows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EvalRow } from '../../src-main/shared/rows.js';
import { bandStat, curveAuc, groupCurve, runCurves, type RunCurve } from '../../src-main/shared/robustness-curves.js';
import { incompleteBeta, studentTCdf, studentTQuantile } from '../../src-main/shared/student-t.js';

describe('Student t', () => {
  it('nu = 1 (Cauchy): CDF = 1/2 + atan(t)/pi and the 0.975 quantile = tan(0.475 pi) = 12.7062, within 1e-9', () => {
    for (const t of [-30, -2, -0.5, 0, 0.3, 1, 4, 50]) expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
    expect(Math.abs(studentTQuantile(0.975, 1) - Math.tan(0.475 * Math.PI))).toBeLessThan(1e-9);
  });
  it('nu = 2: quantile (2p - 1) / sqrt(2 p (1 - p)) at p = 0.6, 0.9, 0.975, 0.999 within 1e-9', () => {
    for (const p of [0.6, 0.9, 0.975, 0.999]) expect(Math.abs(studentTQuantile(p, 2) - (2 * p - 1) / Math.sqrt(2 * p * (1 - p)))).toBeLessThan(1e-9);
  });
  it('nu = 4: CDF = 1/2 + (3/4) x (1 - x^2/3) with x = t / sqrt(t^2 + 4) (closed form) at t in {-3, 0.5, 2.776, 10} within 1e-12', () => {
    for (const t of [-3, 0.5, 2.776, 10]) {
      const x = t / Math.sqrt(t * t + 4);
      expect(studentTCdf(t, 4)).toBeCloseTo(0.5 + (3 / 4) * x * (1 - (x * x) / 3), 12);
    }
  });
  it('nu = 1e7: the 0.975 quantile is the normal 1.959964 within 1e-5; quantiles are odd: q(0.025) = -q(0.975) (nu = 3)', () => {
    expect(Math.abs(studentTQuantile(0.975, 1e7) - 1.959963984540054)).toBeLessThan(1e-5);
    expect(studentTQuantile(0.025, 3)).toBeCloseTo(-studentTQuantile(0.975, 3), 10);
  });
  it('I_x(a, 1) = x^a and I_x(1, b) = 1 - (1 - x)^b (closed forms) for a, b in {0.5, 2, 7}', () => {
    for (const a of [0.5, 2, 7]) for (const x of [0.01, 0.3, 0.77, 0.99]) {
      expect(incompleteBeta(x, a, 1)).toBeCloseTo(x ** a, 12);
      expect(incompleteBeta(x, 1, a)).toBeCloseTo(1 - (1 - x) ** a, 12);
    }
  });
  it('refuses nu = 0 and p = 1, naming the value', () => {
    expect(() => studentTQuantile(0.975, 0)).toThrow(/nu = 0/);
    expect(() => studentTQuantile(1, 3)).toThrow(/p = 1/);
  });
});

describe('curveAuc (trapezoid over eps, normalised by the eps range)', () => {
  it('a line a - b eps on any grid: exactly a - b (eps_min + eps_max) / 2 (trapezoid is exact for lines), within 1e-12', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }),
      fc.uniqueArray(fc.integer({ min: 0, max: 64 }), { minLength: 2, maxLength: 12 }), (a, b, ks) => {
        const eps = ks.map((k) => k / 255);
        const r = curveAuc(eps.map((e) => ({ eps: e, robustAccuracy: a - b * e })))!;
        const lo = Math.min(...eps); const hi = Math.max(...eps);
        expect(Math.abs(r.auc - (a - (b * (lo + hi)) / 2))).toBeLessThan(1e-12);
        expect([r.epsMin, r.epsMax]).toEqual([lo, hi]);
      }));
  });
  it('exp(-eps / s), s = 4/255, on 401 points over [0, 16/255]: (s / E)(1 - exp(-E / s)) within the trapezoid bound E^2 max|f\'\'| / (12 m^2)', () => {
    const s = 4 / 255; const E = 16 / 255; const m = 400;
    const pts = Array.from({ length: m + 1 }, (_, j) => ({ eps: (j * E) / m, robustAccuracy: Math.exp(-((j * E) / m) / s) }));
    const exact = (s / E) * (1 - Math.exp(-E / s));
    const bound = (E * E * (1 / (s * s))) / (12 * m * m);
    expect(Math.abs(curveAuc(pts)!.auc - exact)).toBeLessThanOrEqual(bound);
    expect(Math.abs(curveAuc(pts)!.auc - exact)).toBeGreaterThan(0);
  });
  it('a hand-worked grid: eps 0, 2/255, 8/255 with accuracy 0.8, 0.6, 0.2: (2 * 0.7 + 6 * 0.4) / 8 = 0.475', () => {
    expect(curveAuc([{ eps: 8 / 255, robustAccuracy: 0.2 }, { eps: 0, robustAccuracy: 0.8 }, { eps: 2 / 255, robustAccuracy: 0.6 }])!.auc).toBeCloseTo(0.475, 12);
  });
  it('fewer than two distinct eps: null (no range to normalise by)', () => {
    expect(curveAuc([{ eps: 0.1, robustAccuracy: 0.5 }])).toBeNull();
    expect(curveAuc([])).toBeNull();
  });
});

describe('bandStat and groupCurve', () => {
  it('sample variance equals the pairwise form sum_{i<j} (x_i - x_j)^2 / (k (k - 1)); the 95% CI half-width is t_{0.975,k-1} s / sqrt(k) (k = 2..8, fast-check)', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 8 }), (xs) => {
      const k = xs.length;
      let pair = 0;
      for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) pair += (xs[i] - xs[j]) ** 2;
      const s = bandStat(xs, 'std');
      expect(s.std ** 2).toBeCloseTo(pair / (k * (k - 1)), 12);
      expect(s.mean).toBeGreaterThanOrEqual(Math.min(...xs) - 1e-15);
      expect(s.mean).toBeLessThanOrEqual(Math.max(...xs) + 1e-15);
      expect(s.halfWidth).toBe(s.std);
      expect(bandStat(xs, 'ci95').halfWidth!).toBeCloseTo((studentTQuantile(0.975, k - 1) * s.std) / Math.sqrt(k), 12);
    }));
  });
  it('two seeds 0.4 and 0.6: std 0.1414, 95% CI half-width 12.706 * 0.1414 / sqrt(2) = 1.2706; one seed: no band', () => {
    expect(bandStat([0.4, 0.6], 'std').std).toBeCloseTo(Math.SQRT2 / 10, 12);
    expect(bandStat([0.4, 0.6], 'ci95').halfWidth!).toBeCloseTo(Math.tan(0.475 * Math.PI) * 0.1, 9);
    expect(bandStat([0.4], 'ci95')).toEqual({ mean: 0.4, std: 0, n: 1, halfWidth: null });
  });
  const curve = (runId: string, pts: Array<[number, number]>): RunCurve => ({ runId, key: 'pgd|k=3|n=32', attack: 'pgd', steps: 3, n: 32, points: pts.map(([eps, robustAccuracy]) => ({ eps, robustAccuracy })) });
  it('3 seeds on eps {0, 4, 8}/255 (one seed also 2/255): mean at the common eps, 2/255 listed as partial; mean of the AUCs = AUC of the mean curve', () => {
    const g = groupCurve([curve('a', [[0, 0.9], [4 / 255, 0.5], [8 / 255, 0.2]]), curve('b', [[0, 0.8], [2 / 255, 0.7], [4 / 255, 0.4], [8 / 255, 0.1]]),
      curve('c', [[0, 0.7], [4 / 255, 0.6], [8 / 255, 0.3]])], 'std');
    expect(g.points.map((p) => p.eps)).toEqual([0, 4 / 255, 8 / 255]);
    g.points.forEach((p, i) => expect(p.mean).toBeCloseTo([0.8, 0.5, 0.2][i], 12));
    g.points.forEach((p) => { expect(p.std).toBeCloseTo(0.1, 12); expect(p.n).toBe(3); });
    expect(g.partialEps).toEqual([2 / 255]);
    const meanCurveAuc = curveAuc(g.points.map((p) => ({ eps: p.eps, robustAccuracy: p.mean })))!.auc;
    expect(g.auc!.mean).toBeCloseTo(meanCurveAuc, 12);
    expect(g.auc!.n).toBe(3);
  });
  it('refuses members with different keys, naming both', () => {
    expect(() => groupCurve([curve('a', [[0, 1]]), { ...curve('b', [[0, 1]]), key: 'fgsm|k=1|n=32' }], 'std')).toThrow(/pgd\|k=3\|n=32.*fgsm\|k=1\|n=32/);
  });
});

describe('runCurves', () => {
  const row = (id: number, attack: string, eps: number, steps: number | null, n: number, robustAccuracy: number): EvalRow => ({
    id, runId: 'r', attack, eps, steps, stepSize: null, n, cleanAccuracy: 0.9, robustAccuracy, seconds: 1, testSetSize: 500,
    cleanStdErr: 0, robustStdErr: 0, protocol: null, createdAt: '', iterations: null, flags: [] });
  it('one curve per (attack, k, n), points in increasing eps, the newest evaluation at a repeated eps', () => {
    const c = runCurves('r', [row(1, 'pgd', 8 / 255, 3, 32, 0.2), row(2, 'pgd', 0, 3, 32, 0.9), row(3, 'pgd', 8 / 255, 3, 32, 0.25),
      row(4, 'pgd', 8 / 255, 10, 32, 0.1), row(5, 'fgsm', 8 / 255, 1, 32, 0.4)]);
    expect(c.map((x) => x.key)).toEqual(['pgd|k=3|n=32', 'pgd|k=10|n=32', 'fgsm|k=1|n=32']);
    expect(c[0].points).toEqual([{ eps: 0, robustAccuracy: 0.9 }, { eps: 8 / 255, robustAccuracy: 0.25 }]);
  });
});
