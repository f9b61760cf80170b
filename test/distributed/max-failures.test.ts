/**
 * With the real coordinator (`ascl serve --broker --token --no-ui`, test/distributed/cluster.ts): a worker whose
 * jobs keep failing (its --data-dir does not exist) with --max-failures 2 stops taking jobs, exits 1 saying why,
 * and the run it did not take stays queued (a broken host must not burn the whole queue). Cancel: cancel.test.ts.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster, waitFor, type Cluster } from './cluster.js';

let c: Cluster;
beforeAll(async () => {
  c = await createCluster({ backend: 'wasm' });
  await c.startRedis();
  await c.startCoordinator();
}, 120_000);
afterAll(async () => { await c?.stop(); });

const tiny = { dataset: 'synthetic', model: 'small-cnn', defense: 'nat', limit: 64, batchSize: 32, evalSubset: 32, pgdSteps: 2, backend: 'wasm' };
type Run = { id: string; status: string; error: string | null; where?: string | null };
const getRun = (id: string) => c.api<Run>('runs:get', { id });

describe('distributed mode with the real coordinator', () => {
  it('--max-failures 2: a worker whose --data-dir does not exist fails 2 runs in a row, exits 1 and says why', async () => {
    // A folder this host lacks (a typo in --data-dir, a disk not mounted): every run fails to load its data.
    const missing = path.join(c.dir, 'no-such-data-folder');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await c.api<{ id: string }>('runs:start', { name: `no-data-${i}`, queue: 'nodata', config: { ...tiny, dataset: 'cifar10', epochs: 1 } })).id);
    const w = c.startWorker({ queue: 'nodata', extra: ['--max-failures', '2', '--data-dir', missing] });
    let code: number | null = null;
    void w.exited.then((e) => { code = e.code; });
    await waitFor('the worker to exit', () => (w.child.exitCode !== null || w.child.signalCode !== null ? true : undefined), 150_000, () => c.logs());
    expect(code, c.logs()).toBe(1);
    expect(w.output()).toMatch(/stopping: 2 jobs failed in a row \(--max-failures 2\); this worker takes no more jobs\. Last: .*data folder .*no-such-data-folder does not exist/);
    const statuses = await Promise.all(ids.map(async (id) => (await getRun(id)).status));
    expect(statuses.filter((s) => s === 'failed')).toHaveLength(2);
    expect(statuses.filter((s) => s === 'queued')).toHaveLength(1);
  }, 200_000);
});
