/**
 * This project's WGSL kernels on tfjs-backend-webgpu 4.22, one per file as the wasm ones
 * (../../kernels/). Registered after the backend is registered, before it starts.
 */
import type { tf } from '../../../tf.js';

export const WEBGPU_KERNELS: readonly tf.KernelConfig[] = [];

export function registerWebgpuKernels(): string[] {
  return WEBGPU_KERNELS.map((k) => k.kernelName);
}
