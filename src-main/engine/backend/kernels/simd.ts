/**
 * The AssemblyScript SIMD kernels (./assembly/kernels.ts), instantiated once per wasm backend
 * on that backend's own linear memory, so they read and write tensors in place (no copies).
 * Pointers are byte offsets from `offsetOf`; scratch space comes from the backend's malloc.
 */
import { SIMD_KERNELS_SHARED_WASM_BASE64, SIMD_KERNELS_WASM_BASE64 } from './simd-kernels.generated.js';
import { heapMemory, type WasmBackendLike } from './wasm-kernel-utils.js';

export interface SimdKernels {
  channelSums(x: number, m: number, c: number, sum: number): void;
  centredSquares(x: number, m: number, c: number, mean: number, sq: number): void;
  gradSums(x: number, dy: number, m: number, c: number, mean: number, sums: number): void;
  channelAffine2(u: number, v: number, m: number, c: number, a: number, b: number, k: number, out: number): void;
  col2im(cols: number, dx: number, n: number, h: number, w: number, ci: number, oh: number, ow: number, kh: number, kw: number, pt: number, pl: number): void;
  reluGrad(dy: number, x: number, out: number, n: number): void;
  maximum(a: number, b: number, out: number, n: number): void;
  minimum(a: number, b: number, out: number, n: number): void;
  maxPoolGrad(
    x: number, dy: number, dx: number, n: number, h: number, w: number, c: number,
    oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, padT: number, padL: number,
  ): void;
}

/** Compiled once per heap kind: the threaded binary's heap is a shared memory (../wasm-threads.ts). */
const compiled: { plain?: WebAssembly.Module; shared?: WebAssembly.Module } = {};
const instances = new WeakMap<WasmBackendLike, SimdKernels>();

export function simdKernels(backend: WasmBackendLike): SimdKernels {
  let k = instances.get(backend);
  if (!k) {
    const memory = heapMemory(backend);
    const kind = memory.buffer instanceof SharedArrayBuffer ? 'shared' : 'plain';
    // 3 KB module: synchronous compilation is fine (and needed: kernels are synchronous).
    compiled[kind] ??= new WebAssembly.Module(Buffer.from(kind === 'shared' ? SIMD_KERNELS_SHARED_WASM_BASE64 : SIMD_KERNELS_WASM_BASE64, 'base64'));
    const instance = new WebAssembly.Instance(compiled[kind], { env: { memory } });
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
export function f32View(backend: WasmBackendLike, ptr: number, length: number): Float32Array {
  return new Float32Array(heapMemory(backend).buffer, ptr, length);
}
