/**
 * `ascl train --backend webgpu --gpu 0` end to end: a short ASCL run (synthetic data, small-cnn,
 * 32 samples, 1 epoch) trains on the adapter Dawn gives, the software one in CI (the test allows it
 * with ASCL_WEBGPU_ALLOW_SOFTWARE=1; EGL_PLATFORM is defaulted by the engine on a headless machine),
 * and the run records its backend and device (adapter, Dawn backend, --gpu index).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../service/helpers.js';
import { webgpuForTests } from '../backend/webgpu.js';
import { lastJson, runCli } from './cli-helpers.js';

const gpu = await webgpuForTests();
const dir = tempDir('ascl-webgpu-');
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describe.skipIf(gpu.unavailable !== null)(`ascl train --backend webgpu (adapter ${gpu.adapter?.name ?? `none: ${gpu.unavailable}`})`, () => {
  it('ascl, leaked selection, synthetic 32 samples, batch 16, 1 epoch, PGD-2: completes, loss finite, backend webgpu and the adapter recorded', async () => {
    const db = path.join(dir, 'ascl.db');
    const r = await runCli(['train', '--db', db, '--json', '--dataset', 'synthetic', '--model', 'small-cnn', '--defense', 'ascl', '--selection', 'leaked',
      '--epochs', '1', '--limit', '32', '--batch-size', '16', '--eval-subset', '16', '--pgd-steps', '2', '--backend', 'webgpu', '--gpu', '0'],
      { env: { ASCL_WEBGPU_ALLOW_SOFTWARE: '1' }, timeoutMs: 600_000 });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const runId = String(lastJson(r.stdout).runId);
    const show = lastJson((await runCli(['show', runId, '--db', db, '--json'])).stdout) as {
      status: string; backend: string; device: { gpu: number; adapter: { name: string; dawnBackend: string; software: boolean } } | null;
      epochs: Array<{ terms: Record<string, number> }>;
    };
    expect(show).toMatchObject({ status: 'completed', backend: 'webgpu' });
    expect(show.device).toMatchObject({ gpu: 0, adapter: { name: gpu.adapter?.name, dawnBackend: gpu.adapter?.dawnBackend, software: gpu.adapter?.software } });
    expect(show.epochs).toHaveLength(1);
    expect(Number.isFinite(show.epochs[0].terms.loss)).toBe(true);
    expect(show.epochs[0].terms.scl).toBeGreaterThan(0); // the contrastive term ran (selection masks as tensor ops on webgpu)
  }, 600_000);
});
