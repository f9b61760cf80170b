/**
 * A linear classifier z = x W + b on small images, with the closed-form worst case under an
 * L-inf budget eps and the box [0, 1]: the margin z_t - z_y can grow by at most
 * sum_i max(v_i lo_i, v_i hi_i), v = w_t - w_y, lo_i = max(-eps, -x_i), hi_i = min(eps, 1 - x_i).
 * `ratio[i]` = max_t gain_t / (z_y - z_t): the point can be broken iff ratio > 1.
 */
import { tf } from '../../src-main/engine/tf.js';
import type { LogitsFn } from '../../src-main/engine/models/model.js';
import { Rng } from '../../src-main/engine/rng.js';

export interface LinearProblem {
  f: LogitsFn;
  images: Float32Array;
  x: tf.Tensor4D;
  y: tf.Tensor1D;
  /** The clean predictions: every point starts correct. */
  labels: Int32Array;
  ratio: Float64Array;
  dispose(): void;
}

export function linearProblem(o: { h: number; w: number; k: number; n: number; eps: number; seed: number }): LinearProblem {
  const d = o.h * o.w;
  const { k, n, eps } = o;
  const rng = new Rng(o.seed);
  const w = Float32Array.from({ length: d * k }, () => rng.next() * 2 - 1);
  const bias = Float32Array.from({ length: k }, () => (rng.next() - 0.5) * 0.2);
  const images = Float32Array.from({ length: n * d }, () => rng.next());
  const wt = tf.tensor2d(w, [d, k]);
  const bt = tf.tensor1d(bias);
  const f: LogitsFn = (xa) => tf.add(tf.matMul(tf.reshape(xa, [-1, d]), wt), bt) as tf.Tensor2D;
  const x = tf.tensor4d(images, [n, o.h, o.w, 1]);
  const z = tf.tidy(() => f(x).dataSync());
  const labels = new Int32Array(n);
  const ratio = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let y = 0;
    for (let j = 1; j < k; j++) if (z[i * k + j] > z[i * k + y]) y = j;
    labels[i] = y;
    let best = 0;
    for (let t = 0; t < k; t++) {
      if (t === y) continue;
      let gain = 0;
      for (let p = 0; p < d; p++) {
        const v = w[p * k + t] - w[p * k + y];
        const xi = images[i * d + p];
        gain += Math.max(v * Math.max(-eps, -xi), v * Math.min(eps, 1 - xi));
      }
      best = Math.max(best, gain / (z[i * k + y] - z[i * k + t]));
    }
    ratio[i] = best;
  }
  const y = tf.tensor1d(labels, 'int32');
  return { f, images, x, y, labels, ratio, dispose: () => tf.dispose([wt, bt, x, y]) };
}
