/**
 * What `ascl doctor` reports per GPU path (tfjs-node-gpu with CUDA, webgpu on Dawn): what is there,
 * what is missing and how to get it.
 */
export type GpuPathName = 'tfjs-node-gpu' | 'webgpu';

export interface GpuCheck {
  /** What was probed: a package, a shared library, a device node, an environment variable, an adapter. */
  what: string;
  ok: boolean;
  /** What was found (a version, a path, an adapter) or why not. */
  detail: string;
  /** What to do where not ok (empty when ok or when nothing can be done). */
  fix: string;
}

export interface GpuPathReport {
  path: GpuPathName;
  /** Whether training on a GPU through this path should work here. */
  ready: boolean;
  checks: GpuCheck[];
  /** webgpu: Dawn's adapters, `--gpu` index first ("0: NVIDIA ... (vulkan)"). */
  adapters: string[];
}
