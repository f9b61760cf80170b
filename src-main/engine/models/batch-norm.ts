/**
 * Batch normalisation with PyTorch's semantics (nn.BatchNorm2d: momentum 0.1, eps 1e-5) or Keras'
 * (BatchNormalization defaults of Keras 2.2.4, [29]: momentum 0.99, epsilon 1e-3).
 * Training mode normalises with the batch statistics (biased variance) and updates the running
 * statistics as a side effect, new = (1 - w) * old + w * batch with the batch weight w (PyTorch 0.1,
 * Keras 1 - 0.99 = 0.01) and the batch variance corrected by M/(M-1) (PyTorch) or
 * M/(M - (1 + epsilon)) (Keras' layer; its TensorFlow fused kernel also applies M/(M-1) to the
 * variance it returns, a further factor below 1.2e-4 at M >= 8192, the smallest M of a CIFAR
 * ResNet20 at batch 128, not reproduced). Inference mode uses the running statistics and changes
 * nothing. Training mode uses the backend's fused `batchNormTraining` (fast forward and backward on wasm).
 */
import { tf } from '../tf.js';
import { batchNormTraining } from '../backend/batch-norm.js';
import type { ParamStore } from './params.js';

export const BN_MOMENTUM = 0.1;
export const BN_EPSILON = 1e-5;

/** How a batch-norm layer normalises and updates its running statistics. */
export interface BatchNormSemantics {
  /** Weight of the batch statistics in the running-statistics update. */
  batchWeight: number;
  epsilon: number;
  /** Variance correction of the running-variance update: PyTorch M/(M-1), Keras M/(M-(1+epsilon)). */
  varianceCorrection: 'pytorch' | 'keras';
}

export const PYTORCH_BATCH_NORM: BatchNormSemantics = { batchWeight: BN_MOMENTUM, epsilon: BN_EPSILON, varianceCorrection: 'pytorch' };
/** keras.layers.BatchNormalization() defaults: momentum 0.99 (batch weight 0.01), epsilon 1e-3. */
export const KERAS_BATCH_NORM: BatchNormSemantics = { batchWeight: 1 - 0.99, epsilon: 1e-3, varianceCorrection: 'keras' };

export interface BatchNormParams {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVariance: tf.Variable;
  semantics: BatchNormSemantics;
}

export function batchNormParams(store: ParamStore, name: string, channels: number, semantics: BatchNormSemantics = PYTORCH_BATCH_NORM): BatchNormParams {
  return {
    semantics,
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
    const scale = tf.mul(p.gamma, tf.rsqrt(tf.add(p.movingVariance, p.semantics.epsilon)));
    const shift = tf.sub(p.beta, tf.mul(p.movingMean, scale));
    return tf.add(tf.mul(x, scale), shift);
  }
  const { batchWeight: w, epsilon, varianceCorrection } = p.semantics;
  const { y, mean, variance } = batchNormTraining(x, p.gamma as tf.Tensor1D, p.beta as tf.Tensor1D, epsilon);
  const m = x.size / x.shape[x.rank - 1]; // elements per channel
  const correction = m <= 1 + epsilon ? 1 : varianceCorrection === 'keras' ? m / (m - (1 + epsilon)) : m / (m - 1);
  tf.tidy(() => {
    // running statistics are state: assign() is not recorded on the gradient tape
    const corrected = tf.mul(variance, correction);
    p.movingMean.assign(tf.add(tf.mul(p.movingMean, 1 - w), tf.mul(mean, w)));
    p.movingVariance.assign(tf.add(tf.mul(p.movingVariance, 1 - w), tf.mul(corrected, w)));
  });
  return y;
}
