/**
 * The engine entry points the workers use, resolved lazily inside the worker thread so the
 * service's main thread never loads TensorFlow. Each is checked at runtime against the
 * interface it must have, and a missing piece is a clear error naming the module.
 */
import type { BackendChoice, BackendName, DatasetName } from '../shared/options.js';
import type { Dataset, DatasetLoadOptions } from '../engine/data/dataset.js';
import type { TrainResult } from '../engine/train/types.js';
import { RunDeviceSchema, type RunDevice } from '../shared/run-device.js';

// Type-only: loads no TensorFlow on the main thread.
import type { TrainOptions } from '../engine/train/trainer.js';
export type { TrainOptions };
export type TrainFn = (o: TrainOptions) => Promise<TrainResult>;

/** Module specifiers relative to this file (so they resolve as .ts under tsx and .js when built). */
export const ENGINE_MODULES = {
  trainer: '../engine/train/trainer.js',
  backend: '../engine/backend/index.js',
  data: '../engine/data/index.js',
} as const;

/** Which module provides each engine piece: the defaults above, or test doubles (file URLs). */
export type EngineModules = { [K in keyof typeof ENGINE_MODULES]: string };
let modules: EngineModules = { ...ENGINE_MODULES };

/** Replaces engine modules in this thread (the worker calls it with the job's overrides). */
export function useEngineModules(overrides: Partial<EngineModules> = {}): void {
  modules = { ...ENGINE_MODULES, ...overrides };
}

async function importFunction<F>(spec: string, exportName: string, where: string): Promise<F> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(spec)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${where}: cannot load ${spec}: ${(err as Error).message}`);
  }
  const f = mod[exportName];
  if (typeof f !== 'function') throw new Error(`${where}: ${spec} does not export a function ${exportName}`);
  return f as F;
}

export function loadTrainer(): Promise<TrainFn> {
  return importFunction<TrainFn>(modules.trainer, 'train', 'loadTrainer');
}

/** The backend a worker started, and the device it recorded (GPU index, webgpu adapter). */
export interface StartedBackend { backend: BackendName; device: RunDevice | null }

const NAMES: readonly string[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export async function initBackend(choice: BackendChoice, gpu: number | null = null, threads = 1): Promise<StartedBackend> {
  const init = await importFunction<(c: BackendChoice, o: { gpu: number | null; threads: number }) => Promise<unknown> | unknown>(modules.backend, 'initBackend', 'initBackend');
  const r = await init(choice, { gpu, threads });
  // Accept either the backend's name or an object carrying it ({ name }).
  const name = typeof r === 'string' ? r : (r as { name?: unknown } | null)?.name;
  if (typeof name !== 'string' || !NAMES.includes(name)) {
    throw new Error(`initBackend(${choice}): the backend module answered ${JSON.stringify(r)}, not a backend name`);
  }
  // The adapter, where the module reports one (test doubles need not).
  const mod = (await import(modules.backend)) as { backendReport?: () => { adapter?: RunDevice['adapter'] } };
  const adapter = typeof mod.backendReport === 'function' ? mod.backendReport().adapter ?? null : null;
  const device = adapter !== null || gpu !== null
    ? RunDeviceSchema.parse({ gpu, adapter: adapter && name === 'webgpu' ? pickAdapter(adapter) : null })
    : null;
  return { backend: name as BackendName, device };
}

/** The recorded fields of the engine's adapter record (its `gpu` is the run's, recorded beside). */
function pickAdapter(a: NonNullable<RunDevice['adapter']>): NonNullable<RunDevice['adapter']> {
  const { dawnBackend, name, vendor, architecture, device, description, software, featureLevel } = a;
  return { dawnBackend, name, vendor, architecture, device, description, software, featureLevel };
}

export async function loadDataset(name: DatasetName, options: DatasetLoadOptions): Promise<Dataset> {
  const load = await importFunction<(n: DatasetName, o: DatasetLoadOptions) => Promise<Dataset>>(modules.data, 'loadDataset', 'loadDataset');
  return load(name, options);
}
