/**
 * Training-mode batch norm as two wasm kernels on the SIMD helpers, replacing tfjs-core's
 * generic FusedBatchNorm gradient (Tile and Sum/Mean with internal transposes: Tile alone was
 * 42% of ResNet20's step). Channels last: x is [M, C] with M = N*H*W (any rank >= 2).
 *
 * Forward (Ioffe & Szegedy 2015, eq. in Alg. 1; biased variance, as PyTorch uses to normalise):
 *   mean_c = 1/M sum_r x_rc,  var_c = 1/M sum_r (x_rc - mean_c)^2        (sums in float64)
 *   y = a_c x + k_c,  a_c = gamma_c / sqrt(var_c + eps),  k_c = beta_c - a_c mean_c
 * Backward, with s = invstd, xc = x - mean, upstream gradients dy, dMean, dVar:
 *   dbeta = sum dy,  dgamma = s * sum dy*xc
 *   dx = a dy - a/M dbeta - a s^2/M xc sum(dy*xc) + dMean/M + 2 dVar/M xc
 *      = a dy + p x + q   (p, q per channel)
 */
import { tf } from '../../tf.js';
import { pooledChannelSums } from './channel-sums.js';
import { kernelPool, minShareRows } from './kernel-pool.js';
import { f32View, f64View, simdKernels, withScratch } from './simd.js';
import { asWasmBackend, offsetOf, type TensorInfo } from './wasm-kernel-utils.js';

export const BATCH_NORM_TRAINING = 'AsclBatchNormTraining';
export const BATCH_NORM_TRAINING_GRAD = 'AsclBatchNormTrainingGrad';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function rows(x: TensorInfo): [number, number] {
  if (x.shape.length < 2) throw new Error(`${BATCH_NORM_TRAINING}: x must have rank >= 2, got shape [${x.shape}]`);
  const c = x.shape[x.shape.length - 1];
  return [x.shape.reduce((p, q) => p * q, 1) / c, c];
}

function forward(args: KernelArgs): TensorInfo[] {
  const backend = asWasmBackend(args.backend);
  const { x, gamma, beta } = args.inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
  const eps = (args.attrs as { eps: number }).eps;
  const [m, c] = rows(x);
  const y = backend.makeOutput(x.shape, 'float32');
  const mean = backend.makeOutput([c], 'float32');
  const variance = backend.makeOutput([c], 'float32');
  // scratch: f64 sums [C] | f32 a [C] | f32 zeros [C] | f32 k [C]
  withScratch(backend, c * 8 + c * 12, (ptr) => {
    pooledChannelSums(backend, 'channelSums', [offsetOf(backend, x), m, c], m, c, ptr);
    const meanV = f32View(backend, offsetOf(backend, mean), c);
    const sums = f64View(backend, ptr, c);
    for (let j = 0; j < c; j++) meanV[j] = sums[j] / m;
    pooledChannelSums(backend, 'centredSquares', [offsetOf(backend, x), m, c, offsetOf(backend, mean)], m, c, ptr);
    const sq = f64View(backend, ptr, c);
    const varV = f32View(backend, offsetOf(backend, variance), c);
    const g = f32View(backend, offsetOf(backend, gamma), c);
    const b = f32View(backend, offsetOf(backend, beta), c);
    const coef = f32View(backend, ptr + c * 8, 3 * c);
    for (let j = 0; j < c; j++) {
      const v = sq[j] / m;
      varV[j] = v;
      const a = g[j] / Math.sqrt(v + eps);
      coef[j] = a;
      coef[c + j] = 0;
      coef[2 * c + j] = b[j] - a * meanV[j];
    }
    const affine = [offsetOf(backend, x), offsetOf(backend, x), m, c, ptr + c * 8, ptr + c * 12, ptr + c * 16, offsetOf(backend, y)];
    kernelPool(backend).run('channelAffine2', affine, m, 1, minShareRows(c));
  });
  return [y, mean, variance];
}

function backward(args: KernelArgs): TensorInfo[] {
  const backend = asWasmBackend(args.backend);
  const { dy, dMean, dVar, x, gamma, mean, variance } = args.inputs as Record<string, TensorInfo>;
  const eps = (args.attrs as { eps: number }).eps;
  const [m, c] = rows(x);
  const dx = backend.makeOutput(x.shape, 'float32');
  const dgamma = backend.makeOutput([c], 'float32');
  const dbeta = backend.makeOutput([c], 'float32');
  // scratch: f64 [sum dy | sum dy*xc] [2C] | f32 a [C] | f32 p [C] | f32 q [C]
  withScratch(backend, c * 16 + c * 12, (ptr) => {
    pooledChannelSums(backend, 'gradSums', [offsetOf(backend, x), offsetOf(backend, dy), m, c, offsetOf(backend, mean)], m, c, ptr);
    const sums = f64View(backend, ptr, 2 * c);
    const g = f32View(backend, offsetOf(backend, gamma), c);
    const mu = f32View(backend, offsetOf(backend, mean), c);
    const v = f32View(backend, offsetOf(backend, variance), c);
    const dm = f32View(backend, offsetOf(backend, dMean), c);
    const dv = f32View(backend, offsetOf(backend, dVar), c);
    const dg = f32View(backend, offsetOf(backend, dgamma), c);
    const db = f32View(backend, offsetOf(backend, dbeta), c);
    const coef = f32View(backend, ptr + c * 16, 3 * c);
    for (let j = 0; j < c; j++) {
      const s = 1 / Math.sqrt(v[j] + eps);
      const a = g[j] * s;
      const sumDy = sums[j];
      const sumDyXc = sums[c + j];
      db[j] = sumDy;
      dg[j] = s * sumDyXc;
      const p = (-a * s * s * sumDyXc + 2 * dv[j]) / m;
      coef[j] = a;
      coef[c + j] = p;
      coef[2 * c + j] = (-a * sumDy + dm[j]) / m - p * mu[j];
    }
    const affine = [offsetOf(backend, dy), offsetOf(backend, x), m, c, ptr + c * 16, ptr + c * 20, ptr + c * 24, offsetOf(backend, dx)];
    kernelPool(backend).run('channelAffine2', affine, m, 1, minShareRows(c));
  });
  return [dx, dgamma, dbeta];
}

const setupFunc = (backend: unknown): void => void simdKernels(asWasmBackend(backend));

export const batchNormTrainingConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_TRAINING, backendName: 'wasm', setupFunc, kernelFunc: forward as unknown as tf.KernelFunc,
};
export const batchNormTrainingGradConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_TRAINING_GRAD, backendName: 'wasm', setupFunc, kernelFunc: backward as unknown as tf.KernelFunc,
};

/** Gradient of the forward kernel (all three outputs may carry upstream gradient). */
export const batchNormTrainingGradient: tf.GradConfig = {
  kernelName: BATCH_NORM_TRAINING,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [dy, dMean, dVar] = dys as tf.Tensor[];
    const [x, gamma, mean, variance] = saved;
    const [dx, dgamma, dbeta] = tf.engine().runKernel(
      BATCH_NORM_TRAINING_GRAD, { dy, dMean, dVar, x, gamma, mean, variance } as unknown as tf.NamedTensorMap, attrs,
    ) as tf.Tensor[];
    return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
  },
};
