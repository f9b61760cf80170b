/**
 * Square Attack (Andriushchenko et al. 2020), L-inf, score-based, as AutoAttack's standard
 * version runs it (square.py, resc_schedule=False): 5000 iterations, p_init 0.8, margin loss
 * z_y - max_{j != y} z_j, one restart.
 * - Start: vertical stripes x + eps * s, s = +-1 drawn per [row, 1, column, channel], clip [0, 1].
 * - Iteration i: side s = round(sqrt(p_i * h * w)) clipped to [1, min(h, w)], with p_i from the
 *   schedule p_init / {1, 2, 4, ..., 512} at i > 10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000;
 *   one window position and one +-2 eps sign per channel, shared by the whole batch; the candidate
 *   x_best + delta is clipped to the ball and [0, 1] and accepted where the loss decreases or the
 *   point becomes misclassified. Fooled points leave the batch; the loop stops when none is left.
 * As in the reference, window corners are drawn from [0, h - s) (random_int excludes h - s), so the
 * last row and column keep their stripe values unless a window covers them from further up/left.
 */
import { tf } from '../tf.js';
import type { Attack, AttackHooks, AttackParams } from './attack.js';
import { passTrace, type PassTrace } from './iteration-trace.js';
import { iterationCheckpoints } from '../../shared/iterations.js';
import type { LogitsFn } from '../models/model.js';
import { marginFromLogits } from './losses.js';
import { untilBroken } from './until-broken.js';
import { labelsOf } from './batch-ops.js';
import { Rng } from '../rng.js';
import { autoAttackPartDefaults } from './defaults.js';
import { readTidy } from '../read.js';

export const SQUARE_STANDARD = { nQueries: 5000, pInit: 0.8 } as const;

/** square.py p_selection with resc_schedule=False (raw iteration index). */
export function squareP(it: number, pInit: number): number {
  const bounds: Array<[number, number]> = [[8000, 512], [6000, 256], [4000, 128], [2000, 64], [1000, 32], [500, 16], [200, 8], [50, 4], [10, 2]];
  for (const [lo, div] of bounds) if (it > lo) return pInit / div;
  return pInit;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function squareSideLength(it: number, pInit: number, h: number, w: number): number {
  const s = Math.max(roundHalfEven(Math.sqrt(squareP(it, pInit) * h * w)), 1);
  return Math.min(s, Math.min(h, w));
}

async function margins(f: LogitsFn, x: tf.Tensor4D, labels: Int32Array, k: number): Promise<Float32Array> {
  return marginFromLogits((await readTidy(() => f(x))) as Float32Array, labels, k);
}

/** One Square run on all rows of x; returns the best point per row. */
export async function squareRun(f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, eps: number, k: number, nQueries: number, pInit: number, rng: Rng, trace?: PassTrace): Promise<tf.Tensor4D> {
  const [b, h, w, c] = x.shape;
  const d = h * w * c;
  const labels = await labelsOf(y);
  const clean = Float32Array.from(await x.data());
  const best = new Float32Array(b * d);
  for (let i = 0; i < b; i++) {
    for (let col = 0; col < w; col++) for (let ch = 0; ch < c; ch++) {
      const s = rng.next() * 2 - 1 > 0 ? eps : -eps;
      for (let row = 0; row < h; row++) {
        const j = i * d + (row * w + col) * c + ch;
        best[j] = Math.min(Math.max(clean[j] + s, 0), 1);
      }
    }
  }
  const bestT = tf.tensor4d(best, x.shape);
  const marginMin = await margins(f, bestT, labels, k).finally(() => bestT.dispose());
  const lossMin = Float32Array.from(marginMin);
  const delta = new Float32Array(d);
  // Per-iteration record: margin > 0 = still robust, at the checkpoints reached (the loop stops once every row is fooled).
  const traceAt = new Set(trace ? iterationCheckpoints(nQueries) : []);
  for (let it = 0; it < nQueries; it++) {
    const active: number[] = [];
    for (let i = 0; i < b; i++) if (marginMin[i] > 0) active.push(i);
    if (active.length === 0) break;
    const s = squareSideLength(it, pInit, h, w);
    const vh = Math.floor(rng.next() * (h - s));
    const vw = Math.floor(rng.next() * (w - s));
    const signs = Array.from({ length: c }, () => (rng.next() * 2 - 1 > 0 ? 2 * eps : -2 * eps));
    delta.fill(0);
    for (let row = vh; row < vh + s; row++) for (let col = vw; col < vw + s; col++) {
      for (let ch = 0; ch < c; ch++) delta[(row * w + col) * c + ch] = signs[ch];
    }
    const m = active.length;
    const cand = new Float32Array(m * d);
    for (let a = 0; a < m; a++) {
      const o = active[a] * d;
      for (let j = 0; j < d; j++) {
        let v = best[o + j] + delta[j];
        const lo = clean[o + j] - eps;
        const hi = clean[o + j] + eps;
        v = v < lo ? lo : v > hi ? hi : v;
        cand[a * d + j] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
    const candT = tf.tensor4d(cand, [m, h, w, c]);
    const margin = await margins(f, candT, Int32Array.from(active, (i) => labels[i]), k).finally(() => candT.dispose());
    for (let a = 0; a < m; a++) {
      const i = active[a];
      const improved = margin[a] < lossMin[i];
      if (improved) lossMin[i] = margin[a];
      if (improved || margin[a] <= 0) {
        marginMin[i] = margin[a];
        best.set(cand.subarray(a * d, (a + 1) * d), i * d);
      }
    }
    if (trace && traceAt.has(it + 1)) trace(it + 1, Array.from(marginMin, (v) => (v > 0 ? 1 : 0)));
  }
  return tf.tensor4d(best, x.shape);
}

export async function squareAttack(f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, p: AttackParams,
  nQueries: number = SQUARE_STANDARD.nQueries, hooks: AttackHooks = {}): Promise<tf.Tensor4D> {
  const rng = new Rng(p.seed);
  return untilBroken(f, x, y, Math.max(1, p.restarts), (xs, ys, run, idx) =>
    squareRun(f, xs, ys, p.eps, p.numClasses, nQueries, SQUARE_STANDARD.pInit, rng, passTrace(hooks.iterations, run, idx)));
}

export const squareAttackDef: Attack = {
  name: 'square',
  capabilities: { minClasses: 2, targets: null, step: 'own', configurableSteps: true },
  defaults: autoAttackPartDefaults(SQUARE_STANDARD.nQueries),
  // Alone, `steps` sets the queries (5000 in AutoAttack, which ignores it).
  async run(f, x, y, params, hooks) { return squareAttack(f, x, y, params, params.steps, hooks); },
};
