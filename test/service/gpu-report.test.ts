import { describe, expect, it } from 'vitest';
import { gpuReport } from '../../src-main/service/gpu-report.js';
import { gpuReadiness } from '../../src-main/engine/backend/gpu-readiness.js';

describe('gpuReport (the GPU readiness report probed in a child process, not in the serving one)', () => {
  it('answers the same GPU paths, readiness and checks as gpuReadiness() computed here', async () => {
    const [child, here] = await Promise.all([gpuReport(), gpuReadiness()]);
    expect(child.map((p) => p.path)).toEqual(here.map((p) => p.path));
    expect(child.map((p) => [p.path, p.ready, p.checks.map((c) => [c.what, c.ok])])).toEqual(here.map((p) => [p.path, p.ready, p.checks.map((c) => [c.what, c.ok])]));
    expect(await gpuReport()).toBe(child); // computed once per process
  }, 180_000);
});
