/**
 * Conv2DBackpropFilter for wasm (stock tfjs-backend-wasm 4.22 registers none), as ONE forward
 * XNNPACK convolution with the batch as the reduction dimension:
 *
 *   dW[kh, kw, ci, co] = sum_{n, oh, ow} x[n, oh*s + kh - pt, ow*s + kw - pl, ci] * dy[n, oh, ow, co]
 *
 * is the convolution of x' = x^T [CI, H, W, N] ("batch" CI, "channels" N) with the filter
 * dy' [OH, OW, N, CO], stride 1, dilation = the forward stride, padding (pt, pl): its output
 * [CI, KH', KW', CO] (KH' >= KH) sliced to KH x KW and transposed to HWIO is dW.
 * Where our implicit GEMM is chosen (./conv2d.ts), it computes dW directly, blocked over the pixels
 * (./conv-gemm.ts), instead: that formulation streams dy once per output tile (memory bound).
 */
import { tf } from '../../tf.js';
import { convGeometry } from './conv-gemm.js';
import { gemmFilterGradient, xnnpackConv2d } from './conv2d.js';
import { asWasmBackend, free, runKernel, type TensorInfo } from './wasm-kernel-utils.js';

function conv2DBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad,
    attrs.dimRoundingMode, false, tf.backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') {
    throw new Error(`Conv2DBackpropFilter (wasm): dataFormat '${attrs.dataFormat}' unsupported, use NHWC`);
  }
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w } = info;
  const { outHeight: oh, outWidth: ow, padInfo } = info;
  const pads: [number, number, number, number] = [padInfo.top, padInfo.bottom, padInfo.left, padInfo.right];
  if (Math.min(...pads) >= 0) {
    const g = convGeometry(x.shape, attrs.filterShape, pads, [sh, sw], [1, 1]);
    const viaGemm = g.oh === oh && g.ow === ow ? gemmFilterGradient(backend, x, dy, g) : null;
    if (viaGemm) return viaGemm;
  }
  const xT = runKernel('Transpose', backend, { x }, { perm: [3, 1, 2, 0] }); // [CI, H, W, N]
  const dyT = runKernel('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] }); // [OH, OW, N, CO]
  // Output height is H + pt + pb - (OH-1)*sh: pb makes it exactly KH. A negative pb (forward
  // padding that dropped trailing input rows) cannot be passed: pad 0 and slice instead.
  const pb = Math.max(0, kh + (oh - 1) * sh - h - padInfo.top);
  const pr = Math.max(0, kw + (ow - 1) * sw - w - padInfo.left);
  const full = xnnpackConv2d(backend, xT, dyT, [padInfo.top, pb, padInfo.left, pr], [1, 1], [sh, sw]);
  free(backend, xT, dyT);
  let cropped = full;
  if (full.shape[1] !== kh || full.shape[2] !== kw) {
    cropped = runKernel('Slice', backend, { x: full }, { begin: [0, 0, 0, 0], size: [-1, kh, kw, -1] });
    free(backend, full);
  }
  const dW = runKernel('Transpose', backend, { x: cropped }, { perm: [1, 2, 0, 3] }); // [KH, KW, CI, CO]
  free(backend, cropped);
  return dW;
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
};
