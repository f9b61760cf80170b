/**
 * Chooses and starts the compute backend, best first:
 *   1. `tensorflow`: @tensorflow/tfjs-node-gpu (CUDA), then @tensorflow/tfjs-node (native CPU);
 *      optional dependencies, absent where their binary download cannot happen.
 *   2. `wasm`: @tensorflow/tfjs-backend-wasm, single-threaded SIMD binary (the threaded one
 *      does not start in Node), with this project's training kernels (./kernels/).
 *   3. `cpu`: pure JavaScript, about 85x slower than PyTorch on a training step.
 * One backend per process or worker thread (tfjs state is global to a JS realm).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BackendChoice, BackendName } from '../../shared/options.js';
import { tf } from '../tf.js';
import { registerWasmKernels } from './kernels/index.js';

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
}

/** The kernels in ./kernels/ rely on this version's internals (heap layout, `asm.memory`). */
const PINNED_WASM_VERSION = '4.22.0';

const attempts: BackendAttempt[] = [];
let active: BackendName | null = null;
let customKernels: string[] = [];
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

async function startTensorflow(): Promise<boolean> {
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

async function startWasm(): Promise<boolean> {
  return tryVariant('wasm', '@tensorflow/tfjs-backend-wasm (SIMD, single-threaded) + project kernels', async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (wasm.version_wasm !== PINNED_WASM_VERSION) {
      throw new Error(
        `@tensorflow/tfjs-backend-wasm ${wasm.version_wasm} is installed; this project's kernels use the internals of ` +
          `${PINNED_WASM_VERSION} (package.json pins it): run npm ci`,
      );
    }
    if (tf.findBackend('wasm') === null) wasm.setWasmPaths(wasmBinaryFolder());
    customKernels = registerWasmKernels(); // before the backend starts: kernel setup runs then
    await setBackendOrThrow('wasm');
  });
}

async function startCpu(): Promise<boolean> {
  return tryVariant('cpu', '@tensorflow/tfjs-backend-cpu', async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    await setBackendOrThrow('cpu');
  });
}

const starters: Record<BackendName, () => Promise<boolean>> = {
  tensorflow: startTensorflow,
  wasm: startWasm,
  cpu: startCpu,
};
const ORDER: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

async function init(choice: BackendChoice): Promise<BackendName> {
  if (active !== null && (choice === 'auto' || choice === active)) return active;
  const candidates = choice === 'auto' ? ORDER : [choice];
  if (!(choice === 'auto' || ORDER.includes(choice))) {
    throw new Error(`initBackend: unknown backend '${String(choice)}' (expected auto, ${ORDER.join(', ')})`);
  }
  for (const name of candidates) {
    if (await starters[name]()) {
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
export function initBackend(choice: BackendChoice = 'auto'): Promise<BackendName> {
  const run = queue.then(() => init(choice));
  queue = run.catch(() => undefined);
  return run;
}

/** The backend started by `initBackend`, or null before. */
export function currentBackend(): BackendName | null {
  return active;
}

/** Which backends were tried, which started, why others were skipped. */
export function backendReport(): BackendReport {
  return { active, attempts: attempts.map((a) => ({ ...a })), customKernels: [...customKernels] };
}
