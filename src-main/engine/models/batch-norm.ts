/**
 * Batch normalisation with PyTorch's semantics (nn.BatchNorm2d: momentum 0.1, eps 1e-5).
 * Training mode normalises with the batch statistics (biased variance) and updates the running
 * statistics, the variance unbiased (x M/(M-1)), as a side effect; inference mode uses the
 * running statistics and changes nothing. Training mode uses the backend's fused
 * `batchNormTraining` (fast forward and backward on wasm).
 */
import { tf } from '../tf.js';
import { batchNormTraining } from '../backend/batch-norm.js';
import type { ParamStore } from './params.js';

export const BN_MOMENTUM = 0.1;
export const BN_EPSILON = 1e-5;

export interface BatchNormParams {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVariance: tf.Variable;
}

export function batchNormParams(store: ParamStore, name: string, channels: number): BatchNormParams {
  return {
    gamma: store.constant(`${name}/gamma`, [channels], 1, true),
    beta: store.constant(`${name}/beta`, [channels], 0, true),
    movingMean: store.constant(`${name}/moving_mean`, [channels], 0, false),
    movingVariance: store.constant(`${name}/moving_variance`, [channels], 1, false),
  };
}

/** x [B, H, W, C] (or [B, C]) -> same shape. */
export function batchNorm<R extends tf.Rank>(x: tf.Tensor<R>, p: BatchNormParams, training: boolean): tf.Tensor<R> {
  if (!training) {
    // y = x * scale + shift: two broadcast ops whose gradients (needed by attacks in eval mode) are cheap
    const scale = tf.mul(p.gamma, tf.rsqrt(tf.add(p.movingVariance, BN_EPSILON)));
    const shift = tf.sub(p.beta, tf.mul(p.movingMean, scale));
    return tf.add(tf.mul(x, scale), shift);
  }
  const { y, mean, variance } = batchNormTraining(x, p.gamma as tf.Tensor1D, p.beta as tf.Tensor1D, BN_EPSILON);
  const m = x.size / x.shape[x.rank - 1]; // elements per channel
  tf.tidy(() => {
    // running statistics are state: assign() is not recorded on the gradient tape
    const unbiased = tf.mul(variance, m > 1 ? m / (m - 1) : 1);
    p.movingMean.assign(tf.add(tf.mul(p.movingMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
    p.movingVariance.assign(tf.add(tf.mul(p.movingVariance, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
  });
  return y;
}
