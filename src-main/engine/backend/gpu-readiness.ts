/**
 * GPU readiness per path, for `ascl doctor`. Shared libraries are probed with `process.dlopen`: it
 * searches as the dynamic loader does (LD_LIBRARY_PATH, the ld.so cache) and fails with "cannot open
 * shared object file" when a library is absent, or with "did not self-register" when it loaded (it is
 * no Node addon), so a library is found without starting CUDA or loading TensorFlow.
 *
 * tfjs-node-gpu 4.22 runs libtensorflow 2.9.1, built for CUDA 11.2 and cuDNN 8.1: it loads the
 * sonames below. On Ada (sm_89) and Hopper (sm_90) GPUs, which its binaries predate, the CUDA 11.8
 * runtime with cuDNN 8.9 works, after a first start that JIT-compiles PTX (cached under
 * CUDA_CACHE_PATH up to CUDA_CACHE_MAXSIZE bytes).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { GpuCheck, GpuPathReport } from '../../shared/gpu-readiness.js';
import { defaultHeadlessEgl, discoverAdapters, loadDawn } from './webgpu/adapters.js';
import { ICD_FOLDERS } from './webgpu/hardware-hint.js';

/** libtensorflow 2.9.1's CUDA libraries: soname, what provides it. */
export const TF_CUDA_LIBRARIES: ReadonlyArray<[string, string]> = [
  ['libcuda.so.1', 'the NVIDIA driver (nvidia-driver; in a container: the NVIDIA container toolkit)'],
  ['libcudart.so.11.0', 'CUDA 11.8 runtime (apt cuda-cudart-11-8, or pip nvidia-cuda-runtime-cu11)'],
  ['libcublas.so.11', 'cuBLAS for CUDA 11 (apt libcublas-11-8, or pip nvidia-cublas-cu11)'],
  ['libcublasLt.so.11', 'cuBLASLt for CUDA 11 (apt libcublas-11-8, or pip nvidia-cublas-cu11)'],
  ['libcufft.so.10', 'cuFFT for CUDA 11 (apt libcufft-11-8, or pip nvidia-cufft-cu11)'],
  ['libcurand.so.10', 'cuRAND for CUDA 11 (apt libcurand-11-8, or pip nvidia-curand-cu11)'],
  ['libcusolver.so.11', 'cuSOLVER for CUDA 11 (apt libcusolver-11-8, or pip nvidia-cusolver-cu11)'],
  ['libcusparse.so.11', 'cuSPARSE for CUDA 11 (apt libcusparse-11-8, or pip nvidia-cusparse-cu11)'],
  ['libcudnn.so.8', 'cuDNN 8.9 for CUDA 11 (apt libcudnn8=8.9.*+cuda11.8, or pip nvidia-cudnn-cu11==8.9.*)'],
];

/** Suggested CUDA_CACHE_MAXSIZE: 4 GiB, so libtensorflow's PTX is JIT-compiled once and kept. */
export const CUDA_CACHE_SUGGESTED = 4 * 1024 ** 3;

export type LibraryProbe = (soname: string) => { ok: boolean; detail: string };

/** Probes a shared library by soname (see the file comment). */
export const dlopenProbe: LibraryProbe = (soname) => {
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, soname);
    return { ok: true, detail: 'loads' };
  } catch (e) {
    const m = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    if (/self-register|register/i.test(m)) return { ok: true, detail: 'loads' };
    return { ok: false, detail: m };
  }
};

function packageVersion(name: string): string | null {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${name}/package.json`) as { version?: string }).version ?? '?';
  } catch {
    return null;
  }
}

/** tfjs-node-gpu: the package, the driver, each CUDA library, the environment for the PTX JIT. */
export function tfjsNodeGpuReadiness(probe: LibraryProbe = dlopenProbe, env: NodeJS.ProcessEnv = process.env): GpuPathReport {
  const checks: GpuCheck[] = [];
  const version = packageVersion('@tensorflow/tfjs-node-gpu');
  checks.push({
    what: 'package @tensorflow/tfjs-node-gpu', ok: version !== null, detail: version ?? 'not installed',
    fix: version ? '' : 'npm install @tensorflow/tfjs-node-gpu@4.22.0 (its install downloads libtensorflow 2.9.1 for GPU; needs network)',
  });
  if (process.platform !== 'linux') {
    checks.push({ what: 'platform', ok: false, detail: process.platform, fix: 'tfjs-node-gpu runs on Linux x64 only; use webgpu here' });
  } else {
    for (const [soname, provider] of TF_CUDA_LIBRARIES) {
      const r = probe(soname);
      checks.push({ what: soname, ok: r.ok, detail: r.detail, fix: r.ok ? '' : `install ${provider}; its folder must be on LD_LIBRARY_PATH or in the ld.so cache` });
    }
  }
  const growth = env.TF_FORCE_GPU_ALLOW_GROWTH === 'true';
  checks.push({
    what: 'TF_FORCE_GPU_ALLOW_GROWTH', ok: growth, detail: env.TF_FORCE_GPU_ALLOW_GROWTH ?? 'unset',
    fix: growth ? '' : 'export TF_FORCE_GPU_ALLOW_GROWTH=true (TensorFlow otherwise takes all GPU memory at start: one process per GPU only)',
  });
  const cache = Number(env.CUDA_CACHE_MAXSIZE ?? 0);
  checks.push({
    what: 'CUDA_CACHE_MAXSIZE', ok: cache >= CUDA_CACHE_SUGGESTED, detail: env.CUDA_CACHE_MAXSIZE ?? 'unset (256 MiB)',
    fix: cache >= CUDA_CACHE_SUGGESTED ? '' : `export CUDA_CACHE_MAXSIZE=${CUDA_CACHE_SUGGESTED} (Ada/Hopper GPUs JIT-compile libtensorflow's PTX at the first start, minutes; a larger cache keeps it)`,
  });
  const essential = checks.filter((c) => c.what.startsWith('package') || c.what.startsWith('lib') || c.what === 'platform');
  return { path: 'tfjs-node-gpu', ready: essential.every((c) => c.ok), checks, adapters: [] };
}


/** Why Dawn finds no hardware adapter, as far as the machine tells (Linux). */
function linuxGpuHints(probe: LibraryProbe, env: NodeJS.ProcessEnv): GpuCheck[] {
  const checks: GpuCheck[] = [];
  const vulkan = probe('libvulkan.so.1');
  checks.push({ what: 'libvulkan.so.1 (Vulkan loader)', ok: vulkan.ok, detail: vulkan.detail, fix: vulkan.ok ? '' : 'apt install libvulkan1' });
  const icds = ICD_FOLDERS.filter((d) => existsSync(d));
  checks.push({
    what: 'Vulkan ICD (driver manifest)', ok: icds.length > 0, detail: icds.length ? icds.join(', ') : `none in ${ICD_FOLDERS.join(', ')}`,
    fix: icds.length ? '' : 'install the GPU\'s Vulkan driver (NVIDIA: the driver ships nvidia_icd.json; AMD/Intel: mesa-vulkan-drivers)',
  });
  const nvidia = existsSync('/dev/nvidiactl');
  const caps = env.NVIDIA_DRIVER_CAPABILITIES;
  if (nvidia && caps !== undefined && !/all|graphics/.test(caps)) {
    checks.push({
      what: 'container graphics capability', ok: false, detail: `NVIDIA_DRIVER_CAPABILITIES=${caps}`,
      fix: 'start the container with NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics (or all): without graphics the toolkit mounts no Vulkan driver',
    });
  }
  checks.push({ what: 'GPU device nodes', ok: nvidia || existsSync('/dev/dri'), detail: [nvidia ? '/dev/nvidiactl' : '', existsSync('/dev/dri') ? '/dev/dri' : ''].filter(Boolean).join(', ') || 'none (/dev/nvidia*, /dev/dri)', fix: nvidia || existsSync('/dev/dri') ? '' : 'no GPU is visible here (in a container: --gpus all, or --device /dev/dri)' });
  return checks;
}

/** webgpu: Dawn's package and binary, the adapters it lists, and why no hardware one where none. */
export async function webgpuReadiness(probe: LibraryProbe = dlopenProbe, env: NodeJS.ProcessEnv = process.env): Promise<GpuPathReport> {
  const checks: GpuCheck[] = [];
  const version = packageVersion('webgpu');
  checks.push({ what: 'package webgpu (Dawn)', ok: version !== null, detail: version ?? 'not installed', fix: version ? '' : 'npm install (webgpu is an optional dependency; its tarball holds dawn.node for linux, macOS and Windows)' });
  if (version === null) return { path: 'webgpu', ready: false, checks, adapters: [] };
  defaultHeadlessEgl(env);
  let adapters: string[] = [];
  let hardware = false;
  try {
    const found = await discoverAdapters(loadDawn());
    adapters = found.adapters.map((a) => `${a.index}: ${a.name} (${a.dawnBackend}${a.software ? ', software: only with ASCL_WEBGPU_ALLOW_SOFTWARE=1' : ''})`);
    hardware = found.adapters.some((a) => !a.software);
    checks.push({ what: 'hardware adapter', ok: hardware, detail: hardware ? adapters.filter((a) => !a.includes('software')).join('; ') : 'none',
      fix: hardware ? '' : 'webgpu trains on a hardware adapter only (`auto` falls back to wasm); the checks below say what is missing' });
    for (const m of found.missing) checks.push({ what: `Dawn ${m.dawnBackend}`, ok: false, detail: m.reason, fix: '' });
  } catch (e) {
    checks.push({ what: 'Dawn binary', ok: false, detail: e instanceof Error ? e.message : String(e), fix: 'reinstall the webgpu package for this platform' });
  }
  if (!hardware && process.platform === 'linux') checks.push(...linuxGpuHints(probe, env));
  return { path: 'webgpu', ready: hardware, checks, adapters };
}

/** Both paths. */
export async function gpuReadiness(): Promise<GpuPathReport[]> {
  return [tfjsNodeGpuReadiness(), await webgpuReadiness()];
}
