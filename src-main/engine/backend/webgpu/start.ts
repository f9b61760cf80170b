/// <reference types="@webgpu/types" />
/**
 * Starts tfjs-backend-webgpu on an adapter Dawn finds (./adapters.ts). `navigator.gpu` is Dawn's,
 * installed before the backend package is imported (it checks `navigator.gpu` at import). The
 * backend is registered under the name `webgpu`, the name its kernels are registered for, with the
 * device of the adapter chosen here instead of the package's own `requestAdapter()` (which in Node
 * finds no adapter where only OpenGL ES exists and cannot be told which GPU to use).
 *
 * Choice: `gpu` (the `--gpu N` index of `discoverAdapters`) when given; otherwise the first Dawn
 * backend with a hardware adapter, asked for its high-performance (discrete) adapter; a software
 * adapter (Mesa llvmpipe, SwiftShader) only with `allowSoftware` (ASCL_WEBGPU_ALLOW_SOFTWARE=1).
 */
import { tf } from '../../tf.js';
import { defaultHeadlessEgl, discoverAdapters, isSoftwareAdapter, loadDawn, type DawnBackend, type GpuAdapterEntry } from './adapters.js';

/** What every run on webgpu records: the adapter as Dawn describes it. */
export interface WebgpuAdapterRecord {
  dawnBackend: DawnBackend;
  /** Dawn's adapter list name (e.g. 'NVIDIA GeForce RTX 4090', 'llvmpipe (LLVM 15.0.6, 256 bits)'). */
  name: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  software: boolean;
  featureLevel: 'core' | 'compatibility';
  /** The `--gpu` index asked for, or null (chosen automatically). */
  gpu: number | null;
}

export interface WebgpuStartOptions {
  allowSoftware: boolean;
  gpu: number | null;
}

/** ASCL_WEBGPU_ALLOW_SOFTWARE=1 lets `webgpu` start on a software adapter (tests, CI). */
export function softwareAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ASCL_WEBGPU_ALLOW_SOFTWARE === '1';
}

function describe(list: readonly GpuAdapterEntry[]): string {
  return list.length ? list.map((a) => `${a.index}: ${a.name} (${a.dawnBackend}${a.software ? ', software' : ''})`).join('; ') : 'none';
}

function pick(list: readonly GpuAdapterEntry[], o: WebgpuStartOptions): GpuAdapterEntry {
  if (o.gpu !== null) {
    const a = list.find((x) => x.index === o.gpu);
    if (!a) throw new Error(`startWebgpu: --gpu ${o.gpu} names no adapter (Dawn lists ${describe(list)})`);
    if (a.software && !o.allowSoftware) throw new Error(`startWebgpu: --gpu ${o.gpu} is the software adapter '${a.name}'; set ASCL_WEBGPU_ALLOW_SOFTWARE=1 to use it`);
    return a;
  }
  const a = list.find((x) => !x.software) ?? (o.allowSoftware ? list.find((x) => x.software) : undefined);
  if (!a) {
    throw new Error(
      `startWebgpu: no hardware GPU adapter (Dawn lists ${describe(list)})` +
        (list.some((x) => x.software) ? '; set ASCL_WEBGPU_ALLOW_SOFTWARE=1 to train on the software one' : '; `ascl doctor` says why'),
    );
  }
  return a;
}

function installNavigatorGpu(gpu: GPU): void {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (g.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
}

let started: WebgpuAdapterRecord | null = null;

/** Starts (once per process or worker) and returns the adapter used. */
export async function startWebgpu(o: WebgpuStartOptions): Promise<WebgpuAdapterRecord> {
  if (started) {
    if (o.gpu !== null && o.gpu !== started.gpu) throw new Error(`startWebgpu: already started on adapter ${started.gpu ?? 'auto'}, asked for --gpu ${o.gpu} (one GPU per process)`);
    if (tf.getBackend() !== 'webgpu') await tf.setBackend('webgpu');
    return started;
  }
  defaultHeadlessEgl();
  const dawn = loadDawn();
  Object.assign(globalThis, dawn.globals);
  const entry = pick((await discoverAdapters(dawn)).adapters, o);
  const featureLevel = entry.dawnBackend === 'opengles' ? 'compatibility' : 'core';
  const flags = [`backend=${entry.dawnBackend}`, ...(o.gpu !== null ? [`adapter=${entry.name}`] : [])];
  const gpu = dawn.create(flags);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', featureLevel } as GPURequestAdapterOptions);
  if (!adapter) throw new Error(`startWebgpu: Dawn (${flags.join(' ')}) listed '${entry.name}' but requestAdapter returned null`);
  const info = (adapter as GPUAdapter & { info: GPUAdapterInfo }).info;
  const software = isSoftwareAdapter([entry.name, info.vendor, info.architecture, info.device, info.description], { isFallbackAdapter: (info as { isFallbackAdapter?: boolean }).isFallbackAdapter });
  if (software && !o.allowSoftware) throw new Error(`startWebgpu: the adapter Dawn gave ('${info.device || entry.name}') is a software one; set ASCL_WEBGPU_ALLOW_SOFTWARE=1 to use it`);
  const limits = adapter.limits;
  // The limits tfjs-backend-webgpu's own factory asks for (larger buffers and workgroups than the defaults).
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  installNavigatorGpu(gpu);
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, info));
  const ok = await tf.setBackend('webgpu');
  if (!ok || tf.getBackend() !== 'webgpu') throw new Error(`startWebgpu: tf.setBackend('webgpu') failed on '${entry.name}'`);
  started = {
    dawnBackend: entry.dawnBackend, name: entry.name, vendor: info.vendor, architecture: info.architecture,
    device: info.device, description: info.description, software, featureLevel, gpu: o.gpu,
  };
  return started;
}

/** The adapter `startWebgpu` chose, or null before. */
export function webgpuAdapter(): WebgpuAdapterRecord | null {
  return started ? { ...started } : null;
}
