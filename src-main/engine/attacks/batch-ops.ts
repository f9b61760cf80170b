/**
 * Small batch helpers shared by the attacks: predictions, loss-and-input-gradient in one
 * forward/backward pass, per-sample masks, and the L-inf distance check.
 */
import { tf } from '../tf.js';
import type { LogitsFn } from '../models/model.js';
import { readTidy } from '../read.js';

/** argmax of the logits.  [B] */
export async function predictLabels(f: LogitsFn, x: tf.Tensor4D): Promise<Int32Array> {
  return (await readTidy(() => tf.argMax(f(x), 1))) as Int32Array;
}

/** Labels of a [B] int tensor as a JS array. */
export async function labelsOf(y: tf.Tensor1D): Promise<Int32Array> {
  return Int32Array.from(await y.data());
}

/**
 * Input gradient of sum_i loss_i(f(x)) and the logits of the same forward pass (one forward,
 * one backward). Only x is differentiated: model weights are read, never changed.
 * Returns tensors the caller owns: grad [B,H,W,C], logits [B,K], loss [B].
 */
export function lossAndGrad(
  f: LogitsFn, loss: (z: tf.Tensor2D) => tf.Tensor1D, x: tf.Tensor4D,
): { grad: tf.Tensor4D; logits: tf.Tensor2D; loss: tf.Tensor1D } {
  let logits: tf.Tensor2D | null = null;
  let perSample: tf.Tensor1D | null = null;
  const grad = tf.tidy(() => tf.grad((xa: tf.Tensor) => {
    const z = f(xa as tf.Tensor4D);
    const l = loss(z);
    // keep() lets the logits and per-sample losses outlive the gradient's tidy scope.
    logits = tf.keep(z);
    perSample = tf.keep(l);
    return tf.sum(l) as tf.Scalar;
  })(x) as tf.Tensor4D);
  if (!logits || !perSample) throw new Error('lossAndGrad: the loss function was not evaluated');
  return { grad, logits, loss: perSample };
}

/** Row-wise select: where mask[i] = 1 take a[i], else b[i]. New tensor. */
export function selectRows<T extends tf.Tensor>(mask: Uint8Array, a: T, b: T): T {
  // The mask is shaped [B, 1, ..., 1] so it broadcasts over the row (numpy-style, trailing dims).
  const shape = [mask.length, ...a.shape.slice(1).map(() => 1)];
  return tf.tidy(() => tf.where(tf.tensor(mask, shape, 'bool'), a, b) as T);
}

/** Per-sample L-inf distance ||a_i - b_i||_inf.  [B] */
export async function linfDistance(a: tf.Tensor4D, b: tf.Tensor4D): Promise<Float32Array> {
  return (await readTidy(() => tf.max(tf.abs(tf.sub(a, b)), [1, 2, 3]))) as Float32Array;
}

/** Rows idx of a 4D tensor (tf.gather on axis 0). */
export function gatherRows(x: tf.Tensor4D, idx: ArrayLike<number>): tf.Tensor4D {
  return tf.tidy(() => tf.gather(x, tf.tensor1d(Array.from(idx), 'int32')) as tf.Tensor4D);
}

export function gatherLabels(y: tf.Tensor1D, idx: ArrayLike<number>): tf.Tensor1D {
  return tf.tidy(() => tf.gather(y, tf.tensor1d(Array.from(idx), 'int32')) as tf.Tensor1D);
}

/** Indices i with flags[i] = 1. */
export function indicesOf(flags: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < flags.length; i++) if (flags[i]) out.push(i);
  return out;
}

/**
 * Host-side image buffer of a batch: attacks run on shrinking subsets of still-robust points and
 * write their results back here by row (the reference's adv[ind_to_fool[ind_curr]] = ...).
 */
export class RowBuffer {
  readonly rowSize: number;
  private constructor(readonly x: tf.Tensor4D, readonly data: Float32Array) {
    this.rowSize = x.shape[1] * x.shape[2] * x.shape[3];
  }
  /** A buffer holding a copy of x's values. */
  static async of(x: tf.Tensor4D): Promise<RowBuffer> {
    return new RowBuffer(x, Float32Array.from(await x.data()));
  }
  /** Copies rows `which` of src (a [m,...] tensor whose row r belongs to batch row idx[r]). */
  async write(src: tf.Tensor4D, idx: ArrayLike<number>, which: ArrayLike<number>): Promise<void> {
    const s = await src.data();
    const n = this.rowSize;
    for (let w = 0; w < which.length; w++) {
      const r = which[w];
      this.data.set(s.subarray(r * n, (r + 1) * n), idx[r] * n);
    }
  }
  toTensor(): tf.Tensor4D {
    return tf.tensor4d(this.data, this.x.shape);
  }
}
