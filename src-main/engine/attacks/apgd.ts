/**
 * APGD (Croce & Hein 2020, Algorithm 1), L-inf, following fra31/auto-attack autopgd_base.py
 * (commit a392200) step by step:
 * - start x + eps * t / ||t||_inf, t ~ U(-1, 1)^d (every start is at distance exactly eps), clip [0, 1];
 * - step size 2 eps per point; z = P(x_k + eta sign(g)); x_{k+1} = P(x_k + a (z - x_k) + (1 - a)(x_k - x_{k-1})),
 *   a = 1 at the first iteration and 0.75 after;
 * - checkpoints every k iterations, k = 0.22 N shrinking by 0.03 N down to 0.06 N (after 22, 41, 57,
 *   70, 80, 87, 93, 99 for N = 100); at a checkpoint a point halves its step and restarts from its
 *   best-loss point when (1) the loss increased in at most rho * k of the window's steps, or (2) the
 *   step was not halved at the previous checkpoint and the best loss did not improve;
 * - the returned example is the last iterate that was misclassified (x_best_adv).
 * The first window compares the first loss with the not-yet-written last slot (zero), as the
 * reference does.
 */
import { tf } from '../tf.js';
import type { LogitsFn } from '../models/model.js';
import { projectLinf } from './pgd-core.js';
import { lossAndGrad, selectRows } from './batch-ops.js';
import { readTidy } from '../read.js';
import { iterationCheckpoints } from '../../shared/iterations.js';
import type { PassTrace } from './iteration-trace.js';

export interface ApgdOptions {
  eps: number;
  nIter: number;
  /** rho of condition 1 (0.75). */
  rho: number;
  seed: number;
  /** Per-iteration record: 1 - fooled at the checkpoints of iterationCheckpoints(nIter) (read anyway, nothing changes). */
  trace?: PassTrace;
}

export type PerSampleLoss = (z: tf.Tensor2D) => tf.Tensor1D;

export interface ApgdResult {
  /** Last misclassified iterate per point (the start point where never misclassified). */
  xBestAdv: tf.Tensor4D;
  /** 1 where the point was misclassified at some iterate. */
  fooled: Uint8Array;
}

/**
 * Step-size checkpoints of an n-iteration run (autopgd_base.py L153-155): windows of
 * k = 0.22 n iterations, each next window 0.03 n shorter, never below 0.06 n. Returns, per
 * checkpoint, the 0-based iteration after which it falls and its window length.
 */
export function apgdCheckpoints(nIter: number): Array<{ iter: number; window: number }> {
  const nIter2 = Math.max(Math.floor(0.22 * nIter), 1);
  const nIterMin = Math.max(Math.floor(0.06 * nIter), 1);
  const sizeDecr = Math.max(Math.floor(0.03 * nIter), 1);
  const out: Array<{ iter: number; window: number }> = [];
  for (let pos = 0, k = nIter2; pos + k <= nIter; k = Math.max(k - sizeDecr, nIterMin)) {
    pos += k;
    out.push({ iter: pos - 1, window: k });
  }
  return out;
}

/** One APGD run on all rows of x (the caller passes only still-robust points). */
export async function apgdSingleRun(f: LogitsFn, x: tf.Tensor4D, y: Int32Array, loss: PerSampleLoss, o: ApgdOptions): Promise<ApgdResult> {
  const b = x.shape[0];
  const checkpoints = new Map(apgdCheckpoints(o.nIter).map((c) => [c.iter, c.window]));

  let xAdv = tf.tidy(() => {
    const t = tf.randomUniform(x.shape, -1, 1, 'float32', o.seed);
    const norm = tf.add(tf.max(tf.abs(t), [1, 2, 3], true), 1e-12);
    return tf.clipByValue(tf.add(x, tf.mul(o.eps, tf.div(t, norm))), 0, 1) as tf.Tensor4D;
  });
  let xBest = tf.clone(xAdv);
  let xBestAdv = tf.clone(xAdv);
  let xAdvOld = tf.clone(xAdv);
  const first = lossAndGrad(f, loss, xAdv);
  let grad = first.grad;
  const { logits, loss: l0 } = first;
  let gradBest = tf.clone(grad);
  const read0 = await readDecisions(logits, l0, y);
  const lossBest = read0.loss;
  const fooled = read0.wrong;
  tf.dispose([logits, l0]);

  const step = new Float32Array(b).fill(2 * o.eps);
  const lossSteps = Array.from({ length: o.nIter }, () => new Float32Array(b));
  let lossBestLastCheck = Float32Array.from(lossBest);
  let reducedLastCheck = new Uint8Array(b).fill(1);
  const traceAt = new Set(o.trace ? iterationCheckpoints(o.nIter) : []);

  for (let i = 0; i < o.nIter; i++) {
    const a = i > 0 ? 0.75 : 1.0;
    const next = tf.tidy(() => {
      const eta = tf.tensor4d(step, [b, 1, 1, 1]);
      const z = projectLinf(tf.add(xAdv, tf.mul(eta, tf.sign(grad))) as tf.Tensor4D, x, o.eps);
      const momentum = tf.mul(tf.sub(xAdv, xAdvOld), 1 - a);
      return projectLinf(tf.add(tf.add(xAdv, tf.mul(tf.sub(z, xAdv), a)), momentum) as tf.Tensor4D, x, o.eps);
    });
    xAdvOld.dispose();
    xAdvOld = xAdv;
    xAdv = next;
    grad.dispose();
    const r = lossAndGrad(f, loss, xAdv);
    grad = r.grad;
    const { wrong, loss: li } = await readDecisions(r.logits, r.loss, y);
    lossSteps[i].set(li);
    const better = new Uint8Array(b);
    for (let j = 0; j < b; j++) {
      if (wrong[j]) fooled[j] = 1;
      if (li[j] > lossBest[j]) { better[j] = 1; lossBest[j] = li[j]; }
    }
    xBestAdv = swap(xBestAdv, selectRows(wrong, xAdv, xBestAdv));
    xBest = swap(xBest, selectRows(better, xAdv, xBest));
    gradBest = swap(gradBest, selectRows(better, grad, gradBest));
    tf.dispose([r.logits, r.loss]);
    if (o.trace && traceAt.has(i + 1)) o.trace(i + 1, fooled.map((v) => 1 - v));

    const k = checkpoints.get(i);
    if (k !== undefined) {
      const halve = new Uint8Array(b);
      for (let j = 0; j < b; j++) {
        let increases = 0;
        for (let c = 0; c < k; c++) {
          const prev = i - c - 1 >= 0 ? lossSteps[i - c - 1][j] : lossSteps[o.nIter - 1][j];
          if (lossSteps[i - c][j] > prev) increases++;
        }
        const oscillating = increases <= k * o.rho;
        const noImprovement = !reducedLastCheck[j] && lossBestLastCheck[j] >= lossBest[j];
        halve[j] = oscillating || noImprovement ? 1 : 0;
        if (halve[j]) step[j] /= 2;
      }
      reducedLastCheck = halve;
      lossBestLastCheck = Float32Array.from(lossBest);
      xAdv = swap(xAdv, selectRows(halve, xBest, xAdv));
      grad = swap(grad, selectRows(halve, gradBest, grad));
    }
  }
  tf.dispose([xAdv, xAdvOld, xBest, grad, gradBest]);
  return { xBestAdv, fooled };
}

function swap<T extends tf.Tensor>(old: T, next: T): T {
  if (old !== next) old.dispose();
  return next;
}

/**
 * The iteration's decisions in one read: [argmax(logits) as float32 (exact: class indices); loss]
 * [2B] -> 1 where the point is misclassified, and the per-point loss.
 */
async function readDecisions(logits: tf.Tensor2D, loss: tf.Tensor1D, y: Int32Array): Promise<{ wrong: Uint8Array; loss: Float32Array }> {
  const b = y.length;
  const v = (await readTidy(() => tf.concat([tf.cast(tf.argMax(logits, 1), 'float32'), loss]))) as Float32Array;
  const wrong = new Uint8Array(b);
  for (let j = 0; j < b; j++) wrong[j] = v[j] !== y[j] ? 1 : 0;
  return { wrong, loss: Float32Array.from(v.subarray(b, 2 * b)) };
}
