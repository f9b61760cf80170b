/**
 * Building blocks for the models, as raw tfjs ops on variables (no tfjs-layers): convolution,
 * dense, batch norm with explicit training/inference mode, the projection heads of
 * supplementary 8.1. Initialisation follows PyTorch's defaults (kaiming_uniform with a = sqrt(5),
 * i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases; batch norm gamma 1, beta 0),
 * so that models start as the authors' PyTorch models do; `init: 'he-normal'` gives Keras' he_normal
 * kernels and zero biases instead ([29]'s resnet_v1, see models/params.ts).
 */
import { tf } from '../tf.js';
import type { ProjectionHead } from '../../shared/options.js';
import type { ParamStore } from './params.js';
import type { ModelOutput } from './model.js';

/** `pytorch`: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) weights and biases; `he-normal`: Keras he_normal kernel, zero bias. */
export type LayerInit = 'pytorch' | 'he-normal';

/** pad: PyTorch-style symmetric zero padding, or 'same' (TensorFlow/Keras: extra row/column at the bottom/right). */
export interface Conv2dParams { kernel: tf.Variable; bias: tf.Variable | null; stride: number; pad: number | 'same' }
export interface DenseParams { kernel: tf.Variable; bias: tf.Variable | null }

/** kernel [k, k, inC, outC] (tfjs layout); `pad` is PyTorch-style symmetric zero padding. */
export function conv2dParams(store: ParamStore, name: string, k: number, inC: number, outC: number,
  opts: { stride?: number; pad?: number | 'same'; bias?: boolean; init?: LayerInit } = {}): Conv2dParams {
  const fanIn = inC * k * k;
  const bound = 1 / Math.sqrt(fanIn);
  const he = opts.init === 'he-normal';
  const kernel = he ? store.heNormal(`${name}/kernel`, [k, k, inC, outC], fanIn) : store.uniform(`${name}/kernel`, [k, k, inC, outC], bound);
  const bias = opts.bias === false ? null : he ? store.constant(`${name}/bias`, [outC], 0, true) : store.uniform(`${name}/bias`, [outC], bound);
  return { kernel, bias, stride: opts.stride ?? 1, pad: opts.pad ?? Math.floor(k / 2) };
}

/** [B, H, W, inC] -> [B, H', W', outC] */
export function conv2d(x: tf.Tensor4D, p: Conv2dParams): tf.Tensor4D {
  const y = tf.conv2d(x, p.kernel as tf.Tensor4D, p.stride, p.pad === 0 ? 'valid' : p.pad);
  return p.bias ? tf.add(y, p.bias) : y;
}

/** kernel [inDim, outDim] */
export function denseParams(store: ParamStore, name: string, inDim: number, outDim: number, bias = true, init: LayerInit = 'pytorch'): DenseParams {
  if (init === 'he-normal') {
    return { kernel: store.heNormal(`${name}/kernel`, [inDim, outDim], inDim), bias: bias ? store.constant(`${name}/bias`, [outDim], 0, true) : null };
  }
  const bound = 1 / Math.sqrt(inDim);
  return {
    kernel: store.uniform(`${name}/kernel`, [inDim, outDim], bound),
    bias: bias ? store.uniform(`${name}/bias`, [outDim], bound) : null,
  };
}

/** [B, inDim] -> [B, outDim] */
export function dense(x: tf.Tensor2D, p: DenseParams): tf.Tensor2D {
  const y: tf.Tensor2D = tf.matMul(x, p.kernel);
  return p.bias ? tf.add(y, p.bias) : y;
}

/** 2x2 max pooling, stride 2 ('valid', floor like PyTorch's MaxPool2d(2)). */
export function maxPool2(x: tf.Tensor4D): tf.Tensor4D {
  return tf.maxPool(x, 2, 2, 'valid');
}

/** [B, H, W, C] -> [B, H*W*C] in NHWC order (Keras' channels_last Flatten). */
export function flatten(x: tf.Tensor4D): tf.Tensor2D {
  return tf.reshape(x, [x.shape[0], -1]);
}

export interface ProjectionParams { kind: Exclude<ProjectionHead, 'none'>; first: DenseParams; second: DenseParams | null }

/**
 * Supplementary 8.1: p1 = one linear layer to 128 (with bias, as nn.Linear); p2 = linear to 200,
 * ReLU, linear to 128, both without bias ("two fully connected layers without bias").
 */
export function projectionParams(store: ParamStore, head: ProjectionHead, latentDim: number): ProjectionParams | null {
  switch (head) {
    case 'none': return null;
    case 'p1': return { kind: 'p1', first: denseParams(store, 'proj1', latentDim, 128, true), second: null };
    case 'p2': return {
      kind: 'p2',
      first: denseParams(store, 'proj1', latentDim, 200, false),
      second: denseParams(store, 'proj2', 200, 128, false),
    };
  }
}

/** latent [B, D] -> [B, 128], or null without a head. */
export function project(latent: tf.Tensor2D, p: ProjectionParams | null): tf.Tensor2D | null {
  if (p === null) return null;
  const h = dense(latent, p.first);
  return p.second ? dense(tf.relu(h), p.second) : h;
}

/** tf.tidy for a forward pass: keeps logits, latent and projection, disposes every intermediate. */
export function tidyOutput(fn: () => ModelOutput): ModelOutput {
  const kept = tf.tidy(() => {
    const o = fn();
    return o.projection ? [o.logits, o.latent, o.projection] : [o.logits, o.latent];
  });
  return { logits: kept[0], latent: kept[1], projection: kept[2] ?? null };
}
