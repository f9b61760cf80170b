/** The compare table's evaluation columns carry the standard error of their figure (one run, and a group's mean). */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppService } from '../../src-main/service/app-service.js';
import { fakeService, tempDir, SMALL } from './helpers.js';

let service: AppService;
let a: string, b: string;
beforeAll(async () => {
  service = await fakeService(path.join(tempDir(), 'a.db'), { workers: 2 });
  a = (await service['runs:start']({ config: { ...SMALL, seed: 1 } })).id;
  b = (await service['runs:start']({ config: { ...SMALL, seed: 2 } })).id;
  await Promise.all([a, b].map((id) => service.waitForRun(id)));
});
afterAll(async () => { await service.close(); });

const addPgd = (runId: string, robust: number, n: number): void => {
  const epoch = service.store.epochs(runId).at(-1)!.epoch;
  service.store.addEvaluation({ runId, attack: 'pgd', eps: 8 / 255, steps: 250, stepSize: 2 / 255, n, seed: 0, checkpointEpoch: epoch,
    cleanAccuracy: 0.8, robustAccuracy: robust, seconds: 1, protocol: null, outcomes: null });
};

describe('compare:table standard errors', () => {
  it('eval:pgd of 0.30 and 0.40 on 1000 images each: se of each sqrt(p(1-p)/1000), of the group mean sqrt(se_a^2 + se_b^2) / 2; monitoring columns have none', async () => {
    addPgd(a, 0.3, 1000);
    addPgd(b, 0.4, 1000);
    const one = await service['compare:table']({ runIds: [a], summary: { kind: 'last' } });
    const seA = Math.sqrt(0.3 * 0.7 / 1000), seB = Math.sqrt(0.4 * 0.6 / 1000);
    expect(one.rows[0].metrics['eval:pgd']!.se).toBeCloseTo(seA, 12);
    const both = await service['compare:table']({ runIds: [a, b], summary: { kind: 'last' } });
    expect(both.rows).toHaveLength(1);
    expect(both.rows[0].metrics['eval:pgd']!.mean).toBeCloseTo(0.35, 12);
    expect(both.rows[0].metrics['eval:pgd']!.se).toBeCloseTo(Math.sqrt(seA ** 2 + seB ** 2) / 2, 12);
    expect(both.rows[0].metrics.pgdAccuracy!.se).toBeNull();
  });
});
