/**
 * Whether a hardware WebGPU adapter can exist here, decided without loading Dawn. `auto` asks this
 * before it starts `webgpu`: Dawn for Node loaded in several worker threads of one process at once
 * (each run's worker tries it under `auto`) has ended that process, so a machine that cannot have a
 * hardware adapter never loads it under `auto`. On Linux Dawn reaches hardware GPUs through Vulkan
 * only, which needs a driver manifest (ICD) in one of the loader's folders; macOS (Metal) and
 * Windows (D3D12) always may. A named `--backend webgpu` skips this check.
 */
import { existsSync, readdirSync } from 'node:fs';

/** The Vulkan loader's driver-manifest folders on Linux (also read by ../gpu-readiness.ts). */
export const ICD_FOLDERS = ['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

/** null where a hardware adapter may exist; otherwise why none can (for the backend report). */
export function noHardwareWebgpuReason(platform: NodeJS.Platform = process.platform, folders: readonly string[] = ICD_FOLDERS): string | null {
  if (platform !== 'linux') return null;
  const manifests = folders.filter((d) => existsSync(d)).flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.json')));
  if (manifests.length > 0) return null;
  return `no Vulkan driver manifest in ${folders.join(', ')}: no hardware adapter for Dawn, so auto does not load it (--backend webgpu does; \`ascl doctor\` says what to install)`;
}
