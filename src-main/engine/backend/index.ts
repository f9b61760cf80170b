/**
 * Chooses and starts the compute backend, best first:
 *   1. `tensorflow`: @tensorflow/tfjs-node-gpu (CUDA), then @tensorflow/tfjs-node (native CPU);
 *      optional dependencies, absent where their binary download cannot happen.
 *   2. `webgpu`: @tensorflow/tfjs-backend-webgpu on Dawn (optional package `webgpu`): Vulkan, Metal
 *      or D3D12 on a hardware adapter (./webgpu/); a software adapter only with
 *      ASCL_WEBGPU_ALLOW_SOFTWARE=1, under `auto` and when named.
 *   3. `wasm`: @tensorflow/tfjs-backend-wasm with this project's training kernels (./kernels/):
 *      the single-threaded SIMD binary, or with `threads` > 1 the threaded one, started in Node
 *      by ./wasm-threads.ts (one run's operators split over that many cores).
 *   4. `cpu`: pure JavaScript, about 85x slower than PyTorch on a training step.
 * One backend per process or worker thread (tfjs state is global to a JS realm); one GPU per
 * process (`gpu`: the `--gpu N` index; CUDA_VISIBLE_DEVICES for tensorflow, Dawn's adapter list
 * for webgpu).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BackendChoice, BackendName } from '../../shared/options.js';
import { tf } from '../tf.js';
import { registerWasmKernels } from './kernels/index.js';
import { setKernelPoolThreads } from './kernels/kernel-pool.js';
import { MAX_WASM_THREADS, withThreadedWasm } from './wasm-threads.js';
import { isWasmThreadCount } from './wasm-threads-limits.js';
import { softwareAllowed, startWebgpu, webgpuAdapter, type WebgpuAdapterRecord } from './webgpu/start.js';
import { noHardwareWebgpuReason } from './webgpu/hardware-hint.js';

export interface BackendAttempt {
  backend: BackendName;
  /** The package (or variant) tried. */
  variant: string;
  ok: boolean;
  /** Why it was skipped, when not ok. */
  reason?: string;
}

export interface BackendReport {
  active: BackendName | null;
  attempts: BackendAttempt[];
  /** Kernels this project registered on wasm (empty unless wasm was started). */
  customKernels: string[];
  /** The GPU adapter of `webgpu` (null unless webgpu was started). */
  adapter: WebgpuAdapterRecord | null;
  /** Threads in XNNPACK's pool on wasm (1: the single-threaded binary); null unless wasm was started. */
  wasmThreads: number | null;
}

export interface BackendOptions {
  /** The GPU to use (`--gpu N`), or null: the backend's own choice. */
  gpu?: number | null;
  /**
   * Cores one wasm backend may use (1 to 8; default 1, the single-threaded binary). Other
   * backends ignore it: tfjs-node sizes its own thread pool, a GPU needs none.
   */
  threads?: number;
}

/** The kernels in ./kernels/ rely on this version's internals (heap layout, `asm.memory`). */
const PINNED_WASM_VERSION = '4.22.0';

const attempts: BackendAttempt[] = [];
let active: BackendName | null = null;
let customKernels: string[] = [];
let wasmThreads: number | null = null;
/** Serialises concurrent calls: backend start is global state. */
let queue: Promise<unknown> = Promise.resolve();

function message(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

async function tryVariant(backend: BackendName, variant: string, start: () => Promise<void>): Promise<boolean> {
  const earlier = attempts.find((a) => a.variant === variant);
  if (earlier && !earlier.ok) return false; // failures are final for the process (imports are cached)
  try {
    await start();
    if (!earlier) attempts.push({ backend, variant, ok: true });
    return true;
  } catch (e) {
    attempts.push({ backend, variant, ok: false, reason: message(e) });
    return false;
  }
}

async function setBackendOrThrow(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`tf.setBackend('${name}') failed to initialise`);
}

async function startTensorflow(o: BackendOptions): Promise<boolean> {
  // libtensorflow reads it when CUDA starts (the main thread's environment is the process's).
  if (o.gpu !== undefined && o.gpu !== null && process.env.CUDA_VISIBLE_DEVICES === undefined) process.env.CUDA_VISIBLE_DEVICES = String(o.gpu);
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    const ok = await tryVariant('tensorflow', pkg, async () => {
      // A variable specifier keeps bundlers and tsc from requiring the optional package.
      const specifier: string = pkg;
      await import(specifier);
      await setBackendOrThrow('tensorflow');
    });
    if (ok) return true;
  }
  return false;
}

/** The folder holding the wasm binaries, resolved next to the installed package (works in workers and bundles). */
export function wasmBinaryFolder(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

async function startWasm(o: BackendOptions): Promise<boolean> {
  const threads = o.threads ?? 1;
  const variant = threads === 1 ? 'SIMD, single-threaded' : `SIMD, ${threads} threads`;
  return tryVariant('wasm', `@tensorflow/tfjs-backend-wasm (${variant}) + project kernels`, async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (wasm.version_wasm !== PINNED_WASM_VERSION) {
      throw new Error(
        `@tensorflow/tfjs-backend-wasm ${wasm.version_wasm} is installed; this project's kernels use the internals of ` +
          `${PINNED_WASM_VERSION} (package.json pins it): run npm ci`,
      );
    }
    if (tf.findBackend('wasm') === null) wasm.setWasmPaths(wasmBinaryFolder());
    customKernels = registerWasmKernels(); // before the backend starts: kernel setup runs then
    if (threads === 1) await setBackendOrThrow('wasm');
    else await withThreadedWasm(threads, () => setBackendOrThrow('wasm'));
    wasmThreads = threads;
    setKernelPoolThreads(threads);
  });
}

async function startCpu(): Promise<boolean> {
  return tryVariant('cpu', '@tensorflow/tfjs-backend-cpu', async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    await setBackendOrThrow('cpu');
  });
}

async function startWebgpuBackend(o: BackendOptions): Promise<boolean> {
  const allow = softwareAllowed();
  return tryVariant('webgpu', `@tensorflow/tfjs-backend-webgpu on Dawn (${allow ? 'hardware or software' : 'hardware'} adapter)`, async () => {
    await startWebgpu({ allowSoftware: allow, gpu: o.gpu ?? null });
  });
}

const starters: Record<BackendName, (o: BackendOptions) => Promise<boolean>> = {
  tensorflow: startTensorflow,
  webgpu: startWebgpuBackend,
  wasm: startWasm,
  cpu: startCpu,
};
const ORDER: BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

async function init(choice: BackendChoice, o: BackendOptions): Promise<BackendName> {
  if (o.threads !== undefined && !isWasmThreadCount(o.threads)) {
    throw new Error(`initBackend: threads must be an integer from 1 to ${MAX_WASM_THREADS}, got ${JSON.stringify(o.threads)}`);
  }
  // Started already: the first call's backend (and thread count) holds for the process.
  if (active !== null && (choice === 'auto' || choice === active)) return active;
  const candidates = choice === 'auto' ? ORDER : [choice];
  if (!(choice === 'auto' || ORDER.includes(choice))) {
    throw new Error(`initBackend: unknown backend '${String(choice)}' (expected auto, ${ORDER.join(', ')})`);
  }
  for (const name of candidates) {
    // Under auto, Dawn is loaded only where a hardware adapter can exist (./webgpu/hardware-hint.ts).
    const noHardware = choice === 'auto' && name === 'webgpu' && !softwareAllowed() ? noHardwareWebgpuReason() : null;
    if (noHardware !== null) {
      if (!attempts.some((a) => a.backend === 'webgpu' && a.reason === noHardware)) attempts.push({ backend: 'webgpu', variant: 'webgpu (auto: hardware check)', ok: false, reason: noHardware });
      continue;
    }
    if (await starters[name](o)) {
      active = name;
      return name;
    }
  }
  const tried = attempts.filter((a) => !a.ok).map((a) => `${a.variant}: ${a.reason}`).join('; ');
  // Backends that have not failed here (wasm and cpu are regular dependencies).
  const others = ORDER.filter((n) => n !== choice && !attempts.some((a) => a.backend === n && !a.ok));
  throw new Error(
    `initBackend: backend '${choice}' is not available (${tried}).` +
      (choice === 'auto' ? '' : ` Available: auto${others.length ? `, ${others.join(', ')}` : ''}.`),
  );
}

/**
 * Starts the best available backend (`auto`) or the one named; idempotent, and safe to call
 * concurrently. An explicit choice that cannot start throws, naming it and why.
 */
export function initBackend(choice: BackendChoice = 'auto', options: BackendOptions = {}): Promise<BackendName> {
  const run = queue.then(() => init(choice, options));
  queue = run.catch(() => undefined);
  return run;
}

/** The backend started by `initBackend`, or null before. */
export function currentBackend(): BackendName | null {
  return active;
}

/** Which backends were tried, which started, why others were skipped. */
export function backendReport(): BackendReport {
  return { active, attempts: attempts.map((a) => ({ ...a })), customKernels: [...customKernels], adapter: webgpuAdapter(), wasmThreads };
}
