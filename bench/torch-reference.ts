/**
 * Runs bench/torch_reference_step.py (Debian's python3-torch via /usr/bin/python3) and reads its
 * JSON line; null with the reason when python or torch is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const PYTHON = process.env.ASCL_BENCH_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch_reference_step.py', import.meta.url));

const TorchResult = z.object({ model: z.string(), threads: z.number(), msPerStep: z.number(), samplesPerSecond: z.number(), torch: z.string(), device: z.enum(['cpu', 'cuda']).default('cpu') });
export type TorchResult = z.infer<typeof TorchResult>;

/** Why torch cannot run here, or null when it can. */
export function torchUnavailable(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found (install Debian's python3-torch, or set ASCL_BENCH_PYTHON)`;
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.status !== 0) return `PyTorch is not installed for ${PYTHON} (apt-get install python3-torch): ${r.stderr.trim().split('\n').at(-1)}`;
  return null;
}

/** Whether PyTorch here sees a CUDA GPU (for the webgpu bench's reference). */
export function torchHasCuda(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)'], { encoding: 'utf8' });
  return r.status === 0;
}

export function runTorchStep(model: string, threads: number, opts: { batch: number; steps: number; device?: 'cpu' | 'cuda' }): TorchResult {
  const device = opts.device ?? 'cpu';
  const r = spawnSync(PYTHON, [SCRIPT, '--model', model, '--threads', String(threads), '--batch', String(opts.batch), '--steps', String(opts.steps), '--device', device], {
    encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) },
  });
  if (r.status !== 0) throw new Error(`runTorchStep(${model}, ${threads} threads): python exited ${r.status}: ${r.stderr.trim().slice(-800)}`);
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  return TorchResult.parse(JSON.parse(last));
}
