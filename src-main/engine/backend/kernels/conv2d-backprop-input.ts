/**
 * Conv2DBackpropInput for wasm as a forward XNNPACK convolution (the stock kernel is a plain
 * C++ loop, about 10x slower than XNNPACK's conv2d):
 *
 *   dx[n, h, w, ci] = sum_{kh, kw, co} D[n, h + pt - kh, w + pl - kw, co] * W[kh, kw, ci, co]
 *
 * where D is dy dilated by the stride (s-1 zeros between rows/columns). Substituting
 * kh' = KH-1-kh makes it a stride-1 convolution of D, padded by KH-1-pt on top, with the
 * filter rotated 180 degrees and its channels swapped ([KH, KW, CO, CI]).
 * Stride > 1 does s^2 times the needed work on the zeros; ResNet20 has two such layers.
 * Forward padding larger than the filter (never in our models) falls back to the stock kernel.
 */
import { tf } from '../../tf.js';
import { asWasmBackend, conv2dExplicit, free, runKernel, type TensorInfo, type WasmBackendLike } from './wasm-kernel-utils.js';

/** dy [N, OH, OW, C] -> [N, OH*sh, OW*sw, C] with dy at multiples of the stride, zeros elsewhere. */
function dilate(backend: WasmBackendLike, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  const [n, oh, ow, c] = dy.shape;
  const r6 = runKernel('Reshape', backend, { x: dy }, { shape: [n, oh, 1, ow, 1, c] });
  const padded = runKernel('PadV2', backend, { x: r6 }, {
    paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0,
  });
  free(backend, r6);
  const out = runKernel('Reshape', backend, { x: padded }, { shape: [n, oh * sh, ow * sw, c] });
  free(backend, padded);
  return out;
}

function conv2DBackpropInput(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad,
    attrs.dimRoundingMode, false, tf.backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w, padInfo } = info;
  const padTop = kh - 1 - padInfo.top;
  const padLeft = kw - 1 - padInfo.left;
  if (info.dataFormat !== 'channelsLast' || padTop < 0 || padLeft < 0) {
    return runKernel(tf.Conv2DBackpropInput, backend, args.inputs as Record<string, TensorInfo>, attrs as unknown as Record<string, unknown>);
  }
  const d = sh > 1 || sw > 1 ? dilate(backend, dy, sh, sw) : dy; // [N, LH, LW, CO]
  const [, lh, lw] = d.shape;
  // Output height LH + padTop + pb - (KH-1) must reach H; extra rows (from the dilation's
  // trailing zeros or a negative pb) are sliced off.
  const pb = Math.max(0, h + kh - 1 - lh - padTop);
  const pr = Math.max(0, w + kw - 1 - lw - padLeft);
  const reversed = runKernel('Reverse', backend, { x: filter }, { dims: [0, 1] });
  const rotated = runKernel('Transpose', backend, { x: reversed }, { perm: [0, 1, 3, 2] }); // [KH, KW, CO, CI]
  free(backend, reversed);
  const full = conv2dExplicit(backend, d, rotated, [padTop, pb, padLeft, pr], [1, 1], [1, 1]);
  free(backend, rotated);
  if (d !== dy) free(backend, d);
  if (full.shape[1] === h && full.shape[2] === w) return full;
  const dx = runKernel('Slice', backend, { x: full }, { begin: [0, 0, 0, 0], size: [-1, h, w, -1] });
  free(backend, full);
  return dx;
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
