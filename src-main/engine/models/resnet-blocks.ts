/**
 * Residual blocks of the CIFAR ResNets (He et al. 2016), as in the authors' `resnet.py`
 * (kuangliu/pytorch-cifar layout): convolutions without bias, each followed by batch norm;
 * projection shortcut (1x1 conv with the block's stride + batch norm, "option B") where the
 * shape changes, identity otherwise.
 */
import { tf } from '../tf.js';
import type { ParamStore } from './params.js';
import { conv2d, conv2dParams, type Conv2dParams } from './layers.js';
import { batchNorm, batchNormParams, type BatchNormParams } from './batch-norm.js';

interface ConvBn { conv: Conv2dParams; bn: BatchNormParams }

function convBn(store: ParamStore, name: string, k: number, inC: number, outC: number, stride: number): ConvBn {
  return { conv: conv2dParams(store, `${name}/conv`, k, inC, outC, { stride, bias: false }), bn: batchNormParams(store, `${name}/bn`, outC) };
}

function applyConvBn(x: tf.Tensor4D, p: ConvBn, training: boolean): tf.Tensor4D {
  return batchNorm(conv2d(x, p.conv), p.bn, training);
}

export interface ResidualBlock { convs: ConvBn[]; shortcut: ConvBn | null; outChannels: number }

/** BasicBlock: 3x3 (stride s) -> BN -> ReLU -> 3x3 -> BN, + shortcut, ReLU. */
export function basicBlock(store: ParamStore, name: string, inC: number, planes: number, stride: number): ResidualBlock {
  return {
    convs: [convBn(store, `${name}/1`, 3, inC, planes, stride), convBn(store, `${name}/2`, 3, planes, planes, 1)],
    shortcut: stride !== 1 || inC !== planes ? convBn(store, `${name}/shortcut`, 1, inC, planes, stride) : null,
    outChannels: planes,
  };
}

/** Bottleneck (expansion 4): 1x1 -> BN -> ReLU -> 3x3 (stride s) -> BN -> ReLU -> 1x1 -> BN, + shortcut, ReLU. */
export function bottleneckBlock(store: ParamStore, name: string, inC: number, planes: number, stride: number): ResidualBlock {
  const out = planes * 4;
  return {
    convs: [
      convBn(store, `${name}/1`, 1, inC, planes, 1),
      convBn(store, `${name}/2`, 3, planes, planes, stride),
      convBn(store, `${name}/3`, 1, planes, out, 1),
    ],
    shortcut: stride !== 1 || inC !== out ? convBn(store, `${name}/shortcut`, 1, inC, out, stride) : null,
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
export function makeStages(store: ParamStore, kind: 'basic' | 'bottleneck', stem: number, planes: number[], counts: number[]): ResidualBlock[] {
  const blocks: ResidualBlock[] = [];
  let inC = stem;
  planes.forEach((p, s) => {
    for (let i = 0; i < counts[s]; i++) {
      const stride = i === 0 && s > 0 ? 2 : 1;
      const b = (kind === 'basic' ? basicBlock : bottleneckBlock)(store, `layer${s + 1}.${i}`, inC, p, stride);
      blocks.push(b);
      inC = b.outChannels;
    }
  });
  return blocks;
}

export { convBn, applyConvBn, type ConvBn };
