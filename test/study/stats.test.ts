/** The study statistics against closed forms: Student-t quantiles (df 1, 2 and large), the incomplete beta, a 95% interval, paired differences. */
import { describe, expect, it } from 'vitest';
import { incompleteBeta, mean, meanCi, pairedDifferences, sampleStd, seOfMean, studentTCdf, studentTQuantile } from '../../src-main/shared/study-stats.js';

describe('Student t', () => {
  it('t_{0.975, 1} = tan(pi (0.975 - 1/2)) = 12.7062 (Cauchy) to 1e-9', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 9);
  });
  it('t_{p, 2} = (2p - 1) / sqrt(2 p (1 - p)) for p = 0.975, 0.9, 0.6 to 1e-9', () => {
    for (const p of [0.975, 0.9, 0.6]) expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 9);
  });
  it('df = 1e6: the normal quantile 1.959964 to 1e-5; df = 4: the tabulated 2.776445 to 1e-6', () => {
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959964, 5);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776445, 6);
  });
  it('CDF(t, 1) = 1/2 + atan(t) / pi and CDF(-t) = 1 - CDF(t) at t = -3, 0.5, 2', () => {
    for (const t of [-3, 0.5, 2]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
      expect(studentTCdf(-t, 7) + studentTCdf(t, 7)).toBeCloseTo(1, 12);
    }
  });
  it('I_x(a, 1) = x^a and I_x(1, b) = 1 - (1 - x)^b at x = 0.3, a = b = 2.5', () => {
    expect(incompleteBeta(0.3, 2.5, 1)).toBeCloseTo(0.3 ** 2.5, 12);
    expect(incompleteBeta(0.3, 1, 2.5)).toBeCloseTo(1 - 0.7 ** 2.5, 12);
  });
  it('refuses p outside (0, 1) and df <= 0, naming the value', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(/got 1/);
    expect(() => studentTQuantile(0.5, 0)).toThrow(/got 0/);
  });
});

describe('means over seeds', () => {
  it('[1, 2, 3]: mean 2, std 1, 95% CI 2 -+ 4.302653 / sqrt 3', () => {
    const c = meanCi([1, 2, 3]);
    expect(c.mean).toBe(2);
    expect(c.std).toBeCloseTo(1, 14);
    const h = 4.302652729749464 / Math.sqrt(3);
    expect(c.ci95![0]).toBeCloseTo(2 - h, 9);
    expect(c.ci95![1]).toBeCloseTo(2 + h, 9);
  });
  it('one seed: std 0 and no interval; no values: NaN', () => {
    expect(meanCi([0.4])).toMatchObject({ k: 1, mean: 0.4, std: 0, ci95: null });
    expect(mean([])).toBeNaN();
    expect(sampleStd([])).toBeNaN();
  });
  it('paired differences use the seeds in both, in order: {0: .5, 1: .6, 2: .7} - {2: .4, 0: .45} = [0.05, 0.3]', () => {
    const p = pairedDifferences(new Map([[0, 0.5], [1, 0.6], [2, 0.7]]), new Map([[2, 0.4], [0, 0.45]]));
    expect(p.seeds).toEqual([0, 2]);
    expect(p.diffs[0]).toBeCloseTo(0.05, 14);
    expect(p.diffs[1]).toBeCloseTo(0.3, 14);
  });
  it('SE of the mean of 4 evaluations with se 0.02 is 0.01', () => {
    expect(seOfMean([0.02, 0.02, 0.02, 0.02])).toBeCloseTo(0.01, 14);
  });
});
