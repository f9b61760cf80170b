/**
 * Conv2DBackpropInput for wasm as a forward XNNPACK convolution (the stock kernel is a plain
 * C++ loop, about 10x slower than XNNPACK's conv2d):
 *
 *   dx[n, h, w, ci] = sum_{kh, kw, co} D[n, h + pt - kh, w + pl - kw, co] * W[kh, kw, ci, co]
 *
 * where D is dy dilated by the stride (s-1 zeros between rows/columns). Substituting
 * kh' = KH-1-kh makes it a stride-1 convolution of D, padded by KH-1-pt on top, with the
 * filter rotated 180 degrees and its channels swapped ([KH, KW, CO, CI]).
 * Stride > 1: the sub-pixel form (./sub-pixel.ts: one conv on dy itself + depth-to-space) where
 * the input size is a multiple of the stride; otherwise the dilated form (s^2 times the work).
 * Stride 1 with CI <= 4 and CO >= 32 (small-cnn's first layer): matmul + col2im (`viaCol2im`; measured 16 vs 21 ms; a tie at CO = 16).
 * Rotated and sub-pixel filters are cached per weight (they serve every backward pass of a step).
 * Forward padding larger than the filter (never in our models) falls back to the stock kernel.
 */
import { tf } from '../../tf.js';
import { phaseTaps, subPixelFilter } from './sub-pixel.js';
import { f32View, simdKernels } from './simd.js';
import { conv2dExplicit } from './conv2d.js';
import { asWasmBackend, DerivedCache, free, offsetOf, runKernel, type TensorInfo, type WasmBackendLike } from './wasm-kernel-utils.js';

/** ResNet20 has 22 conv weights; a step's backward passes cycle through all of them. */
const filters = new DerivedCache(64);

/**
 * Stride 1 with few input channels (the first layer: CI = 3, where an XNNPACK convolution with 3
 * output channels uses 3/8 of its tiles): cols = dy [N*OH*OW, CO] @ W^T [CO, KH*KW*CI] on
 * XNNPACK's matmul, then the SIMD module's col2im gathers the KH*KW taps per pixel.
 */
function viaCol2im(backend: WasmBackendLike, dy: TensorInfo, filter: TensorInfo, info: ReturnType<typeof tf.backend_util.computeConv2DInfo>): TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co, batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, padInfo } = info;
  const wt = filters.get(backend, filter, 'col2im', () => {
    const flat = runKernel('Reshape', backend, { x: filter }, { shape: [kh * kw * ci, co] });
    const t = runKernel('Transpose', backend, { x: flat }, { perm: [1, 0] }); // [CO, KH*KW*CI]
    free(backend, flat);
    return t;
  });
  const dy2 = runKernel('Reshape', backend, { x: dy }, { shape: [n * oh * ow, co] });
  const cols = runKernel(tf.BatchMatMul, backend, { a: dy2, b: wt }, { transposeA: false, transposeB: false });
  free(backend, dy2);
  const dx = backend.makeOutput([n, h, w, ci], 'float32');
  simdKernels(backend).col2im(offsetOf(backend, cols), offsetOf(backend, dx), n, h, w, ci, oh, ow, kh, kw, padInfo.top, padInfo.left);
  free(backend, cols);
  return dx;
}

/** dx by the sub-pixel form, or null where it does not apply (sizes not multiples of the stride). */
function subPixel(
  backend: WasmBackendLike, dy: TensorInfo, filter: TensorInfo, info: ReturnType<typeof tf.backend_util.computeConv2DInfo>,
): TensorInfo | null {
  const { filterHeight: kh, filterWidth: kw, strideHeight: s, inHeight: h, inWidth: w, inChannels: ci, outChannels: co, padInfo } = info;
  if (info.strideWidth !== s || h % s !== 0 || w % s !== 0) return null;
  const th = phaseTaps(kh, s, padInfo.top);
  const tw = phaseTaps(kw, s, padInfo.left);
  if (th.lo > 0 || tw.lo > 0) return null;
  const stacked = filters.get(backend, filter, `subpixel ${s} ${padInfo.top} ${padInfo.left}`, () => {
    const out = backend.makeOutput([th.taps, tw.taps, co, s * s * ci], 'float32');
    const values = subPixelFilter(f32View(backend, offsetOf(backend, filter), kh * kw * ci * co), kh, kw, ci, co, s, th, tw);
    f32View(backend, offsetOf(backend, out), values.length).set(values);
    return out;
  });
  const [, oh, ow] = dy.shape;
  const hs = h / s;
  const ws = w / s;
  const pt = -th.lo;
  const pl = -tw.lo;
  // Output rows OH + pt + pb - T + 1 must reach H/s; extra rows are sliced off.
  const pb = Math.max(0, hs - oh - pt + th.taps - 1);
  const pr = Math.max(0, ws - ow - pl + tw.taps - 1);
  let phases = conv2dExplicit(backend, dy, stacked, [pt, pb, pl, pr], [1, 1], [1, 1]); // [N, >=H/s, >=W/s, s*s*CI]
  if (phases.shape[1] !== hs || phases.shape[2] !== ws) {
    const cropped = runKernel('Slice', backend, { x: phases }, { begin: [0, 0, 0, 0], size: [-1, hs, ws, -1] });
    free(backend, phases);
    phases = cropped;
  }
  // DepthToSpace as reshape + 5-D transpose (the stock wasm DepthToSpace is a slow scalar loop):
  // [N*H/s, W/s, s(a_h), s(a_w), CI] -> [N*H/s, s(a_h), W/s, s(a_w), CI] = [N, H, W, CI].
  const n = dy.shape[0];
  const r5 = runKernel('Reshape', backend, { x: phases }, { shape: [n * hs, ws, s, s, ci] });
  free(backend, phases);
  const t5 = runKernel('Transpose', backend, { x: r5 }, { perm: [0, 2, 1, 3, 4] });
  free(backend, r5);
  const dx = runKernel('Reshape', backend, { x: t5 }, { shape: [n, h, w, ci] });
  free(backend, t5);
  return dx;
}

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
  if (sh === 1 && sw === 1 && info.inChannels <= 4 && info.outChannels >= 32) return viaCol2im(backend, dy, filter, info);
  if (sh > 1 || sw > 1) {
    const viaSubPixel = subPixel(backend, dy, filter, info);
    if (viaSubPixel) return viaSubPixel;
  }
  const d = sh > 1 || sw > 1 ? dilate(backend, dy, sh, sw) : dy; // [N, LH, LW, CO]
  const [, lh, lw] = d.shape;
  // Output height LH + padTop + pb - (KH-1) must reach H; extra rows (from the dilation's
  // trailing zeros or a negative pb) are sliced off.
  const pb = Math.max(0, h + kh - 1 - lh - padTop);
  const pr = Math.max(0, w + kw - 1 - lw - padLeft);
  const rotated = filters.get(backend, filter, 'rotated', () => {
    const reversed = runKernel('Reverse', backend, { x: filter }, { dims: [0, 1] });
    const t = runKernel('Transpose', backend, { x: reversed }, { perm: [0, 1, 3, 2] }); // [KH, KW, CO, CI]
    free(backend, reversed);
    return t;
  });
  const full = conv2dExplicit(backend, d, rotated, [padTop, pb, padLeft, pr], [1, 1], [1, 1]);
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
