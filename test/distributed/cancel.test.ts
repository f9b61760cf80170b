/**
 * Cancel in the UI reaches a remote worker (issue 10): runs:cancel of a run training on an `ascl worker` is
 * answered in the worker's next heartbeat; its `done cancelled` record ends the run, and the worker takes the
 * next job. A queued remote run is cancelled at once and never starts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { Store } from '../../src-main/store/store.js';
import { CANCEL_REQUESTS_KEY } from '../../src-main/queue/wire.js';
import { createCluster, waitFor, type Cluster } from './cluster.js';

const CONFIG = { dataset: 'synthetic', model: 'small-cnn', defense: 'nat', limit: 96, batchSize: 8, evalSubset: 32, backend: 'wasm' } as const;
let cluster: Cluster | null = null;
afterAll(async () => { await cluster?.stop(); });

describe('cancel through the broker', () => {
  it('live progress of a remote run; a 40-epoch run cancelled after its first epoch -> cancelled with 1..k epochs (k < 40); a queued run cancelled (API, and a Redis cancel request) -> never started; then a 1-epoch run completes on the same worker', async () => {
    const c = await createCluster({ backend: 'wasm' });
    cluster = c;
    const run = (id: string) => { const s = new Store(c.db, { readonly: true }); try { return { r: s.requireRun(id), epochs: s.epochNumbers(id) }; } finally { s.close(); } };
    await c.startRedis();
    await c.startCoordinator();
    c.startWorker();
    const { id: long } = await c.api<{ id: string }>('runs:start', { config: { ...CONFIG, epochs: 40 } });
    const { id: queued } = await c.api<{ id: string }>('runs:start', { config: { ...CONFIG, epochs: 2, seed: 5 } });
    const { id: byOther } = await c.api<{ id: string }>('runs:start', { config: { ...CONFIG, epochs: 2, seed: 6 } });
    await waitFor('the long run\'s first epoch', () => (run(long).r.epochsDone >= 1 ? true : undefined), 180_000, () => c.logs());
    // Live progress reaches the coordinator through QueueEvents (the store holds no progress of a remote run).
    const live = await waitFor('live progress of the remote run', async () => {
      const g = await c.api<{ progress: number; where: string | null; queue: string | null }>('runs:get', { id: long });
      return g.progress > 0 && g.progress <= 1 ? g : undefined;
    }, 60_000, () => c.logs());
    expect(live).toMatchObject({ queue: 'default', where: expect.stringMatching(/-\d+-/) });
    expect(run(queued).r.status).toBe('queued');
    await c.api('runs:cancel', { id: queued });
    expect(run(queued).r.status).toBe('cancelled');
    // Another process (ascl train --broker) asks through Redis; the coordinator's reconcile loop cancels it.
    execFileSync('redis-cli', ['-p', String(c.redisPort), 'SADD', CANCEL_REQUESTS_KEY, byOther]);
    await waitFor('the run cancelled through a Redis cancel request', () => (run(byOther).r.status === 'cancelled' ? true : undefined), 30_000, () => c.logs());
    await c.api('runs:cancel', { id: long });
    const after = await waitFor('the long run cancelled', () => { const x = run(long); return x.r.status === 'cancelled' ? x : undefined; }, 60_000, () => c.logs());
    expect(after.epochs.length).toBeLessThan(40);
    expect(after.epochs).toEqual(Array.from({ length: after.epochs.length }, (_, i) => i + 1));
    const { id: next } = await c.api<{ id: string }>('runs:start', { config: { ...CONFIG, epochs: 1, seed: 7 } });
    const done = await waitFor('the next run settled', () => { const x = run(next); return ['completed', 'failed', 'cancelled'].includes(x.r.status) ? x : undefined; }, 180_000, () => c.logs());
    expect(done.r.status, c.logs()).toBe('completed');
    expect(run(queued)).toMatchObject({ r: { status: 'cancelled', startedAt: null }, epochs: [] });
  }, 600_000);
});
