/**
 * Shared plumbing for this project's kernels on tfjs-backend-wasm: the narrow view of the
 * backend they use, calling other (stock) wasm kernels from inside a kernel, freeing
 * intermediates, and registering a kernel in place of a stock one.
 *
 * Relies on tfjs-backend-wasm 4.22.0 internals (`dataIdMap`, the emscripten module's
 * `asm.memory`, or `wasmMemory` in the threaded binary): the version is pinned in package.json.
 */
import { tf } from '../../tf.js';

export type TensorInfo = tf.TensorInfo;

interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
}

/** What our kernels use of `BackendWasm` (typed here: its published types lean on emscripten's). */
export interface WasmBackendLike {
  dataIdMap: { get(dataId: object): WasmTensorData | undefined; has(dataId: object): boolean };
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  wasm: {
    HEAPU8: Uint8Array;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    /** emscripten internal: the instance's exports, including its linear memory (single-threaded binary). */
    asm?: { memory?: WebAssembly.Memory };
    /** emscripten internal: the shared heap the threaded binary imports (it exports none). */
    wasmMemory?: WebAssembly.Memory;
  };
}

/** The backend's linear memory, either binary's. Take views of `.buffer` after any allocation (it can grow). */
export function heapMemory(backend: WasmBackendLike): WebAssembly.Memory {
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  if (!memory) throw new Error('heapMemory: the wasm backend exposes neither asm.memory nor wasmMemory (tfjs-backend-wasm 4.22 expected)');
  return memory;
}

export function asWasmBackend(backend: unknown): WasmBackendLike {
  const b = backend as Partial<WasmBackendLike> | null;
  if (!b || !b.dataIdMap || !(b.wasm?.asm?.memory ?? b.wasm?.wasmMemory)) {
    throw new Error('wasm kernels: expected a tfjs-backend-wasm 4.22 backend (dataIdMap, wasm.asm.memory or wasm.wasmMemory), got something else');
  }
  return b as WasmBackendLike;
}

/** Byte offset of a tensor's data in the wasm heap. */
export function offsetOf(backend: WasmBackendLike, t: TensorInfo): number {
  const d = backend.dataIdMap.get(t.dataId);
  if (!d) throw new Error(`wasm kernels: tensor of shape [${t.shape}] is not on the wasm backend (disposed?)`);
  return d.memoryOffset;
}

/** Stock kernels we replaced, kept so our kernels can fall back to them. */
const stock = new Map<string, tf.KernelConfig>();

/** Runs a wasm kernel by name: the stock one where we replaced it, else the registered one. */
export function runKernel(
  name: string,
  backend: WasmBackendLike,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const k = stock.get(name) ?? tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm kernels: no wasm kernel named '${name}' is registered`);
  const out = k.kernelFunc({ inputs, backend: backend as unknown as tf.KernelBackend, attrs: attrs as tf.NamedAttrMap });
  if (Array.isArray(out)) throw new Error(`wasm kernels: '${name}' returned ${out.length} outputs, expected one`);
  return out;
}

/** Frees intermediates created inside a kernel (reshapes included: they hold a reference). */
export function free(backend: WasmBackendLike, ...infos: TensorInfo[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

/**
 * Registers `config` for wasm, replacing a stock kernel of the same name if there is one.
 * The stock setup still runs at backend start (our kernel may fall back to it). Must run before
 * `tf.setBackend('wasm')`: setup functions run when the backend starts.
 */
export function registerWasmKernel(config: tf.KernelConfig): void {
  const old = tf.getKernel(config.kernelName, 'wasm');
  if (old && old.kernelFunc === config.kernelFunc) return;
  if (old) {
    if (!stock.has(config.kernelName)) stock.set(config.kernelName, old);
    tf.unregisterKernel(config.kernelName, 'wasm');
  }
  const original = stock.get(config.kernelName);
  tf.registerKernel({
    ...config,
    backendName: 'wasm',
    setupFunc: (backend) => {
      original?.setupFunc?.(backend);
      config.setupFunc?.(backend);
    },
  });
}

type PadArg = Parameters<typeof tf.backend_util.computeConv2DInfo>[4];

/** tfjs' explicit NHWC padding: [[0, 0], [top, bottom], [left, right], [0, 0]]. */
export function explicitPad(top: number, bottom: number, left: number, right: number): PadArg {
  return [[0, 0], [top, bottom], [left, right], [0, 0]] as PadArg;
}

/**
 * Tensors derived from a kernel input (a transposed or rearranged weight), cached by the
 * source's data id and a variant key: tfjs data never changes under a data id (`assign` swaps
 * ids), and within a training step the same weights serve all 11 backward passes. LRU-bounded;
 * entries whose source was freed are released on the next lookup. Owned by the cache.
 */
export class DerivedCache {
  private readonly perBackend = new WeakMap<WasmBackendLike, Map<string, { source: object; t: TensorInfo }>>();
  constructor(private readonly capacity: number) {}

  get(backend: WasmBackendLike, source: TensorInfo, variant: string, make: () => TensorInfo): TensorInfo {
    let cache = this.perBackend.get(backend);
    if (!cache) this.perBackend.set(backend, (cache = new Map()));
    for (const [k, e] of cache) {
      if (!backend.dataIdMap.has(e.source)) {
        free(backend, e.t);
        cache.delete(k);
      }
    }
    const key = `${backend.dataIdMap.get(source.dataId)?.id}|${variant}`;
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key); // re-insert: most recently used last
      cache.set(key, hit);
      return hit.t;
    }
    const t = make();
    if (cache.size >= this.capacity) {
      const [oldestKey, oldest] = cache.entries().next().value as [string, { t: TensorInfo }];
      free(backend, oldest.t);
      cache.delete(oldestKey);
    }
    cache.set(key, { source: source.dataId, t });
    return t;
  }
}
