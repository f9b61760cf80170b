/**
 * Student's t distribution, for the 95% confidence interval of a mean over k seeds:
 * mean +- t_{0.975, k-1} s / sqrt(k). The CDF through the regularised incomplete beta function,
 * F(t; nu) = 1 - I_{nu / (nu + t^2)}(nu / 2, 1 / 2) / 2 for t >= 0 (Abramowitz & Stegun 26.7.1),
 * I_x(a, b) by its continued fraction (A&S 26.5.8, evaluated with the modified Lentz method); the
 * quantile by bisection on the CDF. Pure numbers, no dependencies.
 */

/** ln Gamma(x) for x > 0 (Lanczos, g = 7, 9 coefficients: about 15 significant digits). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new Error(`logGamma: needs x > 0 (got ${x})`);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of I_x(a, b) (A&S 26.5.8), modified Lentz; converges fast for x < (a + 1) / (a + b + 2). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    for (const num of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + num * d; if (Math.abs(d) < tiny) d = tiny; d = 1 / d;
      c = 1 + num / c; if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) return h;
  }
  throw new Error(`betaFraction: no convergence for x = ${x}, a = ${a}, b = ${b}`);
}

/** The regularised incomplete beta function I_x(a, b), 0 <= x <= 1, a, b > 0. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1) || !(a > 0) || !(b > 0)) throw new Error(`incompleteBeta: needs 0 <= x <= 1, a > 0, b > 0 (got x = ${x}, a = ${a}, b = ${b})`);
  if (x === 0 || x === 1) return x;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges for x < (a + 1) / (a + b + 2); otherwise use I_x(a, b) = 1 - I_{1-x}(b, a).
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** CDF of Student's t with nu > 0 degrees of freedom. */
export function studentTCdf(t: number, nu: number): number {
  if (!(nu > 0) || Number.isNaN(t)) throw new Error(`studentTCdf: needs nu > 0 and a number t (got t = ${t}, nu = ${nu})`);
  const tail = 0.5 * incompleteBeta(nu / (nu + t * t), nu / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with nu degrees of freedom (0 < p < 1), by bisection to 1e-12. */
export function studentTQuantile(p: number, nu: number): number {
  if (!(p > 0 && p < 1) || !(nu > 0)) throw new Error(`studentTQuantile: needs 0 < p < 1 and nu > 0 (got p = ${p}, nu = ${nu})`);
  if (p < 0.5) return -studentTQuantile(1 - p, nu);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, nu) < p) { lo = hi; hi *= 2; if (hi > 1e300) throw new Error(`studentTQuantile: no upper bound for p = ${p}, nu = ${nu}`); }
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, nu) < p) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}
