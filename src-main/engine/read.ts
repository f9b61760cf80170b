/**
 * The engine's one way to read a tensor's values: asynchronously (`data()`), so a backend without
 * synchronous reads (webgpu in Node) can run it; lint refuses the synchronous reads in the engine.
 */
import { tf } from './tf.js';

/** Runs fn inside tf.tidy, reads its result with one `data()` and disposes it. */
export async function readTidy(fn: () => tf.Tensor): Promise<Float32Array | Int32Array | Uint8Array> {
  const t = tf.tidy(fn);
  try {
    return (await t.data()) as Float32Array | Int32Array | Uint8Array;
  } finally {
    t.dispose();
  }
}

/**
 * Backends whose synchronous reads work in Node. webgpu's `readSync` goes through `OffscreenCanvas`,
 * which Node lacks: the few in-tape computations that read values (test/lint/boundaries.test.ts,
 * SYNC_READ_ALLOWED) take their tensor-op formulation there instead.
 */
const SYNC_READABLE = new Set(['cpu', 'wasm', 'tensorflow']);

/** Whether the active backend can answer `dataSync()` (in Node). */
export function syncReadable(): boolean {
  return SYNC_READABLE.has(tf.getBackend());
}
