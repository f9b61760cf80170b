import { describe, expect, it } from 'vitest';
import { projectLinfHyperplane } from '../../src-main/engine/attacks/fab-projection.js';
import { Rng } from '../../src-main/engine/rng.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
const maxAbs = (a: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i])); return m; };

/** Largest change of w.x reachable with |d_i| <= lambda inside the box [0, 1] (towards the plane). */
function reach(t: Float32Array, w: Float32Array, towardsDown: boolean, lambda: number): number {
  let s = 0;
  for (let i = 0; i < t.length; i++) {
    const wi = towardsDown ? w[i] : -w[i];
    s += Math.abs(wi) * Math.min(lambda, wi < 0 ? 1 - t[i] : t[i]);
  }
  return s;
}

describe('projectLinfHyperplane (FAB L-inf step onto {x : w.x = b} inside [0, 1])', () => {
  it.each([1, 2, 3, 4, 5])('random 3072-d problem, seed %i: lands on the plane, in the box, with the minimal L-inf step', (seed) => {
    const rng = new Rng(seed);
    const n = 3072;
    const t = Float32Array.from({ length: n }, () => rng.next());
    const w = Float32Array.from({ length: n }, () => (rng.next() < 0.1 ? 0 : rng.next() * 2 - 1));
    const b = dot(w, t) + (rng.next() - 0.5) * 20; // plane on either side of t
    const d = new Float32Array(n);
    projectLinfHyperplane(t, w, b, d);
    const x = t.map((v, i) => v + d[i]);
    expect(Math.abs(dot(w, x) - b)).toBeLessThan(1e-3);
    for (let i = 0; i < n; i++) {
      expect(x[i]).toBeGreaterThanOrEqual(-1e-6);
      expect(x[i]).toBeLessThanOrEqual(1 + 1e-6);
      if (w[i] === 0) expect(d[i]).toBe(0);
    }
    // Minimal: 1 % less L-inf budget cannot reach the plane.
    const lambda = maxAbs(d);
    const r = Math.abs(dot(w, t) - b);
    expect(reach(t, w, dot(w, t) - b >= 0, lambda * 0.99)).toBeLessThan(r);
  });

  it('unreachable plane: returns the box corner that moves w.x furthest towards it', () => {
    const t = Float32Array.from([0.2, 0.7, 0.5]);
    const w = Float32Array.from([1, -2, 0]);
    const d = new Float32Array(3);
    projectLinfHyperplane(t, w, 100, d); // w.t = -1.2, far below 100: increase w.x
    expect(Array.from(d).map((v) => +v.toFixed(6))).toEqual([0.8, -0.7, 0]);
  });

  it('a point already on the plane does not move', () => {
    const t = Float32Array.from([0.5, 0.5]);
    const w = Float32Array.from([1, 1]);
    const d = new Float32Array(2);
    projectLinfHyperplane(t, w, 1, d);
    expect(Array.from(d).map(Math.abs)).toEqual([0, 0]);
  });
});
