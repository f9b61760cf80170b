/**
 * Emscripten's pthread pool size in tfjs-backend-wasm 4.22's threaded binary: the most threads
 * one backend can have. Its own file (no TensorFlow import) so the service can use it.
 */
export const MAX_WASM_THREADS = 8;

/** A thread count one wasm backend can have: an integer from 1 to MAX_WASM_THREADS. */
export function isWasmThreadCount(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MAX_WASM_THREADS;
}
