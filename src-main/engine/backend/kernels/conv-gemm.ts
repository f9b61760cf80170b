/**
 * Convolutions on the SIMD module's implicit GEMM (./assembly/conv-gemm.ts, ./assembly/conv-filter-grad.ts):
 * x is padded once, an offset table maps each filter tap (kh, kw, ci) to an element offset in the padded
 * input, and a 4-pixel x 8-channel register tile reduces over the taps (forward) or over the pixels
 * (filter gradient), with fused multiply-adds where relaxed SIMD is on (./simd.ts).
 *
 * Why: XNNPACK in tfjs-backend-wasm 4.22 has no relaxed-SIMD build (a multiply then an add per lane), and
 * its filter gradient, as a forward convolution with the batch as the reduction, streams all of dy once
 * per output tile (memory bound; docs/kernels.md). Which pass runs on which engine: ./conv2d.ts.
 */
import { kernelPool } from './kernel-pool.js';
import { f32View, i32View, simdKernels, withScratch } from './simd.js';
import { free, offsetOf, type TensorInfo, type WasmBackendLike } from './wasm-kernel-utils.js';

/** A convolution's shapes with explicit padding: x [N, H, W, CI], filter [KH, KW, CI, CO], dy [N, OH, OW, CO]. */
export interface ConvGeometry {
  n: number; h: number; w: number; ci: number;
  kh: number; kw: number; co: number;
  pads: [number, number, number, number]; // top, bottom, left, right
  strides: [number, number];
  dilations: [number, number];
  oh: number; ow: number;
}

export function convGeometry(
  xShape: readonly number[], filterShape: readonly number[],
  pads: [number, number, number, number], strides: [number, number], dilations: [number, number],
): ConvGeometry {
  const [n, h, w, ci] = xShape;
  const [kh, kw, fci, co] = filterShape;
  if (fci !== ci) throw new Error(`convGeometry: filter [${filterShape}] has ${fci} input channels, x [${xShape}] has ${ci}`);
  if (pads.some((p) => p < 0 || !Number.isInteger(p))) throw new Error(`convGeometry: pads [${pads}] must be integers >= 0`);
  const [pt, pb, pl, pr] = pads;
  const oh = Math.floor((h + pt + pb - dilations[0] * (kh - 1) - 1) / strides[0]) + 1;
  const ow = Math.floor((w + pl + pr - dilations[1] * (kw - 1) - 1) / strides[1]) + 1;
  if (oh < 1 || ow < 1) throw new Error(`convGeometry: x [${xShape}] with pads [${pads}] is smaller than the filter [${filterShape}]`);
  return { n, h, w, ci, kh, kw, co, pads, strides, dilations, oh, ow };
}

/** Padded input sizes. */
function paddedSize(g: ConvGeometry): { hp: number; wp: number } {
  return { hp: g.h + g.pads[0] + g.pads[1], wp: g.w + g.pads[2] + g.pads[3] };
}

/** x itself where no padding is needed, else a padded copy (a new tensor, the caller frees it). */
function padded(backend: WasmBackendLike, x: TensorInfo, g: ConvGeometry): TensorInfo {
  if (g.pads.every((p) => p === 0)) return x;
  const { hp, wp } = paddedSize(g);
  const out = backend.makeOutput([g.n, hp, wp, g.ci], 'float32');
  simdKernels(backend).padNHWC(offsetOf(backend, x), offsetOf(backend, out), g.n, g.h, g.w, g.ci, ...g.pads);
  return out;
}

/** off[k] for k = (kh, kw, ci) in HWIO order, zero past K up to `length`. */
function offsetTable(g: ConvGeometry, length: number): Int32Array {
  const { wp } = paddedSize(g);
  const off = new Int32Array(length);
  let k = 0;
  for (let i = 0; i < g.kh; i++) {
    for (let j = 0; j < g.kw; j++) {
      const tap = (i * g.dilations[0] * wp + j * g.dilations[1]) * g.ci;
      for (let c = 0; c < g.ci; c++) off[k++] = tap + c;
    }
  }
  return off;
}

/** out [N, OH, OW, CO] = conv(x, filter) with explicit padding, stride and dilation. */
export function gemmConv2d(backend: WasmBackendLike, x: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const k = g.kh * g.kw * g.ci;
  const panelFloats = Math.ceil(g.co / 8) * k * 8;
  const out = backend.makeOutput([g.n, g.oh, g.ow, g.co], 'float32');
  const xp = padded(backend, x, g);
  const { hp, wp } = paddedSize(g);
  const pool = kernelPool(backend);
  withScratch(backend, 4 * (k + panelFloats) + 16 * k * pool.threads, (scratch) => {
    const offPtr = scratch;
    const panelsPtr = scratch + 4 * k;
    const packPtr = panelsPtr + 4 * panelFloats; // [threads][K][4]
    i32View(backend, offPtr, k).set(offsetTable(g, k));
    const simd = simdKernels(backend);
    simd.packPanels(offsetOf(backend, filter), k, g.co, panelsPtr);
    const m = g.n * g.oh * g.ow;
    const args = [offsetOf(backend, xp), offPtr, k, panelsPtr, offsetOf(backend, out), packPtr, g.oh, g.ow, g.co, hp, wp, g.ci, g.strides[0], g.strides[1]];
    pool.run('convGemm', args, m, 4);
  });
  if (xp !== x) free(backend, xp);
  return out;
}

/** The filter gradient needs whole 8-channel panels of dy. */
export function gemmFilterGradApplies(co: number): boolean {
  return co % 8 === 0;
}

/** dW [KH, KW, CI, CO] = sum over pixels of x patches (outer) dy: the filter gradient (stride s, dilation 1). */
export function gemmFilterGrad(backend: WasmBackendLike, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  if (!gemmFilterGradApplies(g.co)) throw new Error(`gemmFilterGrad: CO = ${g.co} is not a multiple of 8`);
  const k = g.kh * g.kw * g.ci;
  const k4 = Math.ceil(k / 4) * 4;
  const dW = backend.makeOutput([g.kh, g.kw, g.ci, g.co], 'float32');
  const xp = padded(backend, x, g);
  const { hp, wp } = paddedSize(g);
  withScratch(backend, 4 * (k4 + k4 * g.co), (scratch) => {
    const offPtr = scratch;
    const accPtr = scratch + 4 * k4;
    i32View(backend, offPtr, k4).set(offsetTable(g, k4));
    f32View(backend, accPtr, k4 * g.co).fill(0);
    const args = [offsetOf(backend, xp), offPtr, offsetOf(backend, dy), accPtr, g.n, g.oh, g.ow, g.co, hp, wp, g.ci, g.strides[0], g.strides[1]];
    // one share per thread: each call sweeps all pixels of x and dy once (more calls, more sweeps)
    kernelPool(backend).run('convFilterGrad', args, k4 / 4, 1, 1, 1);
    f32View(backend, offsetOf(backend, dW), k * g.co).set(f32View(backend, accPtr, k * g.co));
  });
  if (xp !== x) free(backend, xp);
  return dW;
}
