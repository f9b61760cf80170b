/**
 * Training-mode batch normalisation with batch statistics, usable on every backend:
 *
 *   y = gamma * (x - mean) / sqrt(variance + eps) + beta,  mean/variance over all axes but the
 *   last (channels last, NHWC or [B, C]); variance biased (divided by M), as PyTorch normalises.
 *
 * On wasm it runs this project's fused SIMD kernels (./kernels/batch-norm-training.ts, forward
 * and backward); elsewhere the same mathematics in tfjs ops with tfjs' automatic gradient.
 * Gradients flow to x, gamma and beta, including through uses of the returned mean/variance.
 * Models update their running statistics from `mean` and `variance` (unbiased correction is
 * the caller's: variance * M / (M - 1)).
 */
import { tf } from '../tf.js';
import { BATCH_NORM_TRAINING } from './kernels/batch-norm-training.js';

export interface BatchNormTrainingResult<R extends tf.Rank> {
  /** Same shape as x. */
  y: tf.Tensor<R>;
  /** [C] batch mean. */
  mean: tf.Tensor1D;
  /** [C] biased batch variance. */
  variance: tf.Tensor1D;
}

function checkShapes(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): void {
  const c = x.shape[x.rank - 1];
  if (x.rank < 2 || gamma.rank !== 1 || beta.rank !== 1 || gamma.shape[0] !== c || beta.shape[0] !== c) {
    throw new Error(
      `batchNormTraining: expected x [..., C] (rank >= 2) with gamma and beta [C]; got x [${x.shape}], ` +
        `gamma [${gamma.shape}], beta [${beta.shape}]`,
    );
  }
}

/** The reference formulation in tfjs ops (any backend). */
export function batchNormTrainingGeneric<R extends tf.Rank>(
  x: tf.Tensor<R>, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number,
): BatchNormTrainingResult<R> {
  checkShapes(x, gamma, beta);
  return tf.tidy(() => {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const mean = tf.mean(x, axes) as tf.Tensor1D; // [C]
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), axes) as tf.Tensor1D; // [C]
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, eps)));
    const y = tf.add(tf.mul(centred, scale), beta) as tf.Tensor<R>;
    return { y, mean, variance };
  });
}

/** Whether the fused kernel serves the active backend. */
export function hasFusedBatchNorm(): boolean {
  return tf.getKernel(BATCH_NORM_TRAINING, tf.getBackend()) !== undefined;
}

export function batchNormTraining<R extends tf.Rank>(
  x: tf.Tensor<R>, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number,
): BatchNormTrainingResult<R> {
  if (!hasFusedBatchNorm()) return batchNormTrainingGeneric(x, gamma, beta, eps);
  checkShapes(x, gamma, beta);
  if (x.dtype !== 'float32') throw new Error(`batchNormTraining: x must be float32, got ${x.dtype}`);
  const [y, mean, variance] = tf.engine().runKernel(
    BATCH_NORM_TRAINING, { x, gamma, beta } as unknown as tf.NamedTensorMap, { eps },
  ) as tf.Tensor[];
  return { y: y as tf.Tensor<R>, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}
