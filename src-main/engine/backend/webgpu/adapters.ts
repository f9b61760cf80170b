/// <reference types="@webgpu/types" />
/**
 * The GPUs Dawn (the npm package `webgpu`, optional) finds, per Dawn backend, without starting any:
 * Dawn's `adapter=<name>` flag, given a name no adapter has, fails with the list of adapters of that
 * backend ("Available adapters:\n * backend: 'vulkan', name: '...'"); that list is parsed here.
 * Hardware first: Vulkan (NVIDIA, AMD, Intel on Linux/Windows), Metal (Apple), D3D12 (Windows); then
 * OpenGL ES, which on a headless Linux machine without a GPU is Mesa's llvmpipe (a software rasteriser).
 */
import { createRequire } from 'node:module';

export const DAWN_BACKENDS = ['vulkan', 'metal', 'd3d12', 'opengles'] as const;
export type DawnBackend = (typeof DAWN_BACKENDS)[number];

/** One adapter as Dawn lists it; `index` is the `--gpu N` that names it (hardware adapters first). */
export interface GpuAdapterEntry {
  index: number;
  dawnBackend: DawnBackend;
  name: string;
  software: boolean;
}

export interface AdapterDiscovery {
  adapters: GpuAdapterEntry[];
  /** Per Dawn backend that listed nothing: why (Dawn's first message line). */
  missing: Array<{ dawnBackend: DawnBackend; reason: string }>;
}

/** The subset of the `webgpu` package this project uses. */
export interface DawnModule {
  create(flags: string[]): GPU;
  globals: object;
}

/**
 * Software rasterisers: Mesa llvmpipe / softpipe / lavapipe, Google SwiftShader, Microsoft's
 * Basic Render Driver (WARP). Matched on any of the adapter's names or descriptions.
 */
const SOFTWARE_NAME = /llvmpipe|softpipe|lavapipe|swiftshader|basic render|\bwarp\b/i;

/** Whether an adapter is a software one (never chosen by `auto`): by name, or Dawn's fallback / CPU flag. */
export function isSoftwareAdapter(names: readonly string[], flags: { isFallbackAdapter?: boolean; adapterType?: string } = {}): boolean {
  if (flags.isFallbackAdapter === true || flags.adapterType?.toLowerCase() === 'cpu') return true;
  return names.some((n) => SOFTWARE_NAME.test(n));
}

/** The Dawn backends worth asking on a platform, hardware first (OpenGL ES: Linux, Mesa's software path). */
export function dawnBackendsFor(platform: NodeJS.Platform): DawnBackend[] {
  if (platform === 'darwin') return ['metal'];
  if (platform === 'win32') return ['d3d12', 'vulkan'];
  return ['vulkan', 'opengles'];
}

/**
 * Mesa's EGL needs a platform without a display server; on a headless Linux machine (no DISPLAY,
 * no WAYLAND_DISPLAY) the surfaceless one is the only one that initialises. Sets EGL_PLATFORM
 * only where unset; call it in the main thread (a worker thread's process.env is its own copy).
 */
export function defaultHeadlessEgl(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): void {
  if (platform === 'linux' && !env.EGL_PLATFORM && !env.DISPLAY && !env.WAYLAND_DISPLAY) env.EGL_PLATFORM = 'surfaceless';
}

let dawn: DawnModule | null = null;

/** Loads Dawn (`webgpu`, an optional dependency) once; throws naming the package when it is absent. */
export function loadDawn(): DawnModule {
  if (dawn) return dawn;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('webgpu');
  } catch (e) {
    throw new Error(`loadDawn: the optional package 'webgpu' (Dawn for Node) is not installed: ${e instanceof Error ? e.message : String(e)}`);
  }
  // index.js is ESM; it loads dist/<platform>-<arch>/dawn.node. A synchronous require of the
  // binary itself keeps this function synchronous and its failure (missing platform build) explicit.
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  const binary = entry.replace(/index\.js$/, `dist/${process.platform}-${arch}/dawn.node`);
  try {
    dawn = require(binary) as DawnModule;
  } catch (e) {
    throw new Error(`loadDawn: Dawn's binary ${binary} does not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  return dawn;
}

/** A name no adapter has: Dawn then answers with the list of those it has. */
const NO_SUCH_ADAPTER = 'ascl-list-adapters';
const LISTED = /\* backend: '([a-z0-9]+)', name: '([^']*)'/g;

/** Parses Dawn's "Available adapters" message into (backend, name) pairs. */
export function parseAdapterList(message: string): Array<{ dawnBackend: string; name: string }> {
  return [...message.matchAll(LISTED)].map((m) => ({ dawnBackend: m[1], name: m[2] }));
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** Lists the adapters of every Dawn backend of this platform; hardware ones get the low indices. */
export async function discoverAdapters(d: DawnModule = loadDawn(), platform: NodeJS.Platform = process.platform): Promise<AdapterDiscovery> {
  const found: Array<Omit<GpuAdapterEntry, 'index'>> = [];
  const missing: AdapterDiscovery['missing'] = [];
  for (const b of dawnBackendsFor(platform)) {
    let message = '';
    try {
      const gpu = d.create([`backend=${b}`, `adapter=${NO_SUCH_ADAPTER}`]);
      const a = await gpu.requestAdapter({ featureLevel: b === 'opengles' ? 'compatibility' : 'core' } as GPURequestAdapterOptions);
      message = a ? '' : 'no adapter';
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    const listed = parseAdapterList(message).filter((x) => x.dawnBackend === b);
    if (listed.length === 0) missing.push({ dawnBackend: b, reason: firstLine(message) || 'no adapter' });
    for (const x of listed) found.push({ dawnBackend: b, name: x.name, software: isSoftwareAdapter([x.name]) });
  }
  const ordered = [...found.filter((a) => !a.software), ...found.filter((a) => a.software)];
  return { adapters: ordered.map((a, index) => ({ index, ...a })), missing };
}
