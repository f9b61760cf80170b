/**
 * analysis:start through the queue with the real engine: R-DIV over eps from the run's newest
 * checkpoint runs on a worker, is stored for analysis:rdiv and announced by task:done (success and failure).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../src-main/shared/channels.js';
import { analysisAttack, createAppService, type AppService } from '../../src-main/service/app-service.js';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import { tempDir } from './helpers.js';

let service: AppService | null = null;
afterAll(async () => { await service?.close(); });

describe('analysis:start (real engine, wasm, synthetic small-cnn 1 epoch, analysis PGD steps 1)', () => {
  it('epsSweep [0, "8/255"]: task:done ok; analysis:rdiv returns the two eps rows (finite R-DIV, robust accuracy falling with eps); a corrupt checkpoint gives task:done ok false', async () => {
    const logged: string[] = [];
    service = await createAppService({ dbPath: path.join(tempDir(), 'a.db'), workers: 1, backend: 'wasm', log: (m) => logged.push(m) });
    const { id } = await service['runs:start']({ config: { dataset: 'synthetic', model: 'small-cnn', defense: 'nat', epochs: 1, limit: 64, batchSize: 32, evalSubset: 16, pgdSteps: 1 } });
    await expect(service['analysis:start']({ runId: id, epsSweep: [0] })).rejects.toThrow(/no checkpoint yet/);
    expect(await service.waitForRun(id)).toBe('completed');
    expect((await service['analysis:rdiv']({ runId: id })).eps).toEqual([]);
    const done = new Promise<ApiEvents['task:done']>((resolve) => { service!.on('task:done', resolve); });
    // steps 1 keeps the test short; the default is the dataset's evaluation PGD (k = 250).
    const job = await service['analysis:start']({ runId: id, epsSweep: [0, '8/255'], steps: 1 });
    expect(job.taskId).toBeGreaterThan(0);
    const ev = await done;
    expect(ev, logged.join('\n')).toEqual({ taskId: job.taskId, kind: 'analysis', runId: id, ok: true, error: null });
    expect(service.store.getTask(job.taskId)).toMatchObject({ kind: 'analysis', status: 'completed', error: null });
    const rd = await service['analysis:rdiv']({ runId: id });
    expect(rd.eps.map((p) => p.eps)).toEqual([0, 8 / 255]);
    for (const p of rd.eps) {
      expect(p.dMinus).toBeGreaterThan(0);
      expect(p.dPlus).toBeGreaterThan(0);
      // R-DIV is averaged per batch (analysis/divergence.ts), so it need not equal the ratio of the averages.
      expect(Number.isFinite(p.rdiv) && p.rdiv > 0).toBe(true);
      expect(p.robustAccuracy).toBeGreaterThanOrEqual(0);
      expect(p.robustAccuracy).toBeLessThanOrEqual(1);
    }
    // A larger budget cannot make the attack weaker on the same images.
    expect(rd.eps[1].robustAccuracy).toBeLessThanOrEqual(rd.eps[0].robustAccuracy);
    expect(logged).toEqual([]);

    // A failing analysis is announced (ok false, the error) and logged, not swallowed; the stored rows stay.
    fs.writeFileSync(service.store.resolveFile(service.store.checkpoints(id)[0].file), 'not a checkpoint');
    const failed = new Promise<ApiEvents['task:done']>((resolve) => { service!.on('task:done', resolve); });
    const second = await service['analysis:start']({ runId: id, epsSweep: ['4/255'], steps: 1 });
    const bad = await failed;
    expect(bad).toMatchObject({ taskId: second.taskId, kind: 'analysis', runId: id, ok: false });
    expect(service.store.getTask(second.taskId)).toMatchObject({ status: 'failed', error: bad.error });
    expect(bad.error).toMatch(/\S/);
    expect(logged).toEqual([`analysis:start(${id}): ${bad.error}`]);
    expect((await service['analysis:rdiv']({ runId: id })).eps).toEqual(rd.eps);
  }, 180_000);
});

describe('analysisAttack: the PGD of R-DIV over eps, robust accuracy over eps and the t-SNE', () => {
  it('is the dataset\'s evaluation PGD (CIFAR-10 k 250, step 2/255; CIFAR-100 step 0.001), not the run\'s training PGD-10 with its step', () => {
    const c10 = parseRunConfig({ dataset: 'cifar10', pgdSteps: 10, stepSize: 1 / 255 });
    expect(analysisAttack(c10, { steps: null })).toEqual({ eps: 8 / 255, stepSize: 2 / 255, steps: 250 });
    expect(analysisAttack(parseRunConfig({ dataset: 'cifar100' }), { steps: null })).toEqual({ eps: 0.01, stepSize: 0.001, steps: 250 });
    expect(analysisAttack(c10, { steps: 20, stepSize: 0.01 })).toEqual({ eps: 8 / 255, stepSize: 0.01, steps: 20 });
  });
});
