/**
 * The device a run trained on, recorded when its worker starts (runs.device): the `--gpu` index
 * asked for and, on webgpu, the adapter Dawn gave (vendor, architecture, device, description, Dawn
 * backend: vulkan, metal, d3d12 or opengles; software adapters such as Mesa llvmpipe flagged).
 */
import { z } from 'zod';

export const RunAdapterSchema = z.object({
  dawnBackend: z.string(),
  name: z.string(),
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
  software: z.boolean(),
  featureLevel: z.string(),
}).strict();

export const RunDeviceSchema = z.object({
  gpu: z.number().int().min(0).nullable(),
  adapter: RunAdapterSchema.nullable(),
}).strict();

export type RunAdapter = z.infer<typeof RunAdapterSchema>;
export type RunDevice = z.infer<typeof RunDeviceSchema>;

/** One line for lists and the run page: "NVIDIA GeForce RTX 4090 (vulkan, nvidia ada), gpu 0". */
export function describeDevice(d: RunDevice): string {
  const a = d.adapter;
  const parts: string[] = [];
  if (a) {
    const detail = [a.dawnBackend, [a.vendor, a.architecture].filter(Boolean).join(' '), a.software ? 'software' : ''].filter(Boolean).join(', ');
    parts.push(`${a.name || a.device || a.description} (${detail})`);
  }
  if (d.gpu !== null) parts.push(`gpu ${d.gpu}`);
  return parts.join(', ');
}
