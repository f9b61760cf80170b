import { describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { backendReport, currentBackend, initBackend } from '../../src-main/engine/backend/index.js';
import { WASM_KERNELS } from '../../src-main/engine/backend/kernels/index.js';

describe('initBackend', () => {
  it("explicit 'tensorflow' without tfjs-node installed throws naming it, why, and what is available", async () => {
    await expect(initBackend('tensorflow')).rejects.toThrow(/backend 'tensorflow' is not available \(@tensorflow\/tfjs-node-gpu: .*\). Available: auto, webgpu, wasm, cpu/);
    expect(currentBackend()).toBeNull();
  });

  it("'auto' falls through tensorflow and webgpu (no hardware adapter here; software ones are never chosen) to wasm, is idempotent, and reports why others were skipped", async () => {
    delete process.env.ASCL_WEBGPU_ALLOW_SOFTWARE;
    const [a, b] = await Promise.all([initBackend(), initBackend('auto')]);
    expect([a, b]).toEqual(['wasm', 'wasm']);
    expect(tf.getBackend()).toBe('wasm');
    expect(currentBackend()).toBe('wasm');
    expect(await initBackend('wasm')).toBe('wasm');
    const report = backendReport();
    expect(report.active).toBe('wasm');
    expect(report.attempts.map((t) => [t.variant.split(' ')[0], t.ok])).toEqual([
      ['@tensorflow/tfjs-node-gpu', false],
      ['@tensorflow/tfjs-node', false],
      [expect.stringMatching(/webgpu/), false],
      ['@tensorflow/tfjs-backend-wasm', true],
    ]);
    expect(report.attempts[2].reason).toMatch(/no Vulkan driver manifest|startWebgpu: no hardware GPU adapter|loadDawn/);
    expect(report.adapter).toBeNull();
    expect(report.attempts[0].reason).toMatch(/tfjs-node-gpu/);
    expect(report.customKernels).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'MaxPoolGrad', 'BatchMatMul']));
  });

  it('our kernels are the ones registered on wasm (not the stock ones)', () => {
    for (const k of WASM_KERNELS) expect(tf.getKernel(k.kernelName, 'wasm')?.kernelFunc, k.kernelName).toBe(k.kernelFunc);
  });

  it("switching to 'cpu' explicitly works and is recorded", async () => {
    expect(await initBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(backendReport().attempts.at(-1)).toMatchObject({ backend: 'cpu', ok: true });
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it('an unknown name is refused with the list of names', async () => {
    await expect(initBackend('metal' as never)).rejects.toThrow(/unknown backend 'metal' \(expected auto, tensorflow, webgpu, wasm, cpu\)/);
  });
});
