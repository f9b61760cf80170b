/**
 * The units of the plain CNNs (`small-cnn`, `cnn`): a convolution or dense layer followed by ReLU,
 * optionally with batch norm between them (layer -> BN -> ReLU, PyTorch's BatchNorm2d/1d semantics,
 * see batch-norm.ts). With batch norm the layer has no bias (BN's beta takes its place, as the
 * ResNets' convolutions), so the architecture as published (no BN) keeps its weight names and
 * initialisation stream unchanged.
 */
import { tf } from '../tf.js';
import type { ParamStore } from './params.js';
import { conv2d, conv2dParams, dense, denseParams, type Conv2dParams, type DenseParams } from './layers.js';
import { batchNorm, batchNormParams, type BatchNormParams } from './batch-norm.js';

export interface ConvUnit { conv: Conv2dParams; bn: BatchNormParams | null }
export interface DenseUnit { dense: DenseParams; bn: BatchNormParams | null }

/** Weights `<name>/kernel` (+ `<name>/bias` without BN, `<name>/bn/{gamma,beta,moving_mean,moving_variance}` with it). */
export function convUnit(store: ParamStore, name: string, k: number, inC: number, outC: number, batchNormOn: boolean, pad?: number): ConvUnit {
  return {
    conv: conv2dParams(store, name, k, inC, outC, { pad, bias: !batchNormOn }),
    bn: batchNormOn ? batchNormParams(store, `${name}/bn`, outC) : null,
  };
}

export function denseUnit(store: ParamStore, name: string, inDim: number, outDim: number, batchNormOn: boolean): DenseUnit {
  return {
    dense: denseParams(store, name, inDim, outDim, !batchNormOn),
    bn: batchNormOn ? batchNormParams(store, `${name}/bn`, outDim) : null,
  };
}

/** [B, H, W, inC] -> ReLU(BN(conv(x))) [B, H', W', outC] (no BN when the unit has none). */
export function applyConvUnit(x: tf.Tensor4D, u: ConvUnit, training: boolean): tf.Tensor4D {
  const y = conv2d(x, u.conv);
  return tf.relu(u.bn ? batchNorm(y, u.bn, training) : y);
}

/** [B, inDim] -> ReLU(BN(dense(x))) [B, outDim]. */
export function applyDenseUnit(x: tf.Tensor2D, u: DenseUnit, training: boolean): tf.Tensor2D {
  const y = dense(x, u.dense);
  return tf.relu(u.bn ? batchNorm(y, u.bn, training) : y);
}
