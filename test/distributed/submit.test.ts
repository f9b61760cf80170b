/**
 * `ascl train --broker` and `ascl study run --broker` on the coordinator's store (issue 10): the run is stored
 * queued for the broker's queue, the coordinator dispatches it to a worker, and the command follows it from
 * the store until it ends and exits as the local path does. The remote run's epochs equal those of a local
 * `ascl train` with the same seed and backend. A bad broker URL, or no Redis there, exits 2 storing nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src-main/store/store.js';
import { lastJson, runCli } from '../cli/cli-helpers.js';
import { createCluster, freePort, type Cluster } from './cluster.js';

const CONFIG = { dataset: 'synthetic', model: 'small-cnn', defense: 'nat', limit: 96, batchSize: 8, evalSubset: 64, epochs: 2, backend: 'wasm', seed: 5 } as const;

let c: Cluster;
beforeAll(async () => {
  c = await createCluster({ backend: 'wasm' });
  await c.startRedis();
  await c.startCoordinator();
  c.startWorker();
}, 180_000);
afterAll(async () => { await c?.stop(); });

function readStore<T>(db: string, f: (s: Store) => T): T {
  const s = new Store(db, { readonly: true });
  try { return f(s); } finally { s.close(); }
}

const figures = (db: string, id: string): unknown[] => readStore(db, (s) => s.epochs(id).map((e) => [e.epoch, e.natAccuracy, e.pgdAccuracy, e.trainAccuracy, e.terms.loss]));

describe('ascl train --broker: queued for the coordinator, trained by a worker, followed here', () => {
  it('synthetic, 2 epochs, seed 5, wasm: exit 0, 2 epoch lines and end completed; the run went through queue default on a worker; its epochs equal a local ascl train', async () => {
    const cfg = path.join(c.dir, 'cfg.json');
    fs.writeFileSync(cfg, JSON.stringify(CONFIG));
    const env = { ASCL_HOME: path.join(c.dir, 'cli') };
    const remote = await runCli(['train', '--config', cfg, '--db', c.db, '--broker', c.brokerUrl, '--json'], { timeoutMs: 400_000, env });
    const detail = `${remote.stdout}\n${remote.stderr}\n${c.logs()}`;
    expect(remote.code, detail).toBe(0);
    const lines = remote.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.event === 'epoch').map((l) => l.epoch), detail).toEqual([1, 2]);
    const end = lastJson(remote.stdout);
    expect(end, detail).toMatchObject({ event: 'end', status: 'completed', epochsDone: 2, epochsTotal: 2 });
    const id = String(end.runId);
    const run = readStore(c.db, (s) => s.requireRun(id));
    expect([run.queueName, run.workerId !== null, run.status], detail).toEqual(['default', true, 'completed']);

    const localDb = path.join(c.dir, 'local', 'ascl.db');
    fs.mkdirSync(path.dirname(localDb), { recursive: true });
    const local = await runCli(['train', '--config', cfg, '--db', localDb, '--json'], { timeoutMs: 300_000, env });
    expect(local.code, local.stderr).toBe(0);
    const localId = String(lastJson(local.stdout).runId);
    expect(figures(c.db, id)).toHaveLength(2);
    expect(figures(c.db, id)).toEqual(figures(localDb, localId));
  }, 800_000);

  it('--broker http://x (not redis://) and --broker redis://127.0.0.1:<free port> (no Redis), and --queue without a broker, exit 2 and store no run', async () => {
    const db = path.join(c.dir, 'bad', 'ascl.db');
    fs.mkdirSync(path.dirname(db), { recursive: true });
    const args = ['train', '--dataset', 'synthetic', '--epochs', '1', '--db', db, '--json'];
    const wrong = await runCli([...args, '--broker', 'http://x'], { env: { ASCL_HOME: path.dirname(db) } });
    expect(wrong.code, wrong.stderr).toBe(2);
    expect(wrong.stderr).toMatch(/http:\/\/x|redis:\/\//);
    const none = await runCli([...args, '--broker', `redis://127.0.0.1:${await freePort()}`], { env: { ASCL_HOME: path.dirname(db) } });
    expect(none.code, none.stderr).toBe(2);
    expect(none.stderr).toMatch(/no Redis/);
    const queueAlone = await runCli([...args, '--queue', 'gpu-a100'], { env: { ASCL_HOME: path.dirname(db), ASCL_BROKER: '' } });
    expect(queueAlone.code, queueAlone.stderr).toBe(2);
    expect(queueAlone.stderr).toMatch(/--queue "gpu-a100" needs a broker/);
    expect(fs.existsSync(db) ? readStore(db, (s) => s.listRuns().length) : 0).toBe(0);
  }, 120_000);

  it('--queue gpu-a100, 1 epoch: the run is trained by the worker of queue gpu-a100 (not the default one) and exit 0', async () => {
    const gpu = c.startWorker({ queue: 'gpu-a100' });
    const cfg = path.join(c.dir, 'cfg-queue.json');
    fs.writeFileSync(cfg, JSON.stringify({ ...CONFIG, epochs: 1, seed: 7 }));
    const r = await runCli(['train', '--config', cfg, '--db', c.db, '--broker', c.brokerUrl, '--queue', 'gpu-a100', '--json'], { timeoutMs: 400_000, env: { ASCL_HOME: path.join(c.dir, 'cli') } });
    const detail = `${r.stdout}\n${r.stderr}\n${c.logs()}`;
    expect(r.code, detail).toBe(0);
    const run = readStore(c.db, (s) => s.requireRun(String(lastJson(r.stdout).runId)));
    const gpuId = readStore(c.db, (s) => s.workerInfos().find((w) => w.pid === gpu.pid)?.id);
    expect([run.queueName, run.status, run.epochsDone], detail).toEqual(['gpu-a100', 'completed', 1]);
    expect(run.workerId, detail).toBe(gpuId);
  }, 500_000);
});

describe('ascl study run --broker: a tiny study through the coordinator', () => {
  it('2 runs (table4/adv, seeds 0 and 1, 1 epoch, synthetic) + PGD-2 on 16 images each: exit 0, both runs trained by a worker through queue default, 2 evaluations stored', async () => {
    const file = path.join(c.dir, 'study.json');
    fs.writeFileSync(file, JSON.stringify({
      name: 'dist-study', description: 'two seeds through the broker',
      runs: { presets: ['table4/adv'], seeds: [0, 1],
        overrides: { dataset: 'synthetic', model: 'small-cnn', epochs: 1, limit: 96, batchSize: 16, evalSubset: 16, pgdSteps: 1, queryAnchors: 0, backend: 'wasm' } },
      evaluation: { attacks: [{ attack: 'pgd', steps: 2 }], eps: '2/255', n: 16, seed: 0 },
      report: {},
    }));
    const r = await runCli(['study', 'run', file, '--db', c.db, '--json', '--backend', 'wasm', '--broker', c.brokerUrl], { timeoutMs: 600_000, env: { ASCL_HOME: path.join(c.dir, 'cli') } });
    const detail = `${r.stdout}\n${r.stderr}\n${c.logs()}`;
    expect(r.code, detail).toBe(0);
    expect(lastJson(r.stdout), detail).toMatchObject({ event: 'end', ok: true, failed: [] });
    const runs = readStore(c.db, (s) => s.listRuns().filter((x) => x.group?.startsWith('dist-study/')).map((x) => ({ queue: x.queueName, worker: x.workerId !== null, status: x.status, evals: s.evaluations(x.id).length })));
    expect(runs, detail).toEqual([0, 1].map(() => ({ queue: 'default', worker: true, status: 'completed', evals: 1 })));
  }, 700_000);
});
