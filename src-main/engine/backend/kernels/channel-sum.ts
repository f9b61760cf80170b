/**
 * Sum over every axis but the last (the bias gradient of a conv or dense layer: dy [N, H, W, C]
 * -> [C]). The stock wasm Sum first transposes the reduced axes innermost (a full copy of dy);
 * here the SIMD `channelSums` kernel reads dy once, accumulating in float64 (on the pool: ./channel-sums.ts). Other reductions
 * keep the stock kernel.
 */
import { tf } from '../../tf.js';
import { pooledChannelSums } from './channel-sums.js';
import { f32View, f64View, simdKernels, withScratch } from './simd.js';
import { asWasmBackend, offsetOf, runKernel, type TensorInfo } from './wasm-kernel-utils.js';

function sum(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs.x as TensorInfo;
  const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
  const rank = x.shape.length;
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  const leading = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
  if (!leading || x.dtype !== 'float32') return runKernel(tf.Sum, backend, { x }, { axis, keepDims });
  const c = x.shape[rank - 1];
  const m = x.shape.reduce((p, q) => p * q, 1) / c;
  const out = backend.makeOutput(keepDims ? [...x.shape.slice(0, -1).map(() => 1), c] : [c], 'float32');
  withScratch(backend, c * 8, (ptr) => {
    pooledChannelSums(backend, 'channelSums', [offsetOf(backend, x), m, c], m, c, ptr);
    f32View(backend, offsetOf(backend, out), c).set(f64View(backend, ptr, c));
  });
  return out;
}

export const sumConfig: tf.KernelConfig = {
  kernelName: tf.Sum,
  backendName: 'wasm',
  setupFunc: (backend) => void simdKernels(asWasmBackend(backend)),
  kernelFunc: sum as unknown as tf.KernelFunc,
};
