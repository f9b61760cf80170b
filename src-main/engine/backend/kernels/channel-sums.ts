/**
 * Per-channel sums over the rows of a channels-last [M, C] map on the kernel pool (batch norm's statistics and
 * gradient sums, the bias gradient).
 *
 * The sums run in SUM_CHUNKS fixed chunks of rows, each into its own float64 partial, added here in chunk
 * order: the chunks depend only on M, never on the thread count, so one thread and N give bitwise the same
 * sums (test/backend/wasm-threads.test.ts), and the float64 partials are no less exact than one running sum.
 */
import { kernelPool, minShareRows } from './kernel-pool.js';
import { f64View, withScratch } from './simd.js';
import type { WasmBackendLike } from './wasm-kernel-utils.js';

/** 24 chunks: an even split over 1, 2, 3, 4, 6 and 8 threads. */
export const SUM_CHUNKS = 24;

type ChunkedSumKernel = 'channelSums' | 'centredSquares' | 'gradSums';

/** Sums per chunk of each kernel: C values (channelSums, centredSquares) or 2C (gradSums: [sumDy | sumDyXc]). */
const WIDTH: Record<ChunkedSumKernel, number> = { channelSums: 1, centredSquares: 1, gradSums: 2 };

/**
 * Runs `kernel(...args, partials, chunkRows, ch0, ch1, slot)` over the chunks of M rows on the pool and writes
 * the chunk-ordered totals (float64, WIDTH x C values) to `outPtr`.
 */
export function pooledChannelSums(
  backend: WasmBackendLike, kernel: ChunkedSumKernel, args: readonly number[], m: number, c: number, outPtr: number,
): void {
  const width = WIDTH[kernel] * c;
  const chunkRows = Math.max(1, Math.ceil(m / SUM_CHUNKS));
  withScratch(backend, 8 * SUM_CHUNKS * width, (partials) => {
    const minChunks = Math.max(1, Math.ceil(minShareRows(c) / chunkRows));
    kernelPool(backend).run(kernel, [...args, partials, chunkRows], SUM_CHUNKS, 1, minChunks);
    const p = f64View(backend, partials, SUM_CHUNKS * width);
    const out = f64View(backend, outPtr, width);
    for (let j = 0; j < width; j++) {
      let s = 0;
      for (let ch = 0; ch < SUM_CHUNKS; ch++) s += p[ch * width + j];
      out[j] = s;
    }
  });
}
