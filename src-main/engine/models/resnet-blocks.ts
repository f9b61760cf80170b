/**
 * Residual blocks of the CIFAR ResNets (He et al. 2016) in two settings (RESNET_SETTINGS):
 * - `pytorch`: the authors' `resnet.py` (kuangliu/pytorch-cifar layout): convolutions without bias,
 *   PyTorch init and batch norm; projection shortcut = 1x1 conv (block's stride) + batch norm.
 * - `pang2019`: [29]'s Keras `resnet_v1` (model.py, `resnet_layer`): convolutions with bias, he_normal
 *   kernels, zero biases, 'same' padding (TensorFlow: a stride-2 3x3 conv pads one row/column at the
 *   bottom/right only), Keras batch norm (momentum 0.99, epsilon 1e-3); projection shortcut = 1x1 conv
 *   with the block's stride and NO batch norm (`batch_normalization=False`); every conv kernel under
 *   L2 1e-4 (`kernel_regularizer=l2(1e-4)`, see resnet.ts).
 * Identity shortcuts otherwise, in both.
 */
import { tf } from '../tf.js';
import type { ResnetSetting } from '../../shared/options.js';
import type { ParamStore } from './params.js';
import { conv2d, conv2dParams, type Conv2dParams } from './layers.js';
import { batchNorm, batchNormParams, KERAS_BATCH_NORM, PYTORCH_BATCH_NORM, type BatchNormParams } from './batch-norm.js';

/** A convolution and its batch norm (null: [29]'s shortcut convolution has none). */
interface ConvBn { conv: Conv2dParams; bn: BatchNormParams | null }

function convBn(store: ParamStore, setting: ResnetSetting, name: string, k: number, inC: number, outC: number, stride: number, withBn = true): ConvBn {
  const keras = setting === 'pang2019';
  const conv = conv2dParams(store, `${name}/conv`, k, inC, outC, keras ? { stride, bias: true, pad: 'same', init: 'he-normal' } : { stride, bias: false });
  return { conv, bn: withBn ? batchNormParams(store, `${name}/bn`, outC, keras ? KERAS_BATCH_NORM : PYTORCH_BATCH_NORM) : null };
}

function applyConvBn(x: tf.Tensor4D, p: ConvBn, training: boolean): tf.Tensor4D {
  const y = conv2d(x, p.conv);
  return p.bn ? batchNorm(y, p.bn, training) : y;
}

export interface ResidualBlock { convs: ConvBn[]; shortcut: ConvBn | null; outChannels: number }

function shortcutOf(store: ParamStore, setting: ResnetSetting, name: string, inC: number, outC: number, stride: number): ConvBn | null {
  if (stride === 1 && inC === outC) return null;
  return convBn(store, setting, `${name}/shortcut`, 1, inC, outC, stride, setting === 'pytorch');
}

/** BasicBlock: 3x3 (stride s) -> BN -> ReLU -> 3x3 -> BN, + shortcut, ReLU. */
export function basicBlock(store: ParamStore, setting: ResnetSetting, name: string, inC: number, planes: number, stride: number): ResidualBlock {
  return {
    convs: [convBn(store, setting, `${name}/1`, 3, inC, planes, stride), convBn(store, setting, `${name}/2`, 3, planes, planes, 1)],
    shortcut: shortcutOf(store, setting, name, inC, planes, stride),
    outChannels: planes,
  };
}

/** Bottleneck (expansion 4): 1x1 -> BN -> ReLU -> 3x3 (stride s) -> BN -> ReLU -> 1x1 -> BN, + shortcut, ReLU. */
export function bottleneckBlock(store: ParamStore, setting: ResnetSetting, name: string, inC: number, planes: number, stride: number): ResidualBlock {
  const out = planes * 4;
  return {
    convs: [
      convBn(store, setting, `${name}/1`, 1, inC, planes, 1),
      convBn(store, setting, `${name}/2`, 3, planes, planes, stride),
      convBn(store, setting, `${name}/3`, 1, planes, out, 1),
    ],
    shortcut: shortcutOf(store, setting, name, inC, out, stride),
    outChannels: out,
  };
}

/** [B, H, W, inC] -> [B, H/s, W/s, outC] */
export function applyBlock(x: tf.Tensor4D, b: ResidualBlock, training: boolean): tf.Tensor4D {
  let y: tf.Tensor4D = x;
  for (let i = 0; i < b.convs.length; i++) {
    y = applyConvBn(y, b.convs[i], training);
    if (i < b.convs.length - 1) y = tf.relu(y);
  }
  const skip = b.shortcut ? applyConvBn(x, b.shortcut, training) : x;
  return tf.relu(tf.add<tf.Tensor4D>(y, skip));
}

/** Stages of blocks; the first block of each stage carries the stride. */
export function makeStages(store: ParamStore, setting: ResnetSetting, kind: 'basic' | 'bottleneck', stem: number, planes: number[], counts: number[]): ResidualBlock[] {
  const blocks: ResidualBlock[] = [];
  let inC = stem;
  planes.forEach((p, s) => {
    for (let i = 0; i < counts[s]; i++) {
      const stride = i === 0 && s > 0 ? 2 : 1;
      const b = (kind === 'basic' ? basicBlock : bottleneckBlock)(store, setting, `layer${s + 1}.${i}`, inC, p, stride);
      blocks.push(b);
      inC = b.outChannels;
    }
  });
  return blocks;
}

/** Every convolution kernel of the blocks (the variables [29]'s l2(1e-4) regularises). */
export function convKernels(blocks: ResidualBlock[]): tf.Variable[] {
  return blocks.flatMap((b) => [...b.convs, ...(b.shortcut ? [b.shortcut] : [])].map((c) => c.conv.kernel));
}

export { convBn, applyConvBn, type ConvBn };
