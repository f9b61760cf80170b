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
