/**
 * The AssemblyScript SIMD kernels (./assembly/kernels.ts), instantiated once per wasm backend
 * on that backend's own linear memory, so they read and write tensors in place (no copies).
 * Pointers are byte offsets from `offsetOf`; scratch space comes from the backend's malloc.
 */
import v8 from 'node:v8';
import type { SimdVariant } from './build.js';
import { SIMD_KERNELS_BASE64 } from './simd-kernels.generated.js';
import { heapMemory, type WasmBackendLike } from './wasm-kernel-utils.js';

export interface SimdKernels {
  // pooled (./kernel-pool.ts): the last three arguments are the range [from, to) and the thread's slot
  channelSums(x: number, m: number, c: number, partials: number, chunkRows: number, ch0: number, ch1: number, slot: number): void;
  centredSquares(x: number, m: number, c: number, mean: number, partials: number, chunkRows: number, ch0: number, ch1: number, slot: number): void;
  gradSums(x: number, dy: number, m: number, c: number, mean: number, partials: number, chunkRows: number, ch0: number, ch1: number, slot: number): void;
  channelAffine2(u: number, v: number, m: number, c: number, a: number, b: number, k: number, out: number, r0: number, r1: number, slot: number): void;
  col2im(cols: number, dx: number, n: number, h: number, w: number, ci: number, oh: number, ow: number, kh: number, kw: number, pt: number, pl: number): void;
  reluGrad(dy: number, x: number, out: number, n: number, i0: number, i1: number, slot: number): void;
  maximum(a: number, b: number, out: number, n: number): void;
  minimum(a: number, b: number, out: number, n: number): void;
  maxPoolGrad(
    x: number, dy: number, dx: number, n: number, h: number, w: number, c: number,
    oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, padT: number, padL: number,
  ): void;
  // ./assembly/conv-gemm.ts, ./assembly/conv-filter-grad.ts (used through ./conv-gemm.ts and ./kernel-pool.ts)
  packPanels(w: number, k: number, co: number, out: number): void;
  padNHWC(x: number, out: number, n: number, h: number, w: number, c: number, pt: number, pb: number, pl: number, pr: number): void;
  convGemm(
    x: number, off: number, k: number, panels: number, out: number, pack: number,
    oh: number, ow: number, co: number, hp: number, wp: number, ci: number, sh: number, sw: number, m0: number, m1: number, slot: number,
  ): void;
  convFilterGrad(
    x: number, off: number, dy: number, acc: number,
    n: number, oh: number, ow: number, co: number, hp: number, wp: number, ci: number, sh: number, sw: number, t0: number, t1: number, slot: number,
  ): void;
}

/**
 * Relaxed SIMD (the fused multiply-add of ./assembly/fma.ts): on by default in Node 22 and Electron, behind
 * `--experimental-wasm-relaxed-simd` in Node 20's V8, which `v8.setFlagsFromString` turns on before the
 * module is compiled (it holds for the whole process, worker threads included; NODE_OPTIONS refuses the flag).
 * `ASCL_WASM_FMA=0` keeps the plain-SIMD build (for comparison). Decided once per process.
 */
let fma: boolean | undefined;
export function fmaEnabled(): boolean {
  if (fma === undefined) {
    const probe = Buffer.from(SIMD_KERNELS_BASE64['plain-fma'], 'base64');
    if (process.env.ASCL_WASM_FMA === '0') fma = false;
    else {
      if (!WebAssembly.validate(probe)) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      fma = WebAssembly.validate(probe);
    }
  }
  return fma;
}

/** The build for this backend's heap, with FMA where enabled. */
export function simdVariant(backend: WasmBackendLike): SimdVariant {
  const heap = heapMemory(backend).buffer instanceof SharedArrayBuffer ? 'shared' : 'plain';
  return fmaEnabled() ? `${heap}-fma` : heap;
}

/** Compiled once per heap kind: the threaded binary's heap is a shared memory (../wasm-threads.ts). */
const compiled: Partial<Record<SimdVariant, WebAssembly.Module>> = {};
const instances = new WeakMap<WasmBackendLike, SimdKernels>();

/** The compiled module for this backend (also instantiated by ./kernel-pool.ts's workers on the same heap). */
export function simdModule(backend: WasmBackendLike): WebAssembly.Module {
  const variant = simdVariant(backend);
  // 6 KB module: synchronous compilation is fine (and needed: kernels are synchronous).
  return (compiled[variant] ??= new WebAssembly.Module(Buffer.from(SIMD_KERNELS_BASE64[variant], 'base64')));
}

export function simdKernels(backend: WasmBackendLike): SimdKernels {
  let k = instances.get(backend);
  if (!k) {
    const instance = new WebAssembly.Instance(simdModule(backend), { env: { memory: heapMemory(backend) } });
    k = instance.exports as unknown as SimdKernels;
    instances.set(backend, k);
  }
  return k;
}

/**
 * Scratch memory on the wasm heap for the duration of `fn` (per-channel float64 sums and
 * float32 coefficients). Views into the heap are taken inside `fn`, after any allocation.
 */
export function withScratch<T>(backend: WasmBackendLike, bytes: number, fn: (ptr: number) => T): T {
  const ptr = backend.wasm._malloc(bytes) >>> 0;
  if (ptr === 0) throw new Error(`withScratch: wasm malloc of ${bytes} bytes failed`);
  try {
    return fn(ptr);
  } finally {
    backend.wasm._free(ptr);
  }
}

/** A fresh Float64Array / Float32Array view of the heap (never keep one across an allocation). */
export function f64View(backend: WasmBackendLike, ptr: number, length: number): Float64Array {
  return new Float64Array(heapMemory(backend).buffer, ptr, length);
}
export function i32View(backend: WasmBackendLike, ptr: number, length: number): Int32Array {
  return new Int32Array(heapMemory(backend).buffer, ptr, length);
}
export function f32View(backend: WasmBackendLike, ptr: number, length: number): Float32Array {
  return new Float32Array(heapMemory(backend).buffer, ptr, length);
}
