/**
 * Conv2D for wasm, and the one place that chooses, per call, between XNNPACK's convolution (the stock
 * kernel) and our implicit GEMM (./conv-gemm.ts) for every convolution-shaped product: the forward pass,
 * the input gradient (./conv2d-backprop-input.ts) and, through `gemmFilterGradient`, the filter gradient.
 *
 * The choice, measured per shape on XNNPACK and ours in one process (`npm run bench:conv`, docs/kernels.md):
 * the filter gradient on ours (1.05-7.6x faster on two 2-vCPU Xeons: XNNPACK's formulation streams dy once per
 * output tile, ours is blocked over the pixels; with or without FMA); the forward pass and the input gradient
 * on ours where `useGemm` says (with FMA, CI a multiple of 4, CO >= 8), else on XNNPACK.
 * `ASCL_WASM_CONV=xnnpack` or `=gemm` forces one engine for every convolution (tests, benchmarks).
 */
import { tf } from '../../tf.js';
import { convGeometry, gemmConv2d, gemmFilterGrad, gemmFilterGradApplies, type ConvGeometry } from './conv-gemm.js';
import { fmaEnabled } from './simd.js';
import { asWasmBackend, explicitPad, runKernel, type TensorInfo, type WasmBackendLike } from './wasm-kernel-utils.js';

export const CONV_ENGINES = ['auto', 'gemm', 'xnnpack'] as const;
export type ConvEngine = (typeof CONV_ENGINES)[number];

function engineSetting(): ConvEngine {
  const v = process.env.ASCL_WASM_CONV ?? 'auto';
  if (!(CONV_ENGINES as readonly string[]).includes(v)) {
    throw new Error(`ASCL_WASM_CONV: '${v}' is not one of ${CONV_ENGINES.join(', ')}`);
  }
  return v as ConvEngine;
}

export type ConvPass = 'forward' | 'filter gradient';

/**
 * Whether this convolution (forward-shaped, which includes the input gradient) runs on our GEMM. In `auto`:
 * the filter gradient always (where it applies); forward-shaped ones where our tile is fed by the vector
 * packing (CI a multiple of 4) and fills its 8-channel panels (CO >= 8), with FMA: there ours measured
 * 1.1-1.9x XNNPACK on a 2-vCPU Xeon (docs/kernels.md, 2026-12-03); without FMA the two tie (0.71-1.30x),
 * and with CI = 3 or CO = 3 (the first layer) XNNPACK ties or wins, so those keep XNNPACK. The rule depends
 * only on the shape and the build, never on timings, so a run's numbers do not depend on machine load.
 */
export function useGemm(pass: ConvPass, { ci, co }: Pick<ConvGeometry, 'ci' | 'co'>): boolean {
  const setting = engineSetting();
  if (setting !== 'auto') return setting === 'gemm';
  return pass === 'filter gradient' || (fmaEnabled() && ci % 4 === 0 && ci > 0 && co >= 8);
}

/** conv(x, filter) with explicit padding [top, bottom, left, right], stride and dilation, NHWC. */
export function conv2dExplicit(
  backend: WasmBackendLike, x: TensorInfo, filter: TensorInfo,
  pads: [number, number, number, number], strides: [number, number], dilations: [number, number],
): TensorInfo {
  const g = convGeometry(x.shape, filter.shape, pads, strides, dilations);
  return useGemm('forward', g) ? gemmConv2d(backend, x, filter, g) : xnnpackConv2d(backend, x, filter, pads, strides, dilations);
}

/** The stock XNNPACK conv2d (NHWC) with explicit padding, stride and dilation. */
export function xnnpackConv2d(
  backend: WasmBackendLike, x: TensorInfo, filter: TensorInfo,
  pads: [number, number, number, number], strides: [number, number], dilations: [number, number],
): TensorInfo {
  return runKernel('Conv2D', backend, { x, filter }, {
    strides, dilations, pad: explicitPad(...pads), dataFormat: 'NHWC', dimRoundingMode: undefined,
  });
}

/** dW by our GEMM where it applies and is chosen, else null (the caller uses its XNNPACK formulation). */
export function gemmFilterGradient(backend: WasmBackendLike, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo | null {
  return gemmFilterGradApplies(g.co) && useGemm('filter gradient', g) ? gemmFilterGrad(backend, x, dy, g) : null;
}

function conv2D(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number], attrs.strides,
    attrs.dilations, attrs.pad, attrs.dimRoundingMode, false, tf.backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
  const { top, bottom, left, right } = info.padInfo;
  if (info.dataFormat === 'channelsLast' && Math.min(top, bottom, left, right) >= 0) {
    const g = convGeometry(x.shape, filter.shape, [top, bottom, left, right], [info.strideHeight, info.strideWidth], [info.dilationHeight, info.dilationWidth]);
    if (g.oh === info.outHeight && g.ow === info.outWidth && useGemm('forward', g)) return gemmConv2d(backend, x, filter, g);
  }
  return runKernel('Conv2D', backend, args.inputs as Record<string, TensorInfo>, attrs as unknown as Record<string, unknown>);
}

export const conv2DConfig: tf.KernelConfig = {
  kernelName: tf.Conv2D,
  backendName: 'wasm',
  kernelFunc: conv2D as unknown as tf.KernelFunc,
};
