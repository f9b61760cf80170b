/**
 * Emscripten's pthread pool size in tfjs-backend-wasm 4.22's threaded binary: the most threads
 * one backend can have. Its own file (no TensorFlow import) so the service can use it.
 */
export const MAX_WASM_THREADS = 8;
