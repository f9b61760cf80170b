/**
 * Statistics of a study's report, pure functions on plain numbers: mean and sample standard
 * deviation over seeds, the Student-t quantile for a 95% confidence interval of a mean over k
 * seeds (k - 1 degrees of freedom), paired differences across seeds, and the standard error of a
 * mean of k independent binomial measurements. No imports: the renderer uses it too.
 */

/** Arithmetic mean; NaN for no values. */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation sqrt(sum (x - mean)^2 / (k - 1)); 0 for one value, NaN for none. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  if (xs.length === 1) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

/** ln Gamma(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-13). */
function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularised incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    for (const num of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + num * d; d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c; c = Math.abs(c) < tiny ? tiny : c;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** CDF of Student's t with df degrees of freedom: 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2 for t >= 0. */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`studentTCdf: needs df > 0 (got ${df})`);
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The quantile t_{p, df} (inverse CDF, by bisection to 1e-12): t_{0.975, 2} = 4.3027. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentTQuantile: needs 0 < p < 1 (got ${p})`);
  if (!(df > 0)) throw new Error(`studentTQuantile: needs df > 0 (got ${df})`);
  let lo = -1e6;
  let hi = 1e6;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A mean over k values with its sample std and 95% t-interval (half-width t_{0.975, k-1} s / sqrt k; null for k < 2). */
export interface MeanCi { k: number; mean: number; std: number; ci95: [number, number] | null; halfWidth: number | null }

export function meanCi(xs: readonly number[], level = 0.95): MeanCi {
  const k = xs.length;
  const m = mean(xs);
  const s = sampleStd(xs);
  if (k < 2) return { k, mean: m, std: s, ci95: null, halfWidth: null };
  const h = studentTQuantile(1 - (1 - level) / 2, k - 1) * (s / Math.sqrt(k));
  return { k, mean: m, std: s, ci95: [m - h, m + h], halfWidth: h };
}

/** Paired differences a_s - b_s over the seeds s present in both; the seeds used are returned in order. */
export function pairedDifferences(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): { seeds: number[]; diffs: number[] } {
  const seeds = [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y);
  return { seeds, diffs: seeds.map((s) => a.get(s)! - b.get(s)!) };
}

/** Standard error of the mean of k independent accuracies, each with binomial SE se_i: sqrt(sum se_i^2) / k. */
export function seOfMean(ses: readonly number[]): number {
  return ses.length === 0 ? Number.NaN : Math.sqrt(ses.reduce((a, b) => a + b * b, 0)) / ses.length;
}
