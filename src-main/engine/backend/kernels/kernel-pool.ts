/**
 * A kernel-level thread pool for our SIMD kernels, so that one run's convolutions use every core it was
 * given (issue 16) and not only XNNPACK's operators. It exists only with the threaded tfjs binary, whose heap
 * is a shared WebAssembly.Memory (../wasm-threads.ts): each pool worker instantiates the same SIMD module on
 * that memory and runs a contiguous share of a kernel's range (output pixels, or rows of dW), the calling
 * thread runs the first share, and it waits for the rest. Every output element is reduced by one thread in
 * the single-threaded order, so results are bitwise those of one thread.
 *
 * Dispatch is a SharedArrayBuffer and Atomics, not messages: a kernel call is synchronous (tfjs kernels are),
 * and the calling thread may block in Atomics.wait (Node allows it on the main thread too).
 */
import { Worker } from 'node:worker_threads';
import { heapMemory, type WasmBackendLike } from './wasm-kernel-utils.js';
import { simdKernels, simdModule, type SimdKernels } from './simd.js';

/**
 * The kernels split over the pool. Batch norm's kernels are not: split by channel (commit a6f195f, reverted)
 * they made one ResNet20 run on two cores slower (1.29x against 1.56x its one-core speed, `npm run bench`):
 * they are short, follow an XNNPACK convolution, and XNNPACK's pool thread still spins on the second core then.
 */
export const POOLED_KERNELS = ['convGemm', 'convFilterGrad'] as const;
export type PooledKernel = (typeof POOLED_KERNELS)[number];

// Control words (Int32): generation, done count, kernel index, argument count, failures, then
// MAX_ARGS arguments, then [from, to) per worker.
const GEN = 0, DONE = 1, KERNEL = 2, NARGS = 3, FAILED = 4, ARGS = 5, MAX_ARGS = 16, RANGES = ARGS + MAX_ARGS;

/**
 * The worker: instantiate, then wait for a generation, run its range, count itself done; it lives as long as
 * the process (unref'd, like the backend it serves). Plain CommonJS.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, index, names } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(control);
let gen = 0;
for (;;) {
  Atomics.wait(c, ${GEN}, gen);
  gen = Atomics.load(c, ${GEN});
  const k = c[${KERNEL}];
  const from = c[${RANGES} + 2 * index], to = c[${RANGES} + 2 * index + 1];
  if (from < to) {
    const args = Array.from(c.subarray(${ARGS}, ${ARGS} + c[${NARGS}]));
    try { exports[names[k]](...args, from, to, index + 1); } catch (e) { Atomics.add(c, ${FAILED}, 1); }
  }
  Atomics.add(c, ${DONE}, 1);
  Atomics.notify(c, ${DONE});
}
`;

let poolThreads = 1;

/** Called by initBackend once the threaded binary started with `threads` threads (1: no pool). */
export function setKernelPoolThreads(threads: number): void {
  poolThreads = threads;
}

export interface KernelPool {
  readonly threads: number;
  /**
   * Runs `kernel(...args, from, to, slot)` over [0, total), split in shares that are multiples of `grain`;
   * `slot` (0 .. threads-1) indexes the thread's own scratch where the kernel needs one.
   */
  run(kernel: PooledKernel, args: readonly number[], total: number, grain: number): void;
}

class SerialPool implements KernelPool {
  readonly threads = 1;
  constructor(private readonly simd: SimdKernels) {}
  run(kernel: PooledKernel, args: readonly number[], total: number): void {
    (this.simd[kernel] as (...a: number[]) => void)(...args, 0, total, 0);
  }
}

class ThreadedPool implements KernelPool {
  private readonly c: Int32Array;
  private readonly workers: Worker[];
  constructor(private readonly simd: SimdKernels, module: WebAssembly.Module, memory: WebAssembly.Memory, readonly threads: number) {
    this.c = new Int32Array(new SharedArrayBuffer(4 * (RANGES + 2 * threads)));
    this.workers = Array.from({ length: threads - 1 }, (_, index) => {
      const w = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { module, memory, control: this.c.buffer, index, names: POOLED_KERNELS } });
      w.unref(); // a waiting pool never keeps the process alive
      w.on('error', (e: unknown) => console.error(`kernel pool worker ${index}:`, e));
      return w;
    });
  }

  run(kernel: PooledKernel, args: readonly number[], total: number, grain: number): void {
    if (args.length > MAX_ARGS) throw new Error(`KernelPool.run(${kernel}): ${args.length} arguments, at most ${MAX_ARGS}`);
    const c = this.c;
    const units = Math.ceil(total / grain);
    const share = Math.ceil(units / this.threads);
    const range = (i: number): [number, number] => [Math.min(total, i * share * grain), Math.min(total, (i + 1) * share * grain)];
    c[KERNEL] = POOLED_KERNELS.indexOf(kernel);
    c[NARGS] = args.length;
    args.forEach((a, i) => (c[ARGS + i] = a));
    for (let w = 0; w < this.workers.length; w++) [c[RANGES + 2 * w], c[RANGES + 2 * w + 1]] = range(w + 1);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, FAILED, 0);
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
    const [from, to] = range(0);
    let error: unknown = null;
    try {
      if (from < to) (this.simd[kernel] as (...a: number[]) => void)(...args, from, to, 0);
    } catch (e) {
      error = e;
    }
    for (let d = Atomics.load(c, DONE); d < this.workers.length; d = Atomics.load(c, DONE)) Atomics.wait(c, DONE, d);
    if (error) throw error;
    const failed = Atomics.load(c, FAILED);
    if (failed > 0) throw new Error(`KernelPool.run(${kernel}): ${failed} of ${this.workers.length} pool workers trapped (args ${args.join(',')})`);
  }
}

const pools = new WeakMap<WasmBackendLike, KernelPool>();

export function kernelPool(backend: WasmBackendLike): KernelPool {
  let pool = pools.get(backend);
  if (!pool) {
    const memory = heapMemory(backend);
    const simd = simdKernels(backend);
    pool = poolThreads > 1 && memory.buffer instanceof SharedArrayBuffer
      ? new ThreadedPool(simd, simdModule(backend), memory, poolThreads)
      : new SerialPool(simd);
    pools.set(backend, pool);
  }
  return pool;
}
