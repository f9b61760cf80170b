/**
 * Minimal L-inf step onto a hyperplane inside the box (FAB, Croce & Hein 2020b, eq. 6; the
 * problem fab_projections.py projection_linf solves): for a point t, find d minimising ||d||_inf
 * with w.(t + d) = b and 0 <= t + d <= 1. Orient w so that r = w.t - b >= 0; every coordinate then
 * moves against sign(w_i) by min(lambda, p_i), where p_i is its room to the box (t_i or 1 - t_i),
 * and lambda solves f(lambda) = sum_i |w_i| min(lambda, p_i) = r. f is concave and piecewise
 * linear, so Newton's method from lambda_0 = r / sum|w| climbs monotonically to the exact root
 * (the reference finds the same root by sorting p and bisecting). When even the box corner
 * (lambda = max p) cannot reach the plane, the corner is returned, as in the reference.
 * Runs on the host in float64: one row of d-dimensional data at a time.
 */
export function projectLinfHyperplane(t: Float32Array, w: Float32Array, b: number, out: Float32Array): void {
  const n = t.length;
  let r = -b;
  for (let i = 0; i < n; i++) r += w[i] * t[i];
  const sign = r >= 0 ? 1 : -1;
  r *= sign;
  let rMax = 0;
  let wSum = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i] * sign;
    const room = wi < 0 ? 1 - t[i] : t[i];
    rMax += Math.abs(wi) * room;
    wSum += Math.abs(wi);
  }
  const lambda = r < rMax ? solveLambda(t, w, sign, r, wSum) : Infinity;
  for (let i = 0; i < n; i++) {
    const wi = w[i] * sign;
    if (wi === 0) { out[i] = 0; continue; }
    const room = wi < 0 ? 1 - t[i] : t[i];
    const move = Math.min(lambda, room);
    out[i] = wi < 0 ? move : -move;
  }
}

function solveLambda(t: Float32Array, w: Float32Array, sign: number, r: number, wSum: number): number {
  if (r <= 0 || wSum === 0) return 0;
  let lambda = r / wSum;
  for (let iter = 0; iter < 10_000; iter++) {
    // f(lambda) and its right derivative (coordinates with room > lambda still move).
    let fl = 0;
    let slope = 0;
    for (let i = 0; i < t.length; i++) {
      const wi = w[i] * sign;
      if (wi === 0) continue;
      const room = wi < 0 ? 1 - t[i] : t[i];
      const aw = Math.abs(wi);
      if (room > lambda) { fl += aw * lambda; slope += aw; } else fl += aw * room;
    }
    const gap = r - fl;
    if (gap <= 1e-12 * r || slope === 0) return lambda;
    const next = lambda + gap / slope;
    if (next <= lambda) return lambda;
    lambda = next;
  }
  throw new Error(`projectLinfHyperplane: Newton did not converge (r=${r})`);
}
