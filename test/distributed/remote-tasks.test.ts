/**
 * Evaluations through the broker (issue 10): with a coordinator and a remote worker, a PGD evaluation (k = 3,
 * n = 32) and an eps grid (4/255, 64/255) of a run trained remotely are computed on the worker and stored by the
 * coordinator with the same figures as the same evaluations computed locally (`ascl eval` on the same store).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster, waitFor, type Cluster } from './cluster.js';
import { lastJson, runCli } from '../cli/cli-helpers.js';

let c: Cluster;
beforeAll(async () => {
  c = await createCluster({ backend: 'wasm' });
  await c.startRedis();
  await c.startCoordinator();
  c.startWorker({ queue: 'default' });
}, 120_000);
afterAll(async () => { await c?.stop(); });

type Run = { id: string; status: string; where?: string | null };
type Row = { id: number; attack: string; eps: number; n: number; steps: number; cleanAccuracy: number; robustAccuracy: number };
const tiny = { dataset: 'synthetic', model: 'small-cnn', defense: 'nat', limit: 256, batchSize: 32, evalSubset: 32, pgdSteps: 2, backend: 'wasm', seed: 1, epochs: 4 };

describe('evaluations on a remote worker', () => {
  it('PGD k=3 n=32 at 64/255 and the grid [4/255, 64/255] store the same clean and robust accuracies as local evaluations', async () => {
    const { id } = await c.api<{ id: string }>('runs:start', { name: 'remote-evals', config: tiny });
    await waitFor(`run ${id} completed`, async () => ((await c.api<Run>('runs:get', { id })).status === 'completed' ? true : undefined), 240_000, () => c.logs());
    await c.api('evals:start', { runId: id, attack: 'pgd', eps: '64/255', steps: 3, n: 32 });
    await c.api('evals:start', { runId: id, attack: 'pgd', epsGrid: ['4/255', '64/255'], steps: 3, n: 32 });
    const rows = await waitFor('3 evaluation rows', async () => { const r = await c.api<Row[]>('evals:list', { runId: id }); return r.length >= 3 ? r : undefined; }, 240_000, () => c.logs());
    expect(c.workers[0].output(), c.logs()).toMatch(/job .*-t\d+ ended completed/);
    const local = async (extra: string[]) => {
      const r = await runCli(['eval', '--run', id, '--db', c.db, '--attack', 'pgd', '--steps', '3', '--n', '32', '--batch-size', '32', '--seed', '1', '--backend', 'wasm', '--json', ...extra], { timeoutMs: 240_000 });
      expect(r.code, r.stderr).toBe(0);
      return lastJson(r.stdout) as Record<string, unknown>;
    };
    const single = await local(['--eps', '64/255']);
    const remoteSingle = rows.find((r) => Math.abs(r.eps - 64 / 255) < 1e-12)!;
    expect([remoteSingle.cleanAccuracy, remoteSingle.robustAccuracy]).toEqual([single.cleanAccuracy, single.robustAccuracy]);
    const grid = await local(['--eps-grid', '4/255,64/255']);
    const remoteGrid = rows.filter((r) => r.id !== remoteSingle.id).sort((a, b) => a.eps - b.eps);
    process.stderr.write(`remote evals [eps, clean, robust]: ${JSON.stringify(rows.map((r) => [r.eps, r.cleanAccuracy, r.robustAccuracy]))}\n`);
    expect(remoteGrid.map((r) => r.robustAccuracy)).toHaveLength(2);
    const points = grid.grid as Array<{ eps: number; robustAccuracy: number }>;
    expect(remoteGrid.map((r) => [r.eps, r.cleanAccuracy, r.robustAccuracy])).toEqual(points.map((p) => [p.eps, grid.cleanAccuracy, p.robustAccuracy]));
    // The figures discriminate: the model is better than chance (1/10) and the attack at 64/255 lowers its accuracy.
    expect(remoteSingle.cleanAccuracy).toBeGreaterThan(0.3);
    expect(remoteSingle.robustAccuracy).toBeLessThan(remoteSingle.cleanAccuracy);
  }, 600_000);
});
