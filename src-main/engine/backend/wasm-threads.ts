/**
 * Starts tfjs-backend-wasm 4.22's threaded SIMD binary in Node, so that one run's XNNPACK
 * operators (convolutions, the matmuls, and our kernels built on them) split their work over
 * several cores with the mathematics unchanged: XNNPACK partitions each operator's output tiles
 * across its pthreadpool, and every output element is still reduced by one thread in the same
 * order as single-threaded, so results are bitwise those of one thread (test/backend/wasm-threads.test.ts).
 *
 * Three things stop the stock package from doing this in Node, each undone here for the
 * duration of the start only:
 *   1. `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired false under Node (tfjs issue 3830): set true.
 *   2. Emscripten spawns its pthread workers with `new Worker(blobUrl)` (tfjs hands it the worker
 *      script as a `blob:` URL), which Node's worker_threads refuse. A `Worker` accessor on
 *      globalThis answers with a worker_threads.Worker that evaluates the same script (tfjs'
 *      `wasmWorkerContents`), with `importScripts` of the main script (also a blob) replaced by
 *      a `require` of the package's own emscripten factory file.
 *   3. The C++ side caps the pool at `emscripten_num_logical_cores() / 2` (it assumes two
 *      hyper-threads per core; backend.cc), i.e. at 1 on a 2-vCPU machine: `os.cpus()` answers
 *      2 x the wanted count while the module is instantiated.
 * Emscripten preallocates 8 pthread workers at start (PTHREAD_POOL_SIZE), so no worker is
 * created after the start; up to 8 threads can be asked for.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';
import { tf } from '../tf.js';
import { MAX_WASM_THREADS, isWasmThreadCount } from './wasm-threads-limits.js';

export { MAX_WASM_THREADS };

const require = createRequire(import.meta.url);

/** The pthread worker script, evaluated by worker_threads, loading the factory by `require`. */
function pthreadWorkerSource(): string {
  const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as { wasmWorkerContents: string };
  const factory = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  // tfjs escapes newlines the same way before making its blob (its string has literal ones inside quotes).
  return wasmWorkerContents.replace(/\n/g, '\\n') +
    `;global.importScripts=function(){global.WasmBackendModuleThreadedSimd=require(${JSON.stringify(factory)});};`;
}

/**
 * Runs `start` (which calls tf.setBackend('wasm')) with the threaded binary chosen and `threads`
 * threads in XNNPACK's pool; everything patched is restored afterwards, also when it throws.
 * Returns the pool size the backend reports.
 */
export async function withThreadedWasm(threads: number, start: () => Promise<void>): Promise<number> {
  if (!isWasmThreadCount(threads) || threads < 2) {
    throw new Error(`withThreadedWasm: threads must be an integer from 2 to ${MAX_WASM_THREADS}, got ${JSON.stringify(threads)}`);
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const source = pthreadWorkerSource();
  class PthreadWorker extends NodeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      // A plain CommonJS script: no loader flags of the parent (`--input-type=module` would make it ESM).
      if (String(url).startsWith('blob:')) super(source, { eval: true, execArgv: [] });
      else super(url, options);
      // A pthread must not keep its thread alive: XNNPACK's pool threads never end, and emscripten `ref()`s a
      // worker while its pthread runs, which kept the run's (or evaluation's) worker thread, hence `ascl
      // train` and `ascl eval`, from exiting after the job. The thread that owns the backend waits for its
      // kernels synchronously, so nothing needs these handles to stay alive.
      this.unref();
    }

    override ref(): this {
      return this;
    }
  }
  const hadWorker = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  const cpus = os.cpus;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  // Emscripten assigns `global.Worker = worker_threads.Worker` when it loads: ignored, ours stays.
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => PthreadWorker, set: () => undefined });
  os.cpus = () => {
    const real = cpus();
    return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]);
  };
  try {
    await start();
  } catch (err) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false); // a later single-threaded start loads the plain binary
    throw err;
  } finally {
    os.cpus = cpus;
    if (hadWorker) Object.defineProperty(globalThis, 'Worker', hadWorker);
    else delete (globalThis as { Worker?: unknown }).Worker;
  }
  const got = wasm.getThreadsCount();
  if (got !== threads) throw new Error(`withThreadedWasm: asked XNNPACK for ${threads} threads, its pool has ${got}`);
  return got;
}
