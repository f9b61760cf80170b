/**
 * A kernel-level thread pool for our SIMD kernels, so that one run's convolutions use every core it was
 * given (issue 16) and not only XNNPACK's operators. It exists only with the threaded tfjs binary, whose heap
 * is a shared WebAssembly.Memory (../wasm-threads.ts): each pool worker instantiates the same SIMD module on
 * that memory; a kernel's range (output pixels, tiles of dW, rows) is cut in chunks that the calling thread
 * and the workers take in turn until none is left, and the calling thread waits for the workers to check in.
 * Every output element is reduced within one chunk in the single-threaded order, so results are bitwise those
 * of one thread.
 *
 * Dispatch is a SharedArrayBuffer and Atomics, not messages: a kernel call is synchronous (tfjs kernels are),
 * and the calling thread may block in Atomics.wait (Node allows it on the main thread too).
 */
import { Worker } from 'node:worker_threads';
import { heapMemory, type WasmBackendLike } from './wasm-kernel-utils.js';
import { simdKernels, simdModule, type SimdKernels } from './simd.js';
import { MAX_WASM_THREADS, isWasmThreadCount } from '../wasm-threads-limits.js';

/**
 * The kernels split over the pool: the convolutions, and batch norm's passes and the ReLU gradient split by
 * rows (element ranges). Batch norm split by channel (commit a6f195f, reverted) made one ResNet20 run on two
 * cores slower (1.29x against 1.56x its one-core speed): with 16 channels both threads wrote halves of every
 * 64-byte row, the same cache lines. By rows, each thread owns whole rows.
 */
export const POOLED_KERNELS = ['convGemm', 'convFilterGrad', 'channelSums', 'centredSquares', 'gradSums', 'channelAffine2', 'reluGrad'] as const;
export type PooledKernel = (typeof POOLED_KERNELS)[number];

// Control words (Int32): generation, done count, kernel index, argument count, failures, the next chunk to
// take, the chunk count, the chunk size, the range's total, then MAX_ARGS arguments.
const GEN = 0, DONE = 1, KERNEL = 2, NARGS = 3, FAILED = 4, NEXT = 5, NCHUNKS = 6, CHUNK = 7, TOTAL = 8, ARGS = 9, MAX_ARGS = 16;

/**
 * Chunks per thread: the range is cut in about this many pieces per thread, which the threads take in turn
 * (an atomic counter), so a thread that wakes late or runs slower takes fewer instead of holding the others.
 */
const CHUNKS_PER_THREAD = 8;

// Statistics words (Float64), one block per pooled kernel: calls, wall ms, then busy ms per thread (the
// calling thread first). Shared, so that each worker adds its own busy time; process-wide, as one process
// has one wasm backend.
const STATS_CALLS = 0, STATS_WALL = 1, STATS_BUSY = 2, STATS_BLOCK = STATS_BUSY + MAX_WASM_THREADS;
const stats = new Float64Array(new SharedArrayBuffer(8 * STATS_BLOCK * POOLED_KERNELS.length));

/**
 * Where the pooled kernels' time went since the last reset: `npm run bench` prints it per step, so that a run
 * on N cores shows how much of the step is split at all (the rest runs on one thread) and what splitting cost
 * (the threads' busy times against the same work on one thread), in all and per kernel.
 */
export interface KernelPoolTimes {
  calls: number;
  /** From dispatch to the last thread done, summed over calls. */
  wallMs: number;
  /** Time inside the kernels per thread: the calling thread, then each worker. */
  busyMs: number[];
}
export interface KernelPoolStats extends KernelPoolTimes {
  byKernel: Partial<Record<PooledKernel, KernelPoolTimes>>;
}

function timesOf(block: Float64Array): KernelPoolTimes {
  return { calls: block[STATS_CALLS], wallMs: block[STATS_WALL], busyMs: Array.from(block.subarray(STATS_BUSY, STATS_BUSY + poolThreads)) };
}

export function kernelPoolStats(): KernelPoolStats {
  const total: KernelPoolStats = { calls: 0, wallMs: 0, busyMs: Array.from({ length: poolThreads }, () => 0), byKernel: {} };
  POOLED_KERNELS.forEach((kernel, k) => {
    const t = timesOf(stats.subarray(k * STATS_BLOCK, (k + 1) * STATS_BLOCK));
    if (t.calls === 0) return;
    total.byKernel[kernel] = t;
    total.calls += t.calls;
    total.wallMs += t.wallMs;
    t.busyMs.forEach((b, i) => (total.busyMs[i] += b));
  });
  return total;
}

export function resetKernelPoolStats(): void {
  stats.fill(0);
}

/** Adds one call of `kernel` to the statistics: its wall time and the calling thread's busy time. */
function recordCall(kernel: PooledKernel, wallMs: number, busyMs: number): void {
  const at = POOLED_KERNELS.indexOf(kernel) * STATS_BLOCK;
  stats[at + STATS_CALLS] += 1;
  stats[at + STATS_WALL] += wallMs;
  stats[at + STATS_BUSY] += busyMs;
}

/**
 * Below this many elements per thread a row-split kernel runs on the calling thread alone: about 128 KB, a
 * few tens of microseconds of streaming, the order of waking a pool thread.
 */
export const MIN_SHARE_ELEMENTS = 32_768;

/** Rows per share of an [M, C] map below which a row-split kernel runs on one thread. */
export function minShareRows(c: number): number {
  return Math.max(1, Math.ceil(MIN_SHARE_ELEMENTS / c));
}

/**
 * The worker: instantiate, then wait for a generation, take chunks until none is left, count itself done; it
 * lives as long as the process (unref'd, like the backend it serves). Plain CommonJS.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, index, names, stats } = workerData;
const stats64 = new Float64Array(stats);
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(control);
let gen = 0;
for (;;) {
  Atomics.wait(c, ${GEN}, gen);
  gen = Atomics.load(c, ${GEN});
  const k = c[${KERNEL}], chunks = c[${NCHUNKS}], size = c[${CHUNK}], total = c[${TOTAL}];
  const args = Array.from(c.subarray(${ARGS}, ${ARGS} + c[${NARGS}]));
  const fn = exports[names[k]];
  const t0 = performance.now();
  let took = false;
  try {
    for (let i = Atomics.add(c, ${NEXT}, 1); i < chunks; i = Atomics.add(c, ${NEXT}, 1)) {
      took = true;
      fn(...args, i * size, Math.min(total, (i + 1) * size), index + 1);
    }
  } catch (e) {
    Atomics.add(c, ${FAILED}, 1);
  }
  // this worker's word only: read after DONE (an Atomics edge)
  if (took) stats64[k * ${STATS_BLOCK} + ${STATS_BUSY} + index + 1] += performance.now() - t0;
  Atomics.add(c, ${DONE}, 1);
  Atomics.notify(c, ${DONE});
}
`;

let poolThreads = 1;

/** Called by initBackend once the threaded binary started with `threads` threads (1: no pool). */
export function setKernelPoolThreads(threads: number): void {
  if (!isWasmThreadCount(threads)) {
    throw new Error(`setKernelPoolThreads: threads must be an integer from 1 to ${MAX_WASM_THREADS}, got ${JSON.stringify(threads)}`);
  }
  poolThreads = threads;
}

export interface KernelPool {
  readonly threads: number;
  /**
   * Runs `kernel(...args, from, to, slot)` over [0, total), split in chunks that are multiples of `grain`;
   * `slot` (0 .. threads-1) indexes the thread's own scratch where the kernel needs one. Where the shares would
   * be smaller than `minShare` (default: one grain) the calling thread runs it all: waking a thread costs more
   * than a small kernel. `chunksPerThread` (default CHUNKS_PER_THREAD) pieces per thread are taken in turn;
   * 1 gives each thread one contiguous share, for a kernel whose every call sweeps all of its inputs.
   */
  run(kernel: PooledKernel, args: readonly number[], total: number, grain: number, minShare?: number, chunksPerThread?: number): void;
}

class SerialPool implements KernelPool {
  readonly threads = 1;
  constructor(private readonly simd: SimdKernels) {}
  run(kernel: PooledKernel, args: readonly number[], total: number): void {
    const t0 = performance.now();
    (this.simd[kernel] as (...a: number[]) => void)(...args, 0, total, 0);
    const ms = performance.now() - t0;
    recordCall(kernel, ms, ms);
  }
}

class ThreadedPool implements KernelPool {
  private readonly c: Int32Array;
  private readonly workers: Worker[];
  private readonly serial: SerialPool;
  constructor(private readonly simd: SimdKernels, module: WebAssembly.Module, memory: WebAssembly.Memory, readonly threads: number) {
    this.serial = new SerialPool(simd);
    this.c = new Int32Array(new SharedArrayBuffer(4 * (ARGS + MAX_ARGS)));
    this.workers = Array.from({ length: threads - 1 }, (_, index) => {
      const w = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { module, memory, control: this.c.buffer, index, names: POOLED_KERNELS, stats: stats.buffer } });
      w.unref(); // a waiting pool never keeps the process alive
      w.on('error', (e: unknown) => console.error(`kernel pool worker ${index}:`, e));
      return w;
    });
  }

  run(kernel: PooledKernel, args: readonly number[], total: number, grain: number, minShare = grain, chunksPerThread = CHUNKS_PER_THREAD): void {
    if (args.length > MAX_ARGS) throw new Error(`KernelPool.run(${kernel}): ${args.length} arguments, at most ${MAX_ARGS}`);
    if (total < 2 * minShare) {
      this.serial.run(kernel, args, total);
      return;
    }
    const c = this.c;
    // chunks of whole grains, at least minShare, about chunksPerThread per thread
    const size = grain * Math.max(Math.ceil(minShare / grain), Math.ceil(total / grain / (chunksPerThread * this.threads)));
    const chunks = Math.ceil(total / size);
    c[KERNEL] = POOLED_KERNELS.indexOf(kernel);
    c[NARGS] = args.length;
    args.forEach((a, i) => (c[ARGS + i] = a));
    c[NCHUNKS] = chunks;
    c[CHUNK] = size;
    c[TOTAL] = total;
    Atomics.store(c, NEXT, 0);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, FAILED, 0);
    const t0 = performance.now();
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
    const fn = this.simd[kernel] as (...a: number[]) => void;
    let error: unknown = null;
    try {
      for (let i = Atomics.add(c, NEXT, 1); i < chunks; i = Atomics.add(c, NEXT, 1)) fn(...args, i * size, Math.min(total, (i + 1) * size), 0);
    } catch (e) {
      error = e;
      Atomics.store(c, NEXT, chunks); // the workers take no more
    }
    const busy = performance.now() - t0;
    // Every worker checks in before the next call reuses the control words (one that woke late took no chunk).
    for (let d = Atomics.load(c, DONE); d < this.workers.length; d = Atomics.load(c, DONE)) Atomics.wait(c, DONE, d);
    recordCall(kernel, performance.now() - t0, busy);
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
