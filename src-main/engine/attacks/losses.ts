/**
 * Per-sample losses the attacks ascend, as differentiable tfjs ops on logits z [B, K].
 * Index choices (argmax, sort order) are made without gradient and turned into one-hot masks,
 * so the gradient reaches the selected logits exactly as PyTorch's sort/gather does.
 */
import { tf } from '../tf.js';
import { constantOf } from '../constant-of.js';
import { syncReadable } from '../read.js';

/**
 * One-hot rows as float32. Cast instead of oneHot's dtype argument: the stock wasm backend
 * ignores that argument and returns int32 bits read as float (all gradients became zero).
 */
export function oneHotFloat(y: tf.Tensor1D, k: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(y, k), 'float32') as tf.Tensor2D);
}

/** Cross-entropy per sample: logsumexp(z) - z_y.  [B] */
export function crossEntropyPerSample(z: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(tf.logSoftmax(z), oneHotFloat(y, z.shape[1])), 1)) as tf.Tensor1D);
}

/** z_t - z_y per sample (multi-targeted PGD, Gowal et al. 2019; FAB-T's linearised function).  [B] */
export function targetedLogitGap(z: tf.Tensor2D, y: tf.Tensor1D, t: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const k = z.shape[1];
    const diff = tf.sub(oneHotFloat(t, k), oneHotFloat(y, k));
    return tf.sum(tf.mul(z, diff), 1) as tf.Tensor1D;
  });
}

/**
 * One-hot masks [B, K] of the r-th largest logit of each row (r = 0 is the largest), built in JS
 * from the logits' values: sort indices carry no gradient, and tfjs has no TopK gradient.
 */
function rankMasks(z: tf.Tensor2D, ranks: number[]): tf.Tensor2D[] {
  const [b, k] = z.shape;
  // eslint-disable-next-line no-restricted-properties -- in-tape: the targeted DLR's rank masks come from the logits of the forward pass inside tf.grad (synchronous)
  const v = z.dataSync();
  const masks = ranks.map(() => new Float32Array(b * k));
  const order = new Array<number>(k);
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < k; j++) order[j] = j;
    order.sort((p, q) => v[i * k + q] - v[i * k + p] || p - q);
    ranks.forEach((r, m) => { masks[m][i * k + order[r]] = 1; });
  }
  return masks.map((m) => tf.tensor2d(m, [b, k]));
}

/**
 * rankMasks as tensor ops, for a backend without synchronous reads (webgpu in Node): tf.topk's
 * indices (decreasing, the lower index first among equal values, as the sort above) one-hot
 * encoded, as a constant of the tape (TopK has no gradient; the masks carry none).
 */
function rankMasksOps(z: tf.Tensor2D, ranks: number[]): tf.Tensor2D[] {
  const [, k] = z.shape;
  const stacked = constantOf([z], (logits) => {
    const { indices } = tf.topk(logits, Math.max(...ranks) + 1); // [B, R]
    return tf.stack(ranks.map((r) => tf.cast(tf.oneHot(tf.reshape(tf.slice(indices, [0, r], [-1, 1]), [-1]) as tf.Tensor1D, k), 'float32')));
  });
  const out = tf.unstack(stacked) as tf.Tensor2D[];
  stacked.dispose();
  return out;
}

/**
 * Targeted DLR loss of APGD-T (Croce & Hein 2020, eq. 7; auto-attack autopgd_base.py
 * dlr_loss_targeted): -(z_y - z_t) / (z_pi1 - (z_pi3 + z_pi4) / 2 + 1e-12), pi = logits sorted
 * in decreasing order. Needs K >= 4.  [B]
 */
export function targetedDlr(z: tf.Tensor2D, y: tf.Tensor1D, t: tf.Tensor1D): tf.Tensor1D {
  if (z.shape[1] < 4) throw new Error(`targetedDlr: needs at least 4 classes, got ${z.shape[1]}`);
  return tf.tidy(() => {
    const [m1, m3, m4] = syncReadable() ? rankMasks(z, [0, 2, 3]) : rankMasksOps(z, [0, 2, 3]);
    const pick = (m: tf.Tensor2D) => tf.sum(tf.mul(z, m), 1);
    const num = targetedLogitGap(z, y, t);
    const den = tf.add(tf.sub(pick(m1), tf.mul(tf.add(pick(m3), pick(m4)), 0.5)), 1e-12);
    return tf.div(num, den) as tf.Tensor1D;
  });
}

/** Margin of Square (square.py margin_and_loss): z_y - max_{j != y} z_j, computed in JS.  [B] */
export function marginFromLogits(logits: Float32Array, labels: ArrayLike<number>, k: number): Float32Array {
  const b = labels.length;
  const out = new Float32Array(b);
  for (let i = 0; i < b; i++) {
    const y = labels[i];
    let other = -Infinity;
    for (let j = 0; j < k; j++) if (j !== y && logits[i * k + j] > other) other = logits[i * k + j];
    out[i] = logits[i * k + y] - other;
  }
  return out;
}
